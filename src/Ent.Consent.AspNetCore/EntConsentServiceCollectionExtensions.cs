using Ent.Consent;
using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.AspNetCore.Endpoints;
using Ent.Consent.AspNetCore.Enforcement;
using Ent.Consent.AspNetCore.Proofs;
using Ent.Consent.AspNetCore.Tenants;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Ent.Consent in an ASP.NET Core application.</summary>
public static class EntConsentServiceCollectionExtensions
{
    /// <summary>
    /// Adds Ent.Consent with options set in code. The options are validated when the host starts; an invalid
    /// declaration stops it with every problem listed.
    /// </summary>
    /// <returns>A builder that adds the widget, a proof store and retention.</returns>
    public static EntConsentBuilder AddEntConsent(this IServiceCollection services, Action<EntConsentOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddOptions<EntConsentOptions>().Configure(configure);
        return AddCore(services);
    }

    /// <summary>
    /// Adds Ent.Consent with options bound from <paramref name="configuration"/>'s <c>EntConsent</c> section: the
    /// integration's settings in it, the policy (controllers, services, texts) in its <c>Policy</c> subsection.
    /// </summary>
    /// <returns>A builder that adds the widget, a proof store and retention.</returns>
    public static EntConsentBuilder AddEntConsent(this IServiceCollection services, IConfiguration configuration)
        => services.AddEntConsent(configuration, static _ => { });

    /// <summary>
    /// Adds Ent.Consent with options bound from <paramref name="configuration"/>'s <c>EntConsent</c> section (the
    /// policy in <c>EntConsent:Policy</c>), then <paramref name="configure"/>. Binding is strict: a key no option
    /// has, or a value that does not convert, stops start-up with the key named.
    /// </summary>
    /// <returns>A builder that adds the widget, a proof store and retention.</returns>
    public static EntConsentBuilder AddEntConsent(this IServiceCollection services, IConfiguration configuration, Action<EntConsentOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(configure);
        // Strict, because the default binder ignores a misspelt key and skips a list item whose value does not
        // convert (dotnet/runtime#35007): "Lifetime": "13 mois" would silently remove a cookie's declaration.
        services.AddOptions<EntConsentOptions>()
            .Bind(configuration.GetSection(EntConsentOptions.SectionName), static binder => binder.ErrorOnUnknownConfiguration = true)
            .Configure(configure)
            .PostConfigure(options =>
            {
                // A tenant's Policy keys replace the portal's, key by key: merged here, where the configuration shows
                // which keys the tenant gave (the bound object cannot tell a default from a given value).
                var portal = configuration.GetSection(EntConsentOptions.SectionName + ":Policy");
                foreach (var (id, tenant) in options.Tenants)
                {
                    var own = configuration.GetSection($"{EntConsentOptions.SectionName}:Tenants:{id}:Policy");
                    if (tenant is not null && own.Exists())
                    {
                        tenant.Policy = ConsentTenantPolicies.Merge(portal, own);
                    }
                }
            });
        return AddCore(services);
    }

    private static EntConsentBuilder AddCore(IServiceCollection services)
    {
        services.AddOptions<EntConsentOptions>()
            .PostConfigure(static options =>
            {
                // The consent endpoint needs the antiforgery cookie; its declaration comes with the ASP.NET Core
                // essentials unless the host declares that service itself.
                if (!options.Policy.BuiltInServices.Contains("aspnetcore") && !options.Policy.Services.Exists(static s => s.Id == "aspnetcore"))
                {
                    options.Policy.BuiltInServices.Add("aspnetcore");
                }
            })
            .PostConfigure<IServiceProvider>(static (options, provider) =>
            {
                // A developer's local privacy page may be http://localhost; production links must be https.
                if (provider.GetService<IHostEnvironment>()?.IsDevelopment() == true)
                {
                    options.Policy.AllowHttpUrls = true;
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EntConsentOptions>, EntConsentOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EntConsentOptions>, Ent.Consent.AspNetCore.Guardians.JointConsentValidator>());
        services.AddAntiforgery();
        services.AddRateLimiter(static o => o.AddPolicy<string, ConsentRateLimiterPolicy>(EntConsentOptions.RateLimiterPolicyName));
        services.AddDataProtection();
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider => ConsentPolicy.Create(
            provider.GetRequiredService<IOptions<EntConsentOptions>>().Value.Policy,
            provider.GetRequiredService<ILoggerFactory>().CreateLogger("Ent.Consent")));
        services.TryAddSingleton<IConsentPolicyResolver>(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<EntConsentOptions>>().Value;
            var portal = provider.GetRequiredService<ConsentPolicy>();
            return options.Tenants.Count == 0
                ? new SingleConsentPolicyResolver(portal)
                : new TenantConsentPolicyResolver(portal, options, provider.GetRequiredService<ILoggerFactory>().CreateLogger("Ent.Consent"));
        });
        services.TryAddSingleton<ConsentMetrics>();
        services.TryAddSingleton<ConsentRuntime>();
        services.TryAddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<EntConsentOptions>>().Value;
            var root = provider.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory;
            return new RefusalProofQueue(
                provider.GetRequiredService<IConsentProofStore>(),
                new RefusalProofSpool(Path.Combine(root, options.DataDirectory), provider.GetRequiredService<TimeProvider>()),
                options.RefusalStoreTimeout,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILoggerFactory>().CreateLogger(ConsentRuntime.ProofsCategory));
        });
        services.AddHostedService<RefusalProofWriter>();
        services.TryAddSingleton<ConsentProofVerifier>();
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            RefusalSpoolHealthCheck.Name,
            static provider => new RefusalSpoolHealthCheck(provider),
            HealthStatus.Degraded,
            [ChainedProofStore.HealthCheckTag]));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, EndpointMappingCheck>());
        return new EntConsentBuilder(services);
    }
}
