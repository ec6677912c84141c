using System.Collections.ObjectModel;

namespace Ent.Consent;

/// <summary>
/// A service the portal uses, as declared in code or in configuration: who provides it, why, under which category
/// and legal basis, and which trackers (cookies, storage keys, hosts) it brings. Mutable, so that configuration can
/// bind it; <see cref="ConsentPolicy.Create"/> validates it and compiles an immutable <see cref="ServiceDefinition"/>.
/// </summary>
public sealed class ServiceDeclaration
{
    /// <summary>A stable identifier: lowercase letters, digits and hyphens (<c>youtube</c>, <c>dnma</c>).</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The service's name as shown to the user.</summary>
    public LocalizedTextDeclaration Name { get; set; } = new();

    /// <summary>What the service does for the user, in plain words.</summary>
    public LocalizedTextDeclaration Description { get; set; } = new();

    /// <summary>Who runs it: the controller or the vendor (for example "Google Ireland Ltd").</summary>
    public string Provider { get; set; } = string.Empty;

    /// <summary>The id of the purpose it serves (see <see cref="ConsentPolicyOptions.Purposes"/>).</summary>
    public string Purpose { get; set; } = string.Empty;

    /// <summary>The category; unknown services are <see cref="ServiceCategory.ConsentRequired"/>.</summary>
    public ServiceCategory Category { get; set; } = ServiceCategory.ConsentRequired;

    /// <summary>
    /// The GDPR basis of the processing. Defaults to <see cref="LegalBasis.Consent"/>, which an essential or exempt
    /// service must change: no consent is asked for those.
    /// </summary>
    public LegalBasis LegalBasis { get; set; } = LegalBasis.Consent;

    /// <summary>
    /// The provider's privacy policy: an absolute <c>https:</c> address (<c>http:</c> only when
    /// <see cref="ConsentPolicyOptions.AllowHttpUrls"/> is set).
    /// </summary>
    public Uri? PrivacyPolicyUrl { get; set; }

    /// <summary>
    /// Why the service is essential or exempt: required for those categories, because the burden of proof is on the
    /// site owner. Shown on the cookie information page.
    /// </summary>
    public LocalizedTextDeclaration Justification { get; set; } = new();

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
}

/// <summary>
/// A service as compiled into a <see cref="ConsentPolicy"/>: a validated, immutable copy of its
/// <see cref="ServiceDeclaration"/>, shared safely across requests and threads.
/// </summary>
public sealed class ServiceDefinition
{
    private ServiceDefinition(ServiceDeclaration declaration)
    {
        Id = declaration.Id ?? string.Empty;
        Name = LocalizedText.From(declaration.Name);
        Description = LocalizedText.From(declaration.Description);
        Provider = declaration.Provider ?? string.Empty;
        Purpose = declaration.Purpose ?? string.Empty;
        Category = declaration.Category;
        LegalBasis = declaration.LegalBasis;
        PrivacyPolicyUrl = declaration.PrivacyPolicyUrl;
        Justification = LocalizedText.From(declaration.Justification);
        Exemption = declaration.Exemption;
        Cookies = ReadOnly(declaration.Cookies, CookieDefinition.From);
        StorageKeys = ReadOnly(declaration.StorageKeys, static key => key);
        Hosts = ReadOnly(declaration.Hosts, static host => host);
        Source = declaration.Source;
    }

    private ServiceDefinition(ServiceDefinition other)
    {
        Id = other.Id;
        Name = other.Name;
        Description = other.Description;
        Provider = other.Provider;
        Purpose = other.Purpose;
        Category = other.Category;
        LegalBasis = other.LegalBasis;
        PrivacyPolicyUrl = other.PrivacyPolicyUrl;
        Justification = other.Justification;
        Exemption = other.Exemption;
        Cookies = other.Cookies;
        StorageKeys = other.StorageKeys;
        Hosts = other.Hosts;
        Source = other.Source;
    }

    /// <inheritdoc cref="ServiceDeclaration.Id"/>
    public string Id { get; }

    /// <inheritdoc cref="ServiceDeclaration.Name"/>
    public LocalizedText Name { get; }

    /// <inheritdoc cref="ServiceDeclaration.Description"/>
    public LocalizedText Description { get; }

    /// <inheritdoc cref="ServiceDeclaration.Provider"/>
    public string Provider { get; }

    /// <summary>The id of the <see cref="PurposeDefinition"/> it serves.</summary>
    public string Purpose { get; }

    /// <summary>The category that applies (an invalid exemption downgraded by the policy is <see cref="ServiceCategory.ConsentRequired"/> here).</summary>
    public ServiceCategory Category { get; private init; }

    /// <summary>The GDPR basis of the processing.</summary>
    public LegalBasis LegalBasis { get; private init; }

    /// <summary>The provider's privacy policy, an absolute <c>https:</c> (or, where allowed, <c>http:</c>) address.</summary>
    public Uri? PrivacyPolicyUrl { get; }

    /// <inheritdoc cref="ServiceDeclaration.Justification"/>
    public LocalizedText Justification { get; }

    /// <summary>
    /// The exemption attestation: the service's own, or the one given in <see cref="ConsentPolicyOptions.Exemptions"/>,
    /// which replaces it.
    /// </summary>
    public ExemptionAttestation? Exemption { get; private init; }

    /// <inheritdoc cref="ServiceDeclaration.Cookies"/>
    public IReadOnlyList<CookieDefinition> Cookies { get; }

    /// <inheritdoc cref="ServiceDeclaration.StorageKeys"/>
    public IReadOnlyList<string> StorageKeys { get; }

    /// <inheritdoc cref="ServiceDeclaration.Hosts"/>
    public IReadOnlyList<string> Hosts { get; }

    /// <inheritdoc cref="ServiceDeclaration.Source"/>
    public string? Source { get; }

    internal static ServiceDefinition From(ServiceDeclaration declaration) => new(declaration);

    internal ServiceDefinition WithExemption(ExemptionAttestation? exemption) => new(this) { Exemption = exemption };

    internal ServiceDefinition Downgraded() => new(this) { Category = ServiceCategory.ConsentRequired, LegalBasis = LegalBasis.Consent };

    // A read-only wrapper over a private array: the caller cannot cast it back to something it can change.
    private static IReadOnlyList<TResult> ReadOnly<TSource, TResult>(List<TSource>? source, Func<TSource, TResult> convert)
        where TSource : class
        => source is null ? ReadOnlyCollection<TResult>.Empty : Array.AsReadOnly(source.Where(static item => item is not null).Select(convert).ToArray());
}
