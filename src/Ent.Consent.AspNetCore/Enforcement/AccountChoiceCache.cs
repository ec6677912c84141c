using System.Collections.Concurrent;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// Per node, which of a signed-in user's choices is the account's latest, and when the proof store last said so.
/// With <see cref="EntConsentOptions.PerUserConsent"/>, a choice made on another device (a refusal or a withdrawal as
/// much as a grant) reaches this device within <see cref="EntConsentOptions.AccountChoiceRefreshInterval"/>, without
/// reading the store on every request.
/// </summary>
internal sealed class AccountChoiceCache
{
    private readonly ConcurrentDictionary<(string Subject, string Tenant), Entry> _entries = new();
    private readonly TimeSpan _refreshInterval;
    private readonly int _capacity;

    public AccountChoiceCache(TimeSpan refreshInterval, int capacity)
    {
        _refreshInterval = refreshInterval;
        _capacity = Math.Max(capacity, 1_000);
    }

    /// <summary>Whether <paramref name="consentId"/> was the account's latest choice less than the interval ago.</summary>
    public bool IsCurrent(string subject, string? tenant, string consentId, DateTimeOffset now)
        => _entries.TryGetValue((subject, tenant ?? string.Empty), out var entry)
            && string.Equals(entry.ConsentId, consentId, StringComparison.Ordinal)
            && now - entry.CheckedAt < _refreshInterval;

    /// <summary>Notes that <paramref name="consentId"/> is the account's latest choice as of <paramref name="now"/>.</summary>
    public void Confirm(string subject, string? tenant, string consentId, DateTimeOffset now)
    {
        if (_entries.Count >= _capacity)
        {
            // Rare and cheap: the next request of each user reads the store once more.
            _entries.Clear();
        }

        _entries[(subject, tenant ?? string.Empty)] = new Entry(consentId, now);
    }

    private readonly record struct Entry(string ConsentId, DateTimeOffset CheckedAt);
}
