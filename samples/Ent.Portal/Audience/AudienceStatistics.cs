using System.Collections.Concurrent;
using Ent.Consent;

namespace Ent.Portal.Audience;

/// <summary>
/// The portal's own audience figures: page views per day and path, nothing about who viewed them. Kept in memory
/// for the sample; days older than the declared 25-month retention are dropped whenever a view is counted.
/// </summary>
internal sealed class AudienceStatistics(TimeProvider timeProvider)
{
    private readonly ConcurrentDictionary<(DateOnly Day, string Path), int> _views = new();

    public void CountView(string path)
    {
        var today = DateOnly.FromDateTime(timeProvider.GetUtcNow().UtcDateTime);
        _views.AddOrUpdate((today, path), 1, static (_, count) => count + 1);
        DropExpired(today);
    }

    public IReadOnlyList<(DateOnly Day, string Path, int Views)> Snapshot()
        => _views.Select(static entry => (entry.Key.Day, entry.Key.Path, entry.Value))
            .OrderByDescending(static row => row.Day).ThenBy(static row => row.Path, StringComparer.Ordinal)
            .ToList();

    private void DropExpired(DateOnly today)
    {
        var oldestKept = DateOnly.FromDateTime(
            RegulatoryDurations.ExemptAudienceDataCutoff(new DateTimeOffset(today.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero)).UtcDateTime);
        foreach (var key in _views.Keys)
        {
            if (key.Day < oldestKept)
            {
                _views.TryRemove(key, out _);
            }
        }
    }
}
