namespace Ent.Consent;

/// <summary>
/// A service the portal uses: who provides it, why, under which category and legal basis, and which trackers
/// (cookies, storage keys, hosts) it brings. Declared in code or in configuration; validated at start-up.
/// </summary>
public sealed class ServiceDefinition
{
    /// <summary>A stable identifier: lowercase letters, digits and hyphens (<c>youtube</c>, <c>dnma</c>).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The service's name as shown to the user.</summary>
    public LocalizedText Name { get; set; } = new();

    /// <summary>What the service does for the user, in plain words.</summary>
    public LocalizedText Description { get; set; } = new();

    /// <summary>Who runs it: the controller or the vendor (for example "Google Ireland Ltd").</summary>
    public string Provider { get; set; } = string.Empty;

    /// <summary>The id of the <see cref="PurposeDefinition"/> it serves.</summary>
    public string Purpose { get; set; } = string.Empty;

    /// <summary>The category; unknown services are <see cref="ServiceCategory.ConsentRequired"/>.</summary>
    public ServiceCategory Category { get; set; } = ServiceCategory.ConsentRequired;

    /// <summary>The GDPR basis of the processing.</summary>
    public LegalBasis LegalBasis { get; set; } = LegalBasis.Consent;

    /// <summary>The provider's privacy policy.</summary>
    public Uri? PrivacyPolicyUrl { get; set; }

    /// <summary>
    /// Why the service is essential or exempt: required for those categories, because the burden of proof is on the
    /// site owner. Shown on the cookie information page.
    /// </summary>
    public LocalizedText Justification { get; set; } = new();

    /// <summary>The exemption attestation, required for <see cref="ServiceCategory.ExemptAudience"/>.</summary>
    public ExemptionAttestation? Exemption { get; set; }

    /// <summary>The cookies it sets or reads.</summary>
    public List<CookieDeclaration> Cookies { get; set; } = [];

    /// <summary>The localStorage / sessionStorage keys it uses (exact, or a prefix ending with <c>*</c>).</summary>
    public List<string> StorageKeys { get; set; } = [];

    /// <summary>The hosts it loads content or scripts from (<c>www.youtube.com</c>).</summary>
    public List<string> Hosts { get; set; } = [];

    /// <summary>Where the cookie names come from (vendor documentation, observation); for reviewers, not users.</summary>
    public string? Source { get; set; }

    /// <summary>A deep copy, so that the compiled policy never shares mutable state with options.</summary>
    public ServiceDefinition Clone() => new()
    {
        Id = Id,
        Name = Name.Clone(),
        Description = Description.Clone(),
        Provider = Provider,
        Purpose = Purpose,
        Category = Category,
        LegalBasis = LegalBasis,
        PrivacyPolicyUrl = PrivacyPolicyUrl,
        Justification = Justification.Clone(),
        Exemption = Exemption?.Clone(),
        Cookies = Cookies.Select(static cookie => cookie.Clone()).ToList(),
        StorageKeys = [.. StorageKeys],
        Hosts = [.. Hosts],
        Source = Source,
    };
}
