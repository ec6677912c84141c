using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ent.Consent;

/// <summary>
/// One pass of retention: purges consent proofs older than <see cref="ConsentRetentionOptions.ProofRetention"/> (the
/// store re-anchors its chain) and runs every registered exempt audience data purge, logging what each deleted. A
/// failing purge is logged and reported and does not stop the others. The hosted job in
/// <c>Ent.Consent.AspNetCore</c> calls <see cref="RunOnceAsync"/> on a schedule; hosts may call it themselves.
/// </summary>
public sealed partial class ConsentRetention
{
    private readonly IServiceScopeFactory _scopes;
    private readonly IOptions<ConsentRetentionOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ConsentRetention> _logger;

    /// <summary>Creates the retention pass; the proof store, if any, is taken from a scope of <paramref name="scopes"/>.</summary>
    public ConsentRetention(IServiceScopeFactory scopes, IOptions<ConsentRetentionOptions> options, TimeProvider timeProvider, ILogger<ConsentRetention> logger)
    {
        _scopes = scopes;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>Runs every purge once.</summary>
    public async Task<RetentionReport> RunOnceAsync(CancellationToken cancellationToken = default)
    {
        var options = _options.Value;
        var now = _timeProvider.GetUtcNow();
        var outcomes = new List<RetentionOutcome>();
        await using var scope = _scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;

        if (options.PurgeProofs && services.GetService<IConsentProofStore>() is { } store)
        {
            var cutoff = options.ProofRetention.CutoffAt(now);
            outcomes.Add(await RunAsync("consent-proofs", cutoff, ct => store.PurgeAsync(cutoff, ct), cancellationToken).ConfigureAwait(false));
        }

        foreach (var purge in options.AudienceDataPurges)
        {
            var cutoff = purge.Retention.CutoffAt(now);
            outcomes.Add(await RunAsync(purge.Name, cutoff, ct => purge.RunAsync(services, cutoff, ct), cancellationToken).ConfigureAwait(false));
        }

        return new RetentionReport(now, outcomes);
    }

    private async Task<RetentionOutcome> RunAsync(string name, DateTimeOffset cutoff, Func<CancellationToken, Task<long>> purge, CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await purge(cancellationToken).ConfigureAwait(false);
            LogPurged(_logger, name, deleted, cutoff);
            return new RetentionOutcome(name, cutoff, deleted, null);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPurgeFailed(_logger, exception, name, cutoff);
            return new RetentionOutcome(name, cutoff, 0, exception);
        }
    }

    [LoggerMessage(EventId = 401, Level = LogLevel.Information, Message = "Retention purge {Purge}: {Deleted} item(s) taken before {Cutoff:O} deleted")]
    private static partial void LogPurged(ILogger logger, string purge, long deleted, DateTimeOffset cutoff);

    [LoggerMessage(EventId = 402, Level = LogLevel.Error, Message = "Retention purge {Purge} (cutoff {Cutoff:O}) failed; it will run again at the next pass")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception, string purge, DateTimeOffset cutoff);
}

/// <summary>What one retention pass did.</summary>
/// <param name="RanAt">When the pass started (UTC).</param>
/// <param name="Outcomes">One outcome per purge: the consent proofs (<c>consent-proofs</c>) and each registered audience data purge.</param>
public sealed record RetentionReport(DateTimeOffset RanAt, IReadOnlyList<RetentionOutcome> Outcomes)
{
    /// <summary>Whether every purge succeeded.</summary>
    public bool Succeeded => Outcomes.All(static o => o.Error is null);
}

/// <summary>What one purge did.</summary>
/// <param name="Name">The purge's name.</param>
/// <param name="Cutoff">Everything taken before this instant was to be deleted.</param>
/// <param name="Deleted">How many items were deleted.</param>
/// <param name="Error">Why the purge failed, or null.</param>
public sealed record RetentionOutcome(string Name, DateTimeOffset Cutoff, long Deleted, Exception? Error);
