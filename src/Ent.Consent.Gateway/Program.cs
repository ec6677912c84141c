// The gateway: `dotnet run --project src/Ent.Consent.Gateway -- --urls http://127.0.0.1:8090 --Gateway:Upstream http://127.0.0.1:8080`.
using Ent.Consent.Gateway;
using Microsoft.Extensions.Options;

try
{
    GatewayApplication.Build(args).Run();
    return 0;
}
catch (OptionsValidationException exception)
{
    Console.Error.WriteLine("The gateway's configuration is not valid:");
    foreach (var failure in exception.Failures)
    {
        Console.Error.WriteLine("  - " + failure);
    }

    return 2;
}
