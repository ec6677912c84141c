using Ent.Consent.Widget;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the consent widget.</summary>
public static class ConsentWidgetServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IConsentWidget"/> and antiforgery. Needs the consent services (<c>AddEntConsent</c>); map the
    /// widget's assets and pages with <c>MapEntConsentWidget</c>.
    /// </summary>
    public static IServiceCollection AddEntConsentWidget(this IServiceCollection services, Action<ConsentWidgetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddAntiforgery();
        var options = services.AddOptions<ConsentWidgetOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsentWidgetOptions>, ConsentWidgetOptionsValidator>());
        services.TryAddSingleton<IConsentStateReader, ConsentFeatureStateReader>();
        services.TryAddSingleton<ConsentWidget>();
        services.TryAddSingleton<IConsentWidget>(static provider => provider.GetRequiredService<ConsentWidget>());
        return services;
    }
}
