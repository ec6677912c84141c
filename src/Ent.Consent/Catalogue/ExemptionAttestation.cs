namespace Ent.Consent;

/// <summary>
/// The six conditions an audience-measurement service must meet to run without consent (ENT SDET §4.10; CNIL
/// délibération 2020-091 art. 5). The burden of proof is on the site owner: each condition is attested explicitly,
/// nothing is assumed.
/// </summary>
public enum ExemptionCondition
{
    /// <summary>(1) The purpose is strictly limited to audience measurement for the publisher's exclusive account.</summary>
    PurposeStrictlyAudienceMeasurement = 1,

    /// <summary>(2) No tracking of the user across other sites or applications.</summary>
    NoCrossSiteTracking = 2,

    /// <summary>(3) Only anonymous statistics are produced.</summary>
    AnonymousStatisticsOnly = 3,

    /// <summary>(4) The data is not cross-referenced with other processing nor passed to third parties.</summary>
    NoCrossReferencingOrSharing = 4,

    /// <summary>(5) Trackers live at most 13 months from their first deposit and are not extended on new visits.</summary>
    CookieLifetimeAtMost13Months = 5,

    /// <summary>(6) Collected data is kept at most 25 months.</summary>
    DataRetentionAtMost25Months = 6,
}

/// <summary>
/// The site owner's written attestation that an audience-measurement service meets each exemption condition, with
/// the figures conditions 5 and 6 are checked against. Immutable once built (init-only), so the compiled policy
/// shares it with the declaration safely.
/// </summary>
public sealed record ExemptionAttestation
{
    /// <summary>Condition 1: the purpose is strictly limited to audience measurement for the publisher alone.</summary>
    public bool PurposeStrictlyAudienceMeasurement { get; init; }

    /// <summary>Condition 2: no tracking across sites or applications.</summary>
    public bool NoCrossSiteTracking { get; init; }

    /// <summary>Condition 3: only anonymous statistics.</summary>
    public bool AnonymousStatisticsOnly { get; init; }

    /// <summary>Condition 4: no cross-referencing with other processing, nothing passed to third parties.</summary>
    public bool NoCrossReferencingOrSharing { get; init; }

    /// <summary>
    /// Condition 5: cookies live at most 13 months from their first deposit and are not extended. Also checked
    /// against every declared cookie lifetime.
    /// </summary>
    public bool CookieLifetimeAtMost13Months { get; init; }

    /// <summary>Condition 6: collected data is kept at most 25 months. Also checked against <see cref="DataRetention"/>.</summary>
    public bool DataRetentionAtMost25Months { get; init; }

    /// <summary>How long the collected data is kept, as declared by the site owner (at most <c>P25M</c>).</summary>
    public CalendarPeriod? DataRetention { get; init; }

    /// <summary>
    /// How the tool is configured to meet the conditions (IP truncation, disabled features, who signed off), kept
    /// with the policy so that the decision can be checked later.
    /// </summary>
    public string? Configuration { get; init; }

    /// <summary>Whether the given condition is attested.</summary>
    public bool IsAttested(ExemptionCondition condition) => condition switch
    {
        ExemptionCondition.PurposeStrictlyAudienceMeasurement => PurposeStrictlyAudienceMeasurement,
        ExemptionCondition.NoCrossSiteTracking => NoCrossSiteTracking,
        ExemptionCondition.AnonymousStatisticsOnly => AnonymousStatisticsOnly,
        ExemptionCondition.NoCrossReferencingOrSharing => NoCrossReferencingOrSharing,
        ExemptionCondition.CookieLifetimeAtMost13Months => CookieLifetimeAtMost13Months,
        ExemptionCondition.DataRetentionAtMost25Months => DataRetentionAtMost25Months,
        _ => false,
    };
}
