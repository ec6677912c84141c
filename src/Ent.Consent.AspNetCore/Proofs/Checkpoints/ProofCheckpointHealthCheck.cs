using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// Degraded when the last checkpoint could not be taken or written, or none succeeded for three intervals: consent
/// works on, but the chain is no longer anchored.
/// </summary>
internal sealed class ProofCheckpointHealthCheck(ProofCheckpointer checkpointer, TimeProvider timeProvider) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["file"] = checkpointer.File.Path,
            ["lastSuccess"] = checkpointer.LastSuccess?.ToString("O", System.Globalization.CultureInfo.InvariantCulture) ?? "never",
        };
        if (checkpointer.LastFailure is { } failure)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"Proof checkpoints failing: {failure}", data: data));
        }

        if (checkpointer.LastSuccess is { } success && timeProvider.GetUtcNow() - success > 3 * checkpointer.Options.Interval)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus, $"No proof checkpoint since {success:O}.", data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy("Proof checkpoints are written.", data));
    }
}
