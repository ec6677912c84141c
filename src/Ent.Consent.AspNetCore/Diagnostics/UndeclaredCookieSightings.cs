using System.Collections.Concurrent;

namespace Ent.Consent.AspNetCore.Diagnostics;

/// <summary>Where an undeclared cookie was seen.</summary>
internal enum CookieSightingSource
{
    /// <summary>In a <c>Set-Cookie</c> the application wrote.</summary>
    Response,

    /// <summary>In a request's <c>Cookie</c> header (written by a script, or before the policy declared it).</summary>
    Request,
}

/// <summary>One undeclared cookie name, as the console's "trackers seen" page lists it.</summary>
internal sealed record CookieSighting(string Name, long InResponses, long InRequests, DateTimeOffset FirstSeen, DateTimeOffset LastSeen);

/// <summary>
/// The names (never the values) of undeclared cookies this process has seen, with counts and first and last
/// sightings, for the consent console. Bounded: past <see cref="MaxNames"/> names, new ones are only counted as
/// overflow, so a site that mints random names cannot grow it. Only the paths that already found an undeclared
/// cookie (and already hold its name as a string) call <see cref="Record"/>; a request with nothing undeclared
/// never reaches it. In memory: a restart starts the list again.
/// </summary>
internal sealed class UndeclaredCookieSightings(TimeProvider time)
{
    public const int MaxNames = 500;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _overflow;

    /// <summary>Sightings of names beyond <see cref="MaxNames"/>, not listed.</summary>
    public long Overflow => Interlocked.Read(ref _overflow);

    public void Record(string name, CookieSightingSource source)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (!_entries.TryGetValue(name, out var entry))
        {
            if (_entries.Count >= MaxNames)
            {
                Interlocked.Increment(ref _overflow);
                return;
            }

            entry = _entries.GetOrAdd(name, static (_, ticks) => new Entry(ticks), now);
        }

        entry.Hit(source, now);
    }

    /// <summary>The names seen, most recently seen first.</summary>
    public IReadOnlyList<CookieSighting> Snapshot()
        => [.. _entries
            .Select(static pair => new CookieSighting(
                pair.Key,
                Interlocked.Read(ref pair.Value.InResponses),
                Interlocked.Read(ref pair.Value.InRequests),
                new DateTimeOffset(pair.Value.FirstSeenTicks, TimeSpan.Zero),
                new DateTimeOffset(Interlocked.Read(ref pair.Value.LastSeenTicks), TimeSpan.Zero)))
            .OrderByDescending(static s => s.LastSeen)
            .ThenBy(static s => s.Name, StringComparer.Ordinal)];

    private sealed class Entry(long firstSeenTicks)
    {
        public readonly long FirstSeenTicks = firstSeenTicks;
        public long InResponses;
        public long InRequests;
        public long LastSeenTicks = firstSeenTicks;

        public void Hit(CookieSightingSource source, long ticks)
        {
            Interlocked.Increment(ref source == CookieSightingSource.Response ? ref InResponses : ref InRequests);
            // Last writer wins: a few ticks of disagreement between threads do not matter here.
            if (ticks > Interlocked.Read(ref LastSeenTicks))
            {
                Interlocked.Exchange(ref LastSeenTicks, ticks);
            }
        }
    }
}
