using Ent.Consent.AspNetCore.Tenants;
using Microsoft.Extensions.Configuration;

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

    /// <summary>
    /// Checks a tenant's policy as <c>EntConsent:Tenants</c> compiles it at start, for tools that write that section
    /// from their own (the gateway's <c>Gateway:Tenants</c>): <paramref name="tenantPolicy"/>'s keys over
    /// <paramref name="portalPolicy"/>'s, then the portal policy's checks. Each problem comes back after
    /// <paramref name="key"/>, in the words used for the portal's policy. A portal policy that does not bind gives no
    /// problem here: <c>AddEntConsent</c> reports it.
    /// </summary>
    /// <param name="portalPolicy">The portal's <c>EntConsent:Policy</c> section.</param>
    /// <param name="tenantPolicy">The tenant's own policy keys, shaped as <c>EntConsent:Policy</c>.</param>
    /// <param name="key">The configuration key problems are reported under.</param>
    /// <param name="allowHttpUrls">Whether http links are accepted (development).</param>
    /// <returns>The problems, none when the tenant's policy compiles.</returns>
    public static IReadOnlyList<string> CheckPolicy(IConfiguration portalPolicy, IConfiguration tenantPolicy, string key, bool allowHttpUrls = false)
    {
        ArgumentNullException.ThrowIfNull(portalPolicy);
        ArgumentNullException.ThrowIfNull(tenantPolicy);
        ArgumentException.ThrowIfNullOrEmpty(key);
        var portal = new ConsentPolicyOptions();
        try
        {
            portalPolicy.Bind(portal, static binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException)
        {
            return [];
        }

        portal.AllowHttpUrls |= allowHttpUrls;
        ConsentPolicyOptions? policy = null;
        if (tenantPolicy.GetChildren().Any())
        {
            try
            {
                policy = ConsentTenantPolicies.Merge(portalPolicy, tenantPolicy);
            }
            catch (InvalidOperationException exception)
            {
                return [$"{key}:Policy: {exception.Message}"];
            }
        }

        var problems = new List<string>();
        ConsentTenantPolicies.Complete(new ConsentTenantOptions { Policy = policy }, portal, key, problems);
        return problems;
    }
}
