using System.Collections.Frozen;
using System.Security.Cryptography;

namespace Ent.Consent;

/// <summary>
/// A user's choice: one decision per service, when it was made, until when it holds, under which policy version and
/// through which channel. Immutable.
/// </summary>
public sealed class ConsentState
{
    private readonly FrozenDictionary<string, ConsentDecision> _decisions;

    /// <summary>Creates a state from its parts, as read back from storage; <see cref="Create"/> makes a new choice.</summary>
    /// <exception cref="ArgumentException">The id or version is empty, or the expiry is not after the given time.</exception>
    public ConsentState(string consentId, string policyVersion, DateTimeOffset givenAt, DateTimeOffset expiresAt, ConsentChannel channel, IEnumerable<KeyValuePair<string, ConsentDecision>> decisions)
    {
        ArgumentException.ThrowIfNullOrEmpty(consentId);
        ArgumentException.ThrowIfNullOrEmpty(policyVersion);
        ArgumentNullException.ThrowIfNull(decisions);
        if (expiresAt <= givenAt)
        {
            throw new ArgumentException("A choice must expire after it was given.", nameof(expiresAt));
        }

        ConsentId = consentId;
        PolicyVersion = policyVersion;
        GivenAt = givenAt;
        ExpiresAt = expiresAt;
        Channel = channel;
        _decisions = decisions.Where(static d => d.Value != ConsentDecision.NotAsked).ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>A random identifier of this choice, not derived from the user's identity.</summary>
    public string ConsentId { get; }

    /// <summary>The <see cref="ConsentPolicy.Version"/> the user was shown.</summary>
    public string PolicyVersion { get; }

    /// <summary>When the choice was made (UTC).</summary>
    public DateTimeOffset GivenAt { get; }

    /// <summary>When the choice stops holding and the user is asked again (UTC).</summary>
    public DateTimeOffset ExpiresAt { get; }

    /// <summary>Where the choice was made.</summary>
    public ConsentChannel Channel { get; }

    /// <summary>The decision for each service the user decided on; services not listed are <see cref="ConsentDecision.NotAsked"/>.</summary>
    public IReadOnlyDictionary<string, ConsentDecision> Decisions => _decisions;

    /// <summary>The decision for a service.</summary>
    public ConsentDecision GetDecision(string serviceId)
        => _decisions.TryGetValue(serviceId, out var decision) ? decision : ConsentDecision.NotAsked;

    /// <summary>Whether the user granted the service. For the rules of each category use <see cref="ConsentPolicy.IsAllowed"/>.</summary>
    public bool IsGranted(string serviceId) => GetDecision(serviceId) == ConsentDecision.Granted;

    /// <summary>Whether the choice no longer holds at <paramref name="now"/>.</summary>
    public bool IsExpired(DateTimeOffset now) => now >= ExpiresAt;

    /// <summary>Whether the choice holds for <paramref name="policy"/> at <paramref name="now"/>: same version, not expired.</summary>
    public bool IsValidFor(ConsentPolicy policy, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return PolicyVersion == policy.Version && !IsExpired(now);
    }

    /// <summary>
    /// A new choice under <paramref name="policy"/>, made at <paramref name="now"/> and valid for the policy's
    /// <see cref="ConsentPolicy.ChoiceValidity"/> (never more than 13 months), with a fresh random id.
    /// </summary>
    /// <exception cref="ArgumentException">A decision names an unknown or essential service.</exception>
    public static ConsentState Create(ConsentPolicy policy, IEnumerable<KeyValuePair<string, ConsentDecision>> decisions, ConsentChannel channel, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(decisions);
        var checkedDecisions = new Dictionary<string, ConsentDecision>(StringComparer.Ordinal);
        foreach (var (serviceId, decision) in decisions)
        {
            var service = policy.FindService(serviceId)
                ?? throw new ArgumentException($"Unknown service '{serviceId}'.", nameof(decisions));
            if (service.Category == ServiceCategory.Essential)
            {
                throw new ArgumentException($"Service '{serviceId}' is essential: it is not a choice.", nameof(decisions));
            }

            if (!Enum.IsDefined(decision))
            {
                throw new ArgumentException($"Decision {(int)decision} for service '{serviceId}' is not a known decision.", nameof(decisions));
            }

            checkedDecisions[serviceId] = decision;
        }

        var utcNow = now.ToUniversalTime();
        return new ConsentState(NewConsentId(), policy.Version, utcNow, ExpiryOf(policy, utcNow), channel, checkedDecisions);
    }

    /// <summary>A choice that gives the same decision to every service the user can decide on.</summary>
    public static ConsentState ForAll(ConsentPolicy policy, ConsentDecision decision, ConsentChannel channel, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Create(policy, policy.ChoosableServices.Select(s => KeyValuePair.Create(s.Id, decision)), channel, now);
    }

    /// <summary>A copy of this choice with some decisions changed, given again at <paramref name="now"/> with a new id.</summary>
    /// <remarks>
    /// Earlier decisions about services the policy no longer has (or that became essential) are dropped; the
    /// <paramref name="changes"/> themselves are checked as in <see cref="Create"/>.
    /// </remarks>
    /// <exception cref="ArgumentException">A change names an unknown or essential service.</exception>
    public ConsentState With(ConsentPolicy policy, IEnumerable<KeyValuePair<string, ConsentDecision>> changes, ConsentChannel channel, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(changes);
        var merged = _decisions
            .Where(d => policy.FindService(d.Key) is { Category: not ServiceCategory.Essential })
            .ToDictionary(StringComparer.Ordinal);
        foreach (var (serviceId, decision) in changes)
        {
            merged[serviceId] = decision;
        }

        return Create(policy, merged, channel, now);
    }

    /// <summary>When a choice made at <paramref name="givenAt"/> expires: the policy's validity, capped at 13 months.</summary>
    public static DateTimeOffset ExpiryOf(ConsentPolicy policy, DateTimeOffset givenAt)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var expiry = policy.ChoiceValidity.AddTo(givenAt);
        var cap = RegulatoryDurations.MaxChoiceValidity.AddTo(givenAt);
        return expiry <= cap ? expiry : cap;
    }

    /// <summary>A new random consent id: 128 bits, base64url (22 characters).</summary>
    public static string NewConsentId()
    {
        Span<byte> bytes = stackalloc byte[16];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
