using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Ent.Consent.Gateway;

/// <summary>
/// Each <c>Gateway:Tenants</c> host's policy: the <c>EntConsent:Policy</c> section with the tenant's own
/// <c>Policy</c> keys in place of the default's (a whole top-level key at a time, so a tenant's one controller does
/// not sit beside the default's second one), compiled once at start. A request is matched on its host (after the
/// forwarded headers); a host not listed gets the default policy and no tenant.
/// </summary>
internal sealed class GatewayTenantResolver : IConsentPolicyResolver
{
    private readonly Dictionary<string, ConsentPolicyResolution> _byHost;
    private readonly ConsentPolicyResolution _default;

    public GatewayTenantResolver(ConsentPolicy defaultPolicy, Dictionary<string, ConsentPolicyResolution> byHost)
    {
        _default = new ConsentPolicyResolution(defaultPolicy, null);
        _byHost = byHost;
    }

    public ConsentPolicyResolution Resolve(HttpContext context)
        => _byHost.TryGetValue(context.Request.Host.Host, out var tenant) ? tenant : _default;

    /// <summary>Compiles every tenant's policy; each problem becomes a sentence naming the host's key.</summary>
    public static Dictionary<string, ConsentPolicyResolution> Compile(IConfiguration configuration, GatewayOptions gateway, bool development, List<string> failures)
    {
        var byHost = new Dictionary<string, ConsentPolicyResolution>(StringComparer.OrdinalIgnoreCase);
        var defaults = configuration.GetSection("EntConsent:Policy");
        foreach (var (host, tenant) in gateway.Tenants)
        {
            var key = $"{GatewayOptions.SectionName}:Tenants:{host}";
            var overrides = configuration.GetSection(key + ":Policy");
            var replaced = overrides.GetChildren().Select(static c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var merged = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            foreach (var (path, value) in defaults.AsEnumerable(makePathsRelative: true))
            {
                if (value is not null && !replaced.Contains(path.Split(':', 2)[0]))
                {
                    merged[path] = value;
                }
            }

            foreach (var (path, value) in overrides.AsEnumerable(makePathsRelative: true))
            {
                if (value is not null)
                {
                    merged[path] = value;
                }
            }

            var options = new ConsentPolicyOptions();
            try
            {
                new ConfigurationBuilder().AddInMemoryCollection(merged).Build()
                    .Bind(options, static binder => binder.ErrorOnUnknownConfiguration = true);
            }
            catch (InvalidOperationException exception)
            {
                failures.Add($"{key}:Policy: {exception.Message}");
                continue;
            }

            // As AddEntConsent does for the default policy: the antiforgery cookie is declared, http links in development.
            if (!options.BuiltInServices.Contains("aspnetcore") && !options.Services.Exists(static s => s.Id == "aspnetcore"))
            {
                options.BuiltInServices.Add("aspnetcore");
            }

            if (gateway.SubjectResponseHeader is not null)
            {
                GatewaySubjectCookie.Declare(options);
            }

            options.AllowHttpUrls |= development;
            var errors = ConsentPolicy.Validate(options);
            if (errors.Count > 0)
            {
                failures.AddRange(errors.Select(error => $"{key}:Policy: {error}"));
                continue;
            }

            byHost[host] = new ConsentPolicyResolution(ConsentPolicy.Create(options), tenant.Id);
        }

        return byHost;
    }
}
