using System.Globalization;
using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// Checks <see cref="EntConsentOptions"/> at start-up: the policy with <see cref="ConsentPolicyOptionsValidator"/>
/// (every problem listed), and the integration's own settings.
/// </summary>
internal sealed class EntConsentOptionsValidator : IValidateOptions<EntConsentOptions>
{
    private readonly ConsentPolicyOptionsValidator _policyValidator = new();

    public ValidateOptionsResult Validate(string? name, EntConsentOptions options)
    {
        var errors = new List<string>();
        var policy = _policyValidator.Validate(name, options.Policy);
        if (policy.Failed)
        {
            errors.AddRange(policy.Failures);
        }

        if (!options.PathPrefix.HasValue || options.PathPrefix.Value!.EndsWith('/'))
        {
            errors.Add($"PathPrefix must be a path such as '/consent' without a trailing slash; it is '{options.PathPrefix}'.");
        }

        if (!Enum.IsDefined(options.UndeclaredCookies))
        {
            errors.Add($"UndeclaredCookies {(int)options.UndeclaredCookies} is not Enforce or Report.");
        }

        if (options.SubjectKey is { Length: < 32 })
        {
            errors.Add($"SubjectKey has {options.SubjectKey.Length.ToString(CultureInfo.InvariantCulture)} characters; use a random secret of at least 32.");
        }

        if (options.PerUserConsent && options.SubjectKey is null)
        {
            errors.Add("PerUserConsent needs SubjectKey: the same secret on every node, so a user's proofs can be found again.");
        }

        if (options.AccountChoiceRefreshInterval < TimeSpan.Zero || options.AccountChoiceRefreshInterval > TimeSpan.FromDays(1))
        {
            errors.Add($"AccountChoiceRefreshInterval {options.AccountChoiceRefreshInterval} is outside zero to one day: a withdrawal made on another device must reach this one soon.");
        }

        if (options.SubjectId is null)
        {
            errors.Add("SubjectId is null: it must read the signed-in user's id (or return null for anonymous visitors).");
        }

        if (options.MaxChoiceBodySize is < 1024 or > 1024 * 1024)
        {
            errors.Add($"MaxChoiceBodySize {options.MaxChoiceBodySize.ToString(CultureInfo.InvariantCulture)} is outside 1 KiB to 1 MiB.");
        }

        if (options.EndpointRequestsPerMinute < 0)
        {
            errors.Add($"EndpointRequestsPerMinute {options.EndpointRequestsPerMinute.ToString(CultureInfo.InvariantCulture)} must be 0 (no limit) or more.");
        }

        if (options.RefusalStoreTimeout <= TimeSpan.Zero || options.RefusalStoreTimeout > TimeSpan.FromSeconds(10))
        {
            errors.Add($"RefusalStoreTimeout {options.RefusalStoreTimeout} is outside (0, 10 s]: a refusal's answer must not wait on the store.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("DataDirectory is empty: the refusal spool needs a directory.");
        }

        if (options.VerifiedCookieCacheSize < 0)
        {
            errors.Add($"VerifiedCookieCacheSize {options.VerifiedCookieCacheSize.ToString(CultureInfo.InvariantCulture)} must be 0 (off) or more.");
        }

        if (options.Events is null)
        {
            errors.Add("Events is null: leave the default EntConsentEvents or set one.");
        }

        ValidateIgnoredCookies(options.IgnoredCookies, errors);
        ValidateCookieDomains(options.CookieDomains, errors);
        ValidateContentSecurityPolicy(options, errors);
        ValidateCookie(options.Cookie, errors);
        ValidateTenants(options, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateIgnoredCookies(IList<string>? ignored, List<string> errors)
    {
        if (ignored is null)
        {
            errors.Add("IgnoredCookies is null: leave it empty or list cookie names.");
            return;
        }

        foreach (var name in ignored)
        {
            if (string.IsNullOrWhiteSpace(name) || name == "*")
            {
                errors.Add($"IgnoredCookies has '{name}': list cookie names or prefixes ending with '*' (an empty name or '*' alone would exempt every cookie from enforcement).");
            }
            else if (name.IndexOf('*') is var star && star >= 0 && star != name.Length - 1)
            {
                errors.Add($"IgnoredCookies has '{name}': '*' may only end a prefix, as in 'other_app_*'.");
            }
            else if (!Enforcement.RequestCookieSweep.IsWritableName(name.TrimEnd('*')))
            {
                errors.Add($"IgnoredCookies has '{name}', which no cookie can be named: use visible ASCII without spaces, ';', ',', '=', quotes or backslashes.");
            }
        }
    }

    private static void ValidateCookieDomains(IList<string>? domains, List<string> errors)
    {
        if (domains is null)
        {
            errors.Add("CookieDomains is null: leave it empty or list parent domains such as 'example.fr'.");
            return;
        }

        if (domains.Count > Enforcement.RequestCookieSweep.MaxCookieDomains)
        {
            errors.Add($"CookieDomains lists {domains.Count.ToString(CultureInfo.InvariantCulture)} domains; at most {Enforcement.RequestCookieSweep.MaxCookieDomains.ToString(CultureInfo.InvariantCulture)}, since each one adds an expiring header per cookie.");
        }

        foreach (var domain in domains)
        {
            if (!IsDomainName(domain))
            {
                errors.Add($"CookieDomains has '{domain}': write a parent domain of the portal such as 'example.fr' or '.example.fr', with at least two labels and no scheme, port, path or wildcard.");
            }
        }
    }

    /// <summary>A DNS name of two labels or more (<c>example.fr</c>), an optional leading dot allowed.</summary>
    internal static bool IsDomainName(string? domain)
    {
        if (string.IsNullOrWhiteSpace(domain))
        {
            return false;
        }

        var labels = domain.StartsWith('.') ? domain[1..] : domain;
        if (labels.Length > 253 || !labels.Contains('.'))
        {
            return false;
        }

        foreach (var label in labels.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static void ValidateContentSecurityPolicy(EntConsentOptions options, List<string> errors)
    {
        var csp = options.ContentSecurityPolicy;
        if (csp is null)
        {
            errors.Add("ContentSecurityPolicy is null: leave the default (Mode Off) or set one.");
            return;
        }

        if (!Enum.IsDefined(csp.Mode))
        {
            errors.Add($"ContentSecurityPolicy.Mode {(int)csp.Mode} is not Off, Enforce or ReportOnly.");
        }

        if (csp.AlwaysAllowedHosts is null)
        {
            errors.Add("ContentSecurityPolicy.AlwaysAllowedHosts is null: leave it empty or list hosts.");
        }
        else
        {
            foreach (var host in csp.AlwaysAllowedHosts)
            {
                if (!Enforcement.ContentSecuritySources.IsHostSource(host))
                {
                    errors.Add($"ContentSecurityPolicy.AlwaysAllowedHosts has '{host}': write a host source such as 'cdn.example.fr', 'https://cdn.example.fr', '*.example.fr' or '127.0.0.1:8443', without a path; a bare scheme or '*' would allow every host.");
                }
            }
        }

        if (csp.StrictDynamic && csp.Nonce is null)
        {
            errors.Add("ContentSecurityPolicy.StrictDynamic needs ContentSecurityPolicy.Nonce: without a nonce, 'strict-dynamic' would refuse every script of the page.");
        }

        if (csp.ReportUri is { } reportUri && !(reportUri.StartsWith('/') && !reportUri.StartsWith("//", StringComparison.Ordinal) || reportUri.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            || csp.ReportUri is { } uri && (uri.Contains(';') || uri.Contains(',') || uri.Any(char.IsWhiteSpace)))
        {
            errors.Add($"ContentSecurityPolicy.ReportUri '{csp.ReportUri}' must be a local path ('/csp-reports') or an https URL, without spaces, ';' or ','.");
        }

        if (csp.Mode == ConsentContentSecurityPolicyMode.Off)
        {
            return;
        }

        // Service hosts go into the header: one that is malformed or too wide would break or void it.
        foreach (var service in options.Policy.Services)
        {
            foreach (var host in service?.Hosts ?? [])
            {
                if (!Enforcement.ContentSecuritySources.IsHostSource(host))
                {
                    errors.Add($"Service '{service!.Id}' declares host '{host}', which the Content-Security-Policy cannot list: write 'www.example.fr', '*.example.fr', 'https://www.example.fr' or 'host:port', without a path.");
                }
            }
        }
    }

    private static void ValidateTenants(EntConsentOptions options, List<string> errors)
    {
        if (options.Tenants is null)
        {
            errors.Add("Tenants is null: leave it empty or list the portal's schools.");
            return;
        }

        if (options.TenantClaimType is { } claimType && string.IsNullOrWhiteSpace(claimType))
        {
            errors.Add("TenantClaimType is blank: name the claim that carries the tenant (for example 'ent_uai') or leave it null.");
        }

        if (options.Tenants.Count == 0 || options.Policy is null)
        {
            return;
        }

        // One owner per host, prefix and claim value: otherwise which school's banner a request shows would depend on
        // the order of a configuration file.
        var hosts = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var prefixes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var claims = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, tenant) in options.Tenants)
        {
            var key = $"{EntConsentOptions.SectionName}:Tenants:{id}";
            var before = errors.Count;
            Tenants.ConsentTenantPolicies.ValidateMatch(id, tenant, options.TenantClaimType, key, errors);
            if (tenant is null)
            {
                continue;
            }

            foreach (var host in tenant.Hosts ?? [])
            {
                if (host is not null && !hosts.TryAdd(host, id))
                {
                    errors.Add($"{key}:Hosts has '{host}', which tenant '{hosts[host]}' has too: a host belongs to one tenant.");
                }
            }

            if (tenant.PathPrefix is { } prefix && !prefixes.TryAdd(prefix, id))
            {
                errors.Add($"{key}:PathPrefix '{prefix}' is tenant '{prefixes[prefix]}''s too: a prefix belongs to one tenant.");
            }

            if (tenant.Claim is { } claim && !claims.TryAdd(claim, id))
            {
                errors.Add($"{key}:Claim '{claim}' is tenant '{claims[claim]}''s too: a claim value belongs to one tenant.");
            }

            if (errors.Count == before)
            {
                Tenants.ConsentTenantPolicies.Complete(tenant, options.Policy, key, errors);
            }
        }
    }

    private static void ValidateCookie(Microsoft.AspNetCore.Http.CookieBuilder? cookie, List<string> errors)
    {
        if (cookie is null)
        {
            errors.Add("Cookie is null: leave the default cookie builder or set one.");
            return;
        }

        if (cookie.Name is not null)
        {
            errors.Add("Cookie.Name must stay null: the consent cookie's name is the policy's ConsentCookieName, which the widget's script reads too.");
        }

        if (cookie.Expiration is not null || cookie.MaxAge is not null)
        {
            errors.Add("Cookie.Expiration and Cookie.MaxAge must stay null: the consent cookie lives as long as the choice it carries.");
        }

        if (string.IsNullOrEmpty(cookie.Path) || cookie.Path[0] != '/')
        {
            errors.Add($"Cookie.Path '{cookie.Path}' must start with '/'.");
        }

        if (cookie.Domain is { } domain && !IsDomainName(domain))
        {
            errors.Add($"Cookie.Domain '{domain}' must be a parent domain of the portal's hosts such as 'ent.example.fr' (two labels or more, no scheme, port, path or wildcard), or null for a host-only cookie.");
        }

        if (cookie.SameSite == Microsoft.AspNetCore.Http.SameSiteMode.None && cookie.SecurePolicy != Microsoft.AspNetCore.Http.CookieSecurePolicy.Always)
        {
            errors.Add("Cookie.SameSite None needs Cookie.SecurePolicy Always: browsers refuse SameSite=None cookies that are not Secure.");
        }

        if (!Enum.IsDefined(cookie.SecurePolicy) || !Enum.IsDefined(cookie.SameSite))
        {
            errors.Add("Cookie.SecurePolicy or Cookie.SameSite is not a defined value.");
        }
    }
}
