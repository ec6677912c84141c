using Ent.Consent.Sqlite;

namespace Ent.Consent.Proofs.Tests;

/// <summary>
/// The test assembly doubles as the child process of the crash test: <c>dotnet Ent.Consent.Proofs.Tests.dll
/// --append-until-killed &lt;file&gt;</c> appends to a SQLite store as fast as it can and prints the record id of
/// every append once it is acknowledged, until it is killed.
/// </summary>
public static class Program
{
    /// <summary>The child mode's switch.</summary>
    public const string AppendUntilKilled = "--append-until-killed";

    /// <summary>Runs the child mode; the test runner never calls this.</summary>
    public static async Task<int> Main(string[] args)
    {
        if (args is not [AppendUntilKilled, var path])
        {
            await Console.Error.WriteLineAsync($"usage: {AppendUntilKilled} <sqlite file>");
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
