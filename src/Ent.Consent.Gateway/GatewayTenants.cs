using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Tenants;
using Microsoft.Extensions.Configuration;

namespace Ent.Consent.Gateway;

/// <summary>
/// <c>Gateway:Tenants</c> (host → tenant id and <c>Policy</c> overrides) written as the library's
/// <c>EntConsent:Tenants</c> (id → <c>Hosts</c> and <c>Policy</c>), whose resolver then picks each request's tenant.
/// Each tenant's policy is compiled here too, so that a mistake stops the build with the host's key named.
/// </summary>
internal static class GatewayTenants
{
    /// <summary>The <c>EntConsent:Tenants</c> keys for <paramref name="gateway"/>'s tenants; problems go to <paramref name="failures"/>.</summary>
    public static Dictionary<string, string?> Map(IConfiguration configuration, GatewayOptions gateway, bool development, List<string> failures)
    {
        var mapped = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        var portalSection = configuration.GetSection("EntConsent:Policy");
        var portal = new ConsentPolicyOptions();
        try
        {
            portalSection.Bind(portal, static binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException)
        {
            // The portal's own mistake is reported by AddEntConsent when the host starts.
            return mapped;
        }

        portal.AllowHttpUrls |= development;
        foreach (var (host, tenant) in gateway.Tenants)
        {
            var key = $"{GatewayOptions.SectionName}:Tenants:{host}";
            var overrides = configuration.GetSection(key + ":Policy");
            ConsentPolicyOptions? policy = null;
            if (overrides.Exists())
            {
                try
                {
                    policy = ConsentTenantPolicies.Merge(portalSection, overrides);
                }
                catch (InvalidOperationException exception)
                {
                    failures.Add($"{key}:Policy: {exception.Message}");
                    continue;
                }
            }

            ConsentTenantPolicies.Complete(new ConsentTenantOptions { Policy = policy }, portal, key, failures);
            var target = $"{EntConsentOptions.SectionName}:Tenants:{tenant.Id}";
            mapped[target + ":Hosts:0"] = host;
            foreach (var (path, value) in overrides.AsEnumerable(makePathsRelative: true))
            {
                if (value is not null)
                {
                    mapped[$"{target}:Policy:{path}"] = value;
                }
            }
        }

        return mapped;
    }
}
