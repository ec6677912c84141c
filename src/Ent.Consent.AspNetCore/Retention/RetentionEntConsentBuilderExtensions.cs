using Ent.Consent;
using Ent.Consent.AspNetCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the retention job to Ent.Consent.</summary>
public static class RetentionEntConsentBuilderExtensions
{
    /// <summary>
    /// Runs retention in the background: consent proofs older than <see cref="ConsentRetentionOptions.ProofRetention"/>
    /// (default 5 years) are purged, and the exempt audience data purges registered with
    /// <see cref="ConsentRetentionOptions.RegisterAudienceDataPurge(string, CalendarPeriod, Func{DateTimeOffset, CancellationToken, Task{long}})"/>
    /// run with their own cutoff, at start-up and then every <see cref="ConsentRetentionOptions.Interval"/>.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEntConsent</c>.</param>
    /// <param name="configure">Sets the retention periods and registers audience data purges.</param>
    /// <returns>The same builder.</returns>
    public static EntConsentBuilder AddRetention(this EntConsentBuilder builder, Action<ConsentRetentionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<ConsentRetentionOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConsentRetentionOptions>, ConsentRetentionOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ConsentRetention>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, ConsentRetentionService>());
        return builder;
    }
}
