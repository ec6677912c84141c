using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// The refusal spool's depth and progress (<c>ent-consent-refusal-spool</c>): degraded when proofs have waited a
/// minute without any being drained (the store is down or too slow; refusals are safe on disk meanwhile) or when the
/// store rejected some since start (kept in the dead-letter file, with why).
/// </summary>
internal sealed class RefusalSpoolHealthCheck(IServiceProvider services) : IHealthCheck
{
    public const string Name = "ent-consent-refusal-spool";

    /// <summary>How long waiting proofs may go without any being drained before the spool counts as stalled.</summary>
    public static readonly TimeSpan StalledAfter = TimeSpan.FromMinutes(1);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IConsentProofStore>() is null)
        {
            return Task.FromResult(HealthCheckResult.Healthy("No proof store: nothing is spooled."));
        }

        var spool = services.GetRequiredService<RefusalProofQueue>().Spool;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var depth = spool.Depth;
        var lastProgress = spool.LastProgress;
        var data = new Dictionary<string, object>
        {
            ["directory"] = spool.DirectoryPath,
            ["depth"] = depth,
            ["deadLettered"] = spool.DeadLettered,
            ["lastProgress"] = lastProgress.ToString("O", CultureInfo.InvariantCulture),
        };
        if (depth > 0 && now - lastProgress >= StalledAfter)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
                $"{depth.ToString(CultureInfo.InvariantCulture)} refusal proofs wait in the spool and none was stored since {lastProgress:O}: the proof store is unavailable or too slow. They are safe on disk and are stored when it answers.", data: data));
        }

        if (spool.DeadLettered > 0)
        {
            return Task.FromResult(new HealthCheckResult(context.Registration.FailureStatus,
                $"The proof store rejected {spool.DeadLettered.ToString(CultureInfo.InvariantCulture)} refusal proofs since start; they are kept with the reason in {RefusalProofSpool.DeadLetterFileName}.", data: data));
        }

        return Task.FromResult(HealthCheckResult.Healthy(
            depth == 0 ? "No refusal proof waiting." : $"{depth.ToString(CultureInfo.InvariantCulture)} refusal proofs waiting, draining.", data));
    }
}
