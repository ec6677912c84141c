using Ent.Consent.Cli;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    // The first Ctrl+C stops the work cleanly (the browser and the store connections are closed); a second one kills.
    e.Cancel = !cancellation.IsCancellationRequested;
    cancellation.Cancel();
};
return await EntConsentCli.RunAsync(args, Console.Out, Console.Error, cancellation.Token);
