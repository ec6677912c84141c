using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Ent.Consent.AspNetCore.Tenants;

/// <summary>
/// Builds and checks each tenant's policy options once, at start: from configuration by merging the tenant's keys over
/// the portal's, then its added and removed services. The gateway's <c>Gateway:Tenants</c> goes through here too.
/// </summary>
internal static class ConsentTenantPolicies
{
    /// <summary>The most segments a tenant's <see cref="ConsentTenantOptions.PathPrefix"/> may have.</summary>
    public const int MaxPathSegments = 8;

    /// <summary>
    /// The tenant's policy: <paramref name="portal"/>'s configuration with <paramref name="tenant"/>'s keys in place
    /// (a whole top-level key at a time, so a tenant's one controller does not sit beside the portal's second one;
    /// <c>Texts</c> text by text). Strict binding: an unknown key throws <see cref="InvalidOperationException"/>.
    /// </summary>
    public static ConsentPolicyOptions Merge(IConfiguration portal, IConfiguration tenant)
    {
        var replaced = tenant.GetChildren()
            .Where(static c => !c.Key.Equals("Texts", StringComparison.OrdinalIgnoreCase))
            .Select(static c => c.Key)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
        var textsReplaced = tenant.GetSection("Texts").GetChildren().Select(static c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, value) in portal.AsEnumerable(makePathsRelative: true))
        {
            if (value is null)
            {
                continue;
            }

            var parts = path.Split(':', 3);
            var isReplacedText = parts.Length > 1 && parts[0].Equals("Texts", StringComparison.OrdinalIgnoreCase) && textsReplaced.Contains(parts[1]);
            if (!replaced.Contains(parts[0]) && !isReplacedText)
            {
                merged[path] = value;
            }
        }

        foreach (var (path, value) in tenant.AsEnumerable(makePathsRelative: true))
        {
            if (value is not null)
            {
                merged[path] = value;
            }
        }

        var options = new ConsentPolicyOptions();
        new ConfigurationBuilder().AddInMemoryCollection(merged).Build()
            .Bind(options, static binder => binder.ErrorOnUnknownConfiguration = true);
        return options;
    }

    /// <summary>
    /// The options the tenant's <see cref="ConsentPolicy"/> is made from: its own policy (or a copy of the portal's),
    /// less its removed services, plus its added ones, with the portal's start-up additions (the ASP.NET Core
    /// essentials, http links in development). Each problem is added to <paramref name="errors"/> after
    /// <paramref name="key"/>, in the words <see cref="ConsentPolicy.Validate"/> uses for the portal.
    /// </summary>
    public static ConsentPolicyOptions Complete(ConsentTenantOptions tenant, ConsentPolicyOptions portal, string key, List<string> errors)
    {
        var policy = Copy(tenant.Policy ?? portal);
        foreach (var id in tenant.RemoveServices ?? [])
        {
            var removed = policy.BuiltInServices.RemoveAll(b => string.Equals(b, id, StringComparison.Ordinal))
                + policy.Services.RemoveAll(s => string.Equals(s?.Id, id, StringComparison.Ordinal));
            if (removed == 0)
            {
                errors.Add($"{key}:RemoveServices has '{id}', which its policy does not declare.");
            }
        }

        foreach (var service in tenant.AddServices ?? [])
        {
            if (service is not null && policy.Services.Exists(s => string.Equals(s?.Id, service.Id, StringComparison.Ordinal)))
            {
                errors.Add($"{key}:AddServices has '{service.Id}', which its policy already declares: change it in {key}:Policy:Services instead.");
                continue;
            }

            policy.Services.Add(service!);
        }

        if (!policy.BuiltInServices.Contains("aspnetcore") && !policy.Services.Exists(static s => s?.Id == "aspnetcore"))
        {
            policy.BuiltInServices.Add("aspnetcore");
        }

        policy.AllowHttpUrls |= portal.AllowHttpUrls;
        foreach (var error in ConsentPolicy.Validate(policy))
        {
            errors.Add($"{key}:Policy: {error}");
        }

        return policy;
    }

    /// <summary>A copy whose lists can change without changing <paramref name="options"/>.</summary>
    public static ConsentPolicyOptions Copy(ConsentPolicyOptions options) => new()
    {
        Controllers = [.. options.Controllers],
        BuiltInServices = [.. options.BuiltInServices],
        Services = [.. options.Services],
        Exemptions = new Dictionary<string, ExemptionAttestation>(options.Exemptions, StringComparer.Ordinal),
        Purposes = [.. options.Purposes],
        Texts = options.Texts,
        ChoiceValidity = options.ChoiceValidity,
        ConsentCookieName = options.ConsentCookieName,
        DowngradeInvalidExemptions = options.DowngradeInvalidExemptions,
        JointConsent = options.JointConsent,
        AllowHttpUrls = options.AllowHttpUrls,
    };

    /// <summary>Checks a tenant's id and matches; <paramref name="key"/> names it in each sentence.</summary>
    public static void ValidateMatch(string id, ConsentTenantOptions? tenant, string? claimType, string key, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > 64 || id.Trim() != id)
        {
            errors.Add($"{key}: the tenant's id (its key, recorded in its proofs: a school's UAI) must be 1 to 64 characters without surrounding spaces.");
        }

        if (tenant is null)
        {
            errors.Add($"{key} is empty: give it Hosts, a PathPrefix or a Claim.");
            return;
        }

        var hosts = tenant.Hosts ?? [];
        if (hosts.Count == 0 && tenant.PathPrefix is null && tenant.Claim is null)
        {
            errors.Add($"{key} matches no request: give it Hosts, a PathPrefix or a Claim.");
        }

        foreach (var host in hosts)
        {
            if (!EntConsentOptionsValidator.IsDomainName(host) && !string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || host.StartsWith('.'))
            {
                errors.Add($"{key}:Hosts has '{host}': write a host name as browsers send it, such as 'college-a.ent.example.fr' (no scheme, port, path, wildcard or leading dot).");
            }
        }

        if (tenant.PathPrefix is { } prefix && !IsPathPrefix(prefix))
        {
            errors.Add($"{key}:PathPrefix '{prefix}' must be a path such as '/college-a': starting with '/', without a trailing slash, query or '//', at most {MaxPathSegments.ToString(CultureInfo.InvariantCulture)} segments.");
        }

        if (tenant.Claim is { } claim && (string.IsNullOrWhiteSpace(claim) || claim.Trim() != claim))
        {
            errors.Add($"{key}:Claim '{claim}' must be the claim's value without surrounding spaces.");
        }

        if (tenant.Claim is not null && string.IsNullOrWhiteSpace(claimType))
        {
            errors.Add($"{key}:Claim is set, so TenantClaimType must name the claim it is read from (for example 'ent_uai').");
        }
    }

    private static bool IsPathPrefix(string prefix)
    {
        if (prefix.Length < 2 || prefix[0] != '/' || prefix[^1] == '/' || prefix.Contains("//", StringComparison.Ordinal)
            || prefix.AsSpan().IndexOfAny("?#% \t\\") >= 0)
        {
            return false;
        }

        return prefix.AsSpan().Count('/') <= MaxPathSegments;
    }
}
