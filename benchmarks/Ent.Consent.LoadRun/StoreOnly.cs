using System.Diagnostics;
using System.Globalization;
using Ent.Consent;
using Ent.Consent.Sqlite;

/// <summary>Durable appends straight into the SQLite store from 64 concurrent writers: the ledger's own ceiling.</summary>
internal static class StoreOnly
{
    public static async Task RunAsync(string path, int seconds)
    {
        using var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = path }, TimeProvider.System);
        await RunWritersAsync(store, 2, 0); // warm-up: JIT, file growth
        var (count, latencies, elapsed) = await RunWritersAsync(store, seconds, 100_000_000);
        var all = latencies.Order().ToArray();
        var verification = await store.VerifyAsync();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"SQLite store alone, 64 writers: {count / elapsed.TotalSeconds:0} appends/s, p50 {all[all.Length / 2]:0.0} ms, p99 {all[(int)(all.Length * 0.99)]:0.0} ms; chain valid={verification.IsValid}, records={verification.RecordCount}"));
    }

    private static async Task<(int Count, List<double> Latencies, TimeSpan Elapsed)> RunWritersAsync(SqliteConsentProofStore store, int seconds, int firstId)
    {
        var latencies = new List<double>[64];
        var stop = Stopwatch.StartNew();
        var writers = Enumerable.Range(0, latencies.Length).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = [];
            var n = 0;
            while (stop.Elapsed.TotalSeconds < seconds)
            {
                var started = Stopwatch.GetTimestamp();
                await store.AppendAsync(Draft(firstId + (w * 1_000_000) + n++));
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        })).ToArray();
        await Task.WhenAll(writers);
        var elapsed = stop.Elapsed;
        var all = latencies.SelectMany(static l => l).ToList();
        return (all.Count, all, elapsed);
    }

    private static ConsentProofDraft Draft(int i) => new()
    {
        ConsentId = "load-" + i.ToString(CultureInfo.InvariantCulture),
        Timestamp = TimeProvider.System.GetUtcNow(),
        Decisions = new Dictionary<string, ConsentDecision> { ["youtube"] = ConsentDecision.Granted, ["google-analytics"] = ConsentDecision.Denied },
        PolicyVersion = "0123456789abcdef",
        TextsHash = "fedcba9876543210fedcba9876543210",
        Locale = "fr-FR",
        Channel = ConsentChannel.FirstLayer,
    };
}
