namespace Ent.Consent;

/// <summary>
/// How the rules treat a service's trackers. Ordered from the least to the most restricted: when a tracker serves
/// several services, the strictest category applies.
/// </summary>
public enum ServiceCategory
{
    /// <summary>
    /// Strictly necessary for communication or for a service the user asked for (authentication, load balancing,
    /// the consent cookie itself). No consent; a written justification is required.
    /// </summary>
    Essential = 0,

    /// <summary>
    /// Audience measurement that meets every exemption condition: no consent, but the user is informed and can
    /// object. Requires an attestation of each condition.
    /// </summary>
    ExemptAudience = 1,

    /// <summary>Everything else, and anything unknown: off until the user grants it.</summary>
    ConsentRequired = 2,
}
