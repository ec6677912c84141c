using Ent.Consent.AspNetCore;
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
        foreach (var (host, tenant) in gateway.Tenants)
        {
            var key = $"{GatewayOptions.SectionName}:Tenants:{host}";
            var overrides = configuration.GetSection(key + ":Policy");
            var problems = ConsentTenantOptions.CheckPolicy(portalSection, overrides, key, development);
            if (problems.Count > 0)
            {
                failures.AddRange(problems);
                continue;
            }

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
