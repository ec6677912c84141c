using Ent.Consent.Sqlite;
using Microsoft.Extensions.Hosting;

namespace Ent.Consent.Proofs.Tests;

/// <summary>
/// The test assembly doubles as the child process of the crash tests: <c>--append-until-killed &lt;file&gt;</c>
/// appends to a SQLite store as fast as it can and prints the record id of every acknowledged append;
/// <c>--portal &lt;folder&gt; &lt;url&gt;</c> serves a small portal on a SQLite store and prints <c>ready</c>.
/// </summary>
public static class Program
{
    /// <summary>The store child mode's switch.</summary>
    public const string AppendUntilKilled = "--append-until-killed";

    /// <summary>The portal child mode's switch.</summary>
    public const string Portal = "--portal";

    /// <summary>Runs a child mode; the test runner never calls this.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args is [Portal, var folder, var url])
        {
            // One client address sends the whole load: no rate limit.
            var app = PortalHost.Build(folder, url, o => o.EndpointRequestsPerMinute = 0);
            await app.StartAsync();
            await Console.Out.WriteLineAsync("ready");
            await Console.Out.FlushAsync();
            await app.WaitForShutdownAsync();
            await Console.Out.WriteLineAsync("stopped");
            return 0;
        }

        if (args is not [AppendUntilKilled, var path])
        {
            await Console.Error.WriteLineAsync($"usage: {AppendUntilKilled} <sqlite file> | {Portal} <folder> <url>");
            return 2;
        }

        using var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = path }, TimeProvider.System);
        var output = Console.Out;
        for (var i = 0; ; i++)
        {
            var proof = await store.AppendAsync(Drafts.Choice($"crash-{i}", subjectKey: "crash-subject", timestamp: DateTimeOffset.UtcNow));
            await output.WriteLineAsync(proof.RecordId);
            await output.FlushAsync();
        }
    }
}
