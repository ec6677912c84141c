namespace Ent.Consent.AspNetCore;

/// <summary>
/// One tenant of a multi-school portal (a school's UAI, an academy), keyed by its id in
/// <see cref="EntConsentOptions.Tenants"/> (<c>EntConsent:Tenants:{id}</c>): which requests are its own and how its
/// policy differs from the portal's. A request is matched on its host first, then on the longest path prefix, then on
/// the signed-in user's <see cref="EntConsentOptions.TenantClaimType"/> claim; a request no tenant matches gets the
/// portal's policy and no tenant. Compiled once at start; each problem stops the start with the tenant's key named.
/// </summary>
public sealed class ConsentTenantOptions
{
    /// <summary>Host names, as browsers send them without the port (<c>college-a.ent.example.fr</c>), that belong to this tenant.</summary>
    public IList<string> Hosts { get; set; } = [];

    /// <summary>
    /// A path such as <c>/college-a</c> (at most eight segments, no trailing slash) whose requests belong to this
    /// tenant when no host matched. The longest matching prefix wins. The consent endpoint and the widget's pages
    /// are then resolved from the page that called them (see <c>docs/aspnetcore.md</c>).
    /// </summary>
    public string? PathPrefix { get; set; }

    /// <summary>
    /// The value of the signed-in user's <see cref="EntConsentOptions.TenantClaimType"/> claim (for example the
    /// school's UAI from the ENT's identity provider) that selects this tenant when neither host nor path did.
    /// </summary>
    public string? Claim { get; set; }

    /// <summary>
    /// The tenant's own policy keys, shaped as <c>EntConsent:Policy</c>. Bound from configuration, each top-level key
    /// given (<c>Controllers</c>, <c>Services</c>, …) replaces the portal's whole, except <c>Texts</c>, which replaces
    /// text by text; the others are inherited. Set in code, it is the tenant's whole policy. Null: the portal's.
    /// </summary>
    public ConsentPolicyOptions? Policy { get; set; }

    /// <summary>Services declared for this tenant on top of its policy's (a school's own tool).</summary>
    public IList<ServiceDeclaration> AddServices { get; set; } = [];

    /// <summary>Ids of the policy's services (declared or built in) this tenant does not run.</summary>
    public IList<string> RemoveServices { get; set; } = [];
}
