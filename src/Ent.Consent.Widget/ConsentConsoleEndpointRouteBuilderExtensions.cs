using Ent.Consent;
using Ent.Consent.AspNetCore;
using Ent.Consent.Widget;
using Ent.Consent.Widget.Console;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the consent console, the data protection officer's pages over the proof ledger.</summary>
public static partial class ConsentConsoleEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the consent console under <paramref name="prefix"/>: <c>GET choices</c> (grants, refusals and withdrawals
    /// per service over time, as SVG charts with their tables; <c>?tenant=</c>, <c>from=</c>, <c>to=</c> as
    /// yyyy-MM-dd, <c>by=day|week</c>), <c>GET ledger</c> (chain, retention, exports, administrator actions) with
    /// <c>POST ledger/verify</c> and <c>POST ledger/export</c>, <c>GET trackers</c> (undeclared cookies seen) and
    /// <c>GET policy</c> (the catalogue and its changes). Server-rendered, no script, French and English. The pages
    /// show pseudonymous personal data, so the authorization policy is required; a policy the host did not register
    /// stops the host at start.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="prefix">The route prefix, for example <c>/consent/console</c>.</param>
    /// <param name="authorizationPolicy">The name of an authorization policy the host registered, for example <c>DataProtectionOfficer</c>.</param>
    /// <returns>The group, for further conventions.</returns>
    /// <exception cref="ArgumentException">The prefix or policy name is empty.</exception>
    /// <exception cref="InvalidOperationException">The widget, a proof store or its statistics are not registered.</exception>
    public static RouteGroupBuilder MapEntConsentConsole(this IEndpointRouteBuilder endpoints, string prefix, string authorizationPolicy)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(authorizationPolicy);
        var services = endpoints.ServiceProvider;
        if (services.GetService<ConsentWidget>() is null)
        {
            throw new InvalidOperationException("MapEntConsentConsole needs the widget: call builder.Services.AddEntConsent(…).AddWidget().");
        }

        if (services.GetService<IConsentProofStore>() is null || services.GetService<IConsentProofStatistics>() is null || services.GetService<IConsentAdministrationJournal>() is null)
        {
            throw new InvalidOperationException("MapEntConsentConsole needs a consent proof store: call builder.Services.AddEntConsent(…).AddSqliteProofStore(path) or .AddPostgreSqlProofStore(connectionString).");
        }

        var console = new ConsoleApp(prefix, services);
        var group = endpoints.MapGroup(console.Prefix);
        group.RequireAuthorization(authorizationPolicy);
        group.AddEndpointFilter(async (context, next) =>
        {
            try
            {
                return await next(context).ConfigureAwait(false);
            }
            catch (ConsentProofStoreUnavailableException)
            {
                return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Consent proof store unavailable", detail: "The consent proof store cannot be read now; try again later.");
            }
        });
        group.MapGet("/", (HttpContext context) => Results.Redirect(context.Request.PathBase.Add(console.Prefix + "/choices").Value!));
        group.MapGet("/choices", console.ChoicesAsync);
        group.MapGet("/ledger", console.LedgerAsync);
        group.MapPost("/ledger/verify", console.VerifyAsync);
        group.MapPost("/ledger/export", console.ExportAsync);
        group.MapGet("/trackers", console.TrackersAsync);
        group.MapGet("/policy", console.PolicyAsync);
        group.MapGet("/console.css", ConsoleApp.StyleAsync);

        // The catalogue of the version that starts now is kept at once, so the next version can show its changes
        // even if nobody opened the policy page meanwhile.
        var lifetime = services.GetService<IHostApplicationLifetime>();
        lifetime?.ApplicationStarted.Register(() => _ = RememberPolicyAtStartAsync(console, services));
        lifetime?.ApplicationStopped.Register(console.Dispose);
        return group;
    }

    private static async Task RememberPolicyAtStartAsync(ConsoleApp console, IServiceProvider services)
    {
        try
        {
            var resolver = services.GetRequiredService<IConsentPolicyResolver>();
            var policy = resolver.Resolve(new DefaultHttpContext { RequestServices = services }).Policy;
            await console.RememberAsync(policy).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is ConsentProofStoreUnavailableException or InvalidOperationException)
        {
            LogPolicyNotKept(services.GetRequiredService<ILoggerFactory>().CreateLogger("Ent.Consent.Widget.Console"), exception);
        }
    }

    [LoggerMessage(EventId = 513, Level = LogLevel.Warning, Message = "Consent console: the policy's catalogue could not be kept at start; the policy page keeps it on its next view")]
    private static partial void LogPolicyNotKept(ILogger logger, Exception exception);
}
