using Ent.Consent;
using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.Widget;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the consent widget to Ent.Consent.</summary>
public static class ConsentWidgetEntConsentBuilderExtensions
{
    /// <summary>
    /// Adds <see cref="IConsentWidget"/> (and its tag helpers' service) and antiforgery. Map the widget's assets and
    /// pages with <c>app.MapEntConsentWidget()</c> and the endpoint its forms post to with <c>app.MapEntConsent()</c>:
    /// the host does not start without them.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEntConsent</c>.</param>
    /// <param name="configure">Sets the theme and the cookie page's address.</param>
    /// <returns>The same builder.</returns>
    public static EntConsentBuilder AddWidget(this EntConsentBuilder builder, Action<ConsentWidgetOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddAntiforgery();
        var options = services.AddOptions<ConsentWidgetOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsentWidgetOptions>, ConsentWidgetOptionsValidator>());
        services.TryAddSingleton<EntConsentWidgetMarker>();
        services.TryAddSingleton<IConsentStateReader, ConsentFeatureStateReader>();
        services.TryAddSingleton<ConsentWidget>();
        services.TryAddSingleton<IConsentWidget>(static provider => provider.GetRequiredService<ConsentWidget>());
        return builder;
    }
}
