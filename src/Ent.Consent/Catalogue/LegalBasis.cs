namespace Ent.Consent;

/// <summary>The GDPR article 6(1) basis a service's processing relies on, shown on the cookie information page.</summary>
public enum LegalBasis
{
    /// <summary>Art. 6(1)(a): the user's consent.</summary>
    Consent = 0,

    /// <summary>Art. 6(1)(b): necessary for a contract with the user.</summary>
    Contract = 1,

    /// <summary>Art. 6(1)(c): a legal obligation of the controller.</summary>
    LegalObligation = 2,

    /// <summary>Art. 6(1)(d): the vital interests of a person.</summary>
    VitalInterests = 3,

    /// <summary>Art. 6(1)(e): a task carried out in the public interest (the core services of an ENT).</summary>
    PublicInterest = 4,

    /// <summary>Art. 6(1)(f): the controller's legitimate interests (exempt audience measurement).</summary>
    LegitimateInterests = 5,
}
