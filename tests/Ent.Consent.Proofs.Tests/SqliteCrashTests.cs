using System.Diagnostics;
using Ent.Consent.Sqlite;
using Microsoft.Data.Sqlite;

namespace Ent.Consent.Proofs.Tests;

/// <summary>A process killed with SIGKILL in the middle of appends loses no acknowledged record.</summary>
public sealed class SqliteCrashTests
{
    [Fact]
    public async Task Killing_the_writer_with_SIGKILL_loses_no_acknowledged_record_and_the_chain_verifies_after_restart()
    {
        var folder = Directory.CreateTempSubdirectory("ent-consent-crash-").FullName;
        var path = Path.Combine(folder, "proofs.db");
        try
        {
            var acknowledged = new List<string>();
            for (var round = 0; round < 3; round++)
            {
                // Each round kills the writer after a different number of acknowledgements, so it dies at varied points.
                acknowledged.AddRange(await RunWriterUntilKilledAsync(path, acknowledgementsBeforeKill: 150 + (round * 97)));
            }

            Assert.True(acknowledged.Count >= 150 + 247 + 344);
            using var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = path }, TimeProvider.System);
            var verification = await store.VerifyAsync();
            Assert.True(verification.IsValid, verification.Reason);

            var stored = ReadRecordIds(path);
            var lost = acknowledged.Where(id => !stored.Contains(id)).ToList();
            Assert.Empty(lost);
            Assert.True(verification.RecordCount >= acknowledged.Count);
            // A restarted writer continues the same chain.
            var next = await store.AppendAsync(Drafts.Choice("after-restart"));
            Assert.Equal(verification.HeadSequence + 1, next.Sequence);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<List<string>> RunWriterUntilKilledAsync(string path, int acknowledgementsBeforeKill)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(Program).Assembly.Location);
        start.ArgumentList.Add(Program.AppendUntilKilled);
        start.ArgumentList.Add(path);
        using var child = Process.Start(start) ?? throw new InvalidOperationException("The writer process did not start.");
        var acknowledged = new List<string>();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        try
        {
            while (acknowledged.Count < acknowledgementsBeforeKill)
            {
                var line = await child.StandardOutput.ReadLineAsync(deadline.Token)
                    ?? throw new InvalidOperationException($"The writer exited early: {await child.StandardError.ReadToEndAsync()}");
                acknowledged.Add(line);
            }
        }
        finally
        {
            // Process.Kill sends SIGKILL on Unix: no managed clean-up, no SQLite close; the writer is mid-append.
            child.Kill();
        }

        // Lines printed before the kill were acknowledged too.
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.Length == 32)
            {
                acknowledged.Add(line);
            }
        }

        await child.WaitForExitAsync();
        Assert.Equal(137, child.ExitCode);
        return acknowledged;
    }

    private static HashSet<string> ReadRecordIds(string path)
    {
        using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT record_id FROM consent_proofs";
        using var reader = command.ExecuteReader();
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }
}
