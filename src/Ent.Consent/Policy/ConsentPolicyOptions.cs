namespace Ent.Consent;

/// <summary>
/// What a portal declares: its controllers, its services and purposes, the texts shown, and how long a choice is
/// remembered. Bound from the <c>EntConsent</c> configuration section or set in code, and compiled into an
/// immutable <see cref="ConsentPolicy"/> at start-up, where any invalid declaration is refused.
/// </summary>
public sealed class ConsentPolicyOptions
{
    /// <summary>
    /// The joint controllers named in the banner (region or département, academic authority, school), for example
    /// "La Région Occitanie et l'académie de Toulouse". Required.
    /// </summary>
    public List<string> Controllers { get; set; } = [];

    /// <summary>
    /// Ids of built-in services to include (see <see cref="BuiltInCatalogue"/>): <c>youtube</c>, <c>matomo</c>, …
    /// A service of <see cref="Services"/> with the same id replaces the built-in one.
    /// </summary>
    public List<string> BuiltInServices { get; set; } = [];

    /// <summary>The host's own services; one with the id of a built-in service overrides it.</summary>
    public List<ServiceDeclaration> Services { get; set; } = [];

    /// <summary>
    /// Exemption attestations by service id, for built-in exempt profiles (<c>matomo-exempt</c>, <c>dnma-exempt</c>)
    /// that ship with their configuration listed but nothing attested: the site owner's DPO attests here. Replaces
    /// the service's own attestation.
    /// </summary>
    public Dictionary<string, ExemptionAttestation> Exemptions { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Purposes to add to the built-in ones, or to override them by id.</summary>
    public List<PurposeDeclaration> Purposes { get; set; } = [];

    /// <summary>The texts shown; each can be overridden per language.</summary>
    public ConsentTextsDeclaration Texts { get; set; } = new();

    /// <summary>
    /// How long a choice (consent or refusal) is remembered before the user is asked again. Default 6 months (CNIL
    /// good practice); at most 13 months.
    /// </summary>
    public CalendarPeriod ChoiceValidity { get; set; } = RegulatoryDurations.DefaultChoiceValidity;

    /// <summary>The name of the cookie that stores the choice; it is declared Essential automatically.</summary>
    public string ConsentCookieName { get; set; } = "ent_consent";

    /// <summary>
    /// When true, an exempt audience service whose declaration fails a condition is downgraded to
    /// <see cref="ServiceCategory.ConsentRequired"/> with a logged warning instead of stopping start-up. Off by
    /// default: a silent downgrade would hide a compliance problem.
    /// </summary>
    public bool DowngradeInvalidExemptions { get; set; }

    /// <summary>
    /// Whose agreement a minor's consent-required services need besides the minor's own. In France a minor under 15
    /// consents jointly with the holders of parental authority (loi Informatique et Libertés art. 45). Off by
    /// default: a minor's consent-required services stay off. <see cref="JointConsentRule.AnyGuardian"/> or
    /// <see cref="JointConsentRule.EveryGuardian"/> need a guardian directory and a proof store in the host.
    /// </summary>
    public JointConsentRule JointConsent { get; set; }

    /// <summary>
    /// Whether declared addresses (<see cref="ServiceDeclaration.PrivacyPolicyUrl"/>) may use <c>http:</c>. Off by
    /// default: only absolute <c>https:</c> addresses are accepted, so that no link the cookie page renders can run
    /// script (<c>javascript:</c>) or be read in transit. Meant for development hosts only.
    /// </summary>
    public bool AllowHttpUrls { get; set; }
}
