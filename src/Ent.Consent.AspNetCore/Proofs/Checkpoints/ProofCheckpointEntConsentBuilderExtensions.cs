using Ent.Consent;
using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Proofs;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds signed checkpoints of the proof chain to Ent.Consent.</summary>
public static class ProofCheckpointEntConsentBuilderExtensions
{
    /// <summary>
    /// Signs the proof chain's head (ECDSA P-256) at start, every <see cref="ProofCheckpointOptions.Interval"/> and at
    /// shutdown, and writes each checkpoint outside the database: to an append-only, synced file in the data directory,
    /// to the log (event 421), and to every <see cref="IProofCheckpointSink"/> registered in the services. The proof
    /// verification endpoint then checks the chain against the file's checkpoints, so a chain rewritten after a
    /// checkpoint fails. A failing sink is logged (event 423), counted (<c>ent_consent.proof_checkpoints.failed</c>) and
    /// reported by the health check <c>ent-consent-proof-checkpoints</c> (degraded); it never blocks consent.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEntConsent</c>.</param>
    /// <param name="configure">Sets the interval, the key and the file.</param>
    /// <returns>The same builder.</returns>
    public static EntConsentBuilder AddProofCheckpoints(this EntConsentBuilder builder, Action<ProofCheckpointOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = services.AddOptions<ProofCheckpointOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ProofCheckpointOptions>, ProofCheckpointOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.TryAddSingleton<ProofCheckpointer>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Hosting.IHostedService, ProofCheckpointService>());
        if (!services.Any(static d => d.ServiceType == typeof(ProofCheckpointHealthCheck)))
        {
            services.AddSingleton<ProofCheckpointHealthCheck>();
            services.AddHealthChecks().AddCheck<ProofCheckpointHealthCheck>("ent-consent-proof-checkpoints", HealthStatus.Degraded, ["ent-consent"]);
        }

        return builder;
    }
}
