using System.Collections.Concurrent;
using Ent.Consent;

namespace Ent.Portal.Audience;

/// <summary>
/// The portal's own audience figures: page views per day and path, nothing about who viewed them. Kept in memory
/// for the sample; Ent.Consent's retention job purges the days older than the declared 25 months.
/// </summary>
public sealed class AudienceStatistics(TimeProvider timeProvider) : IAudienceDataPurge
{
    private readonly ConcurrentDictionary<(DateOnly Day, string Path), int> _views = new();

    public void CountView(string path)
    {
        var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        _views.AddOrUpdate((today, path), 1, static (_, count) => count + 1);
    }

    public IReadOnlyList<(DateOnly Day, string Path, int Views)> Snapshot()
        => _views.Select(static entry => (entry.Key.Day, entry.Key.Path, entry.Value))
            .OrderByDescending(static row => row.Day).ThenBy(static row => row.Path, StringComparer.Ordinal)
            .ToList();

    public Task<long> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
    {
        var oldestKept = DateOnly.FromDateTime(cutoff.UtcDateTime);
        long removed = 0;
        foreach (var key in _views.Keys)
        {
            if (key.Day < oldestKept && _views.TryRemove(key, out _))
            {
                removed++;
            }
        }

        return Task.FromResult(removed);
    }
}
