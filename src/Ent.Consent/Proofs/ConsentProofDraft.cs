namespace Ent.Consent;

/// <summary>
/// What a choice's proof records, before the store chains it: who (pseudonymously), for which tenant, when, what was
/// decided for each service, under which policy and texts, where. Never the raw user id, never the full user agent,
/// and no IP address unless the host opts into a truncated one.
/// </summary>
public sealed class ConsentProofDraft
{
    /// <summary>The choice's random id (<see cref="ConsentState.ConsentId"/>).</summary>
    public required string ConsentId { get; init; }

    /// <summary>A keyed hash of the authenticated user's id, or null for an anonymous visitor.</summary>
    public string? SubjectKey { get; init; }

    /// <summary>
    /// The keyed hash of the minor a guardian decided about, when <see cref="SubjectKey"/> (who acted) is that minor's
    /// guardian deciding for them (joint consent, loi Informatique et Libertés art. 45); null when the subject decided
    /// for themself.
    /// </summary>
    public string? AboutSubjectKey { get; init; }

    /// <summary>The tenant (school UAI, academy) the choice was made for, or null for a single-tenant host.</summary>
    public string? Tenant { get; init; }

    /// <summary>When the choice was made (UTC).</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>The decision for each service the user could decide on.</summary>
    public required IReadOnlyDictionary<string, ConsentDecision> Decisions { get; init; }

    /// <summary>The <see cref="ConsentPolicy.Version"/> shown.</summary>
    public required string PolicyVersion { get; init; }

    /// <summary>The <see cref="ConsentPolicy.GetTextsHash"/> of the texts shown, in the shown language.</summary>
    public required string TextsHash { get; init; }

    /// <summary>The culture the texts were shown in ("fr", "en").</summary>
    public required string Locale { get; init; }

    /// <summary>Where the choice was made.</summary>
    public required ConsentChannel Channel { get; init; }

    /// <summary>The browser family and major version ("Chrome 131"), never the full user-agent string.</summary>
    public string? UserAgentFamily { get; init; }

    /// <summary>A truncated IP address (/24 or /48) when the host opted in; null by default.</summary>
    public string? IpPrefix { get; init; }
}
