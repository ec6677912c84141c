using Ent.Consent.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// Drains the refusal spool into the store, one proof at a time and in order: at start (what a previous run left),
/// whenever a proof is spooled, and once more on graceful shutdown. A failing store is retried with exponential
/// backoff (1 s doubling to 1 min); a proof the store rejects as invalid goes to the dead-letter file with the
/// reason instead of blocking every refusal behind it.
/// </summary>
internal sealed class RefusalProofWriter : BackgroundService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);
    private readonly IServiceProvider _services;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private bool _firstOfRun = true;

    public RefusalProofWriter(IServiceProvider services, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _services = services;
        _time = time;
        _logger = loggerFactory.CreateLogger(Enforcement.ConsentRuntime.ProofsCategory);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Opens the spool now, so a directory held by another process stops the host at start with the reason.
        _ = Queue;
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (Queue is { } queue)
        {
            // What the store takes before the host's shutdown timeout; the rest stays on disk for the next start.
            try
            {
                await DrainAsync(queue, retry: false, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (Queue is not { } queue)
        {
            return;
        }

        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            await DrainAsync(queue, retry: true, stoppingToken).ConfigureAwait(false);
            await queue.WaitForWorkAsync(stoppingToken).ConfigureAwait(false);
        }
    }

    private RefusalProofQueue? Queue => _services.GetService<IConsentProofStore>() is null ? null : _services.GetRequiredService<RefusalProofQueue>();

    private async Task DrainAsync(RefusalProofQueue queue, bool retry, CancellationToken cancellationToken)
    {
        var store = _services.GetRequiredService<IConsentProofStore>();
        while (queue.Spool.Peek() is { } entry)
        {
            var delay = FirstDelay;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    // The first proof of a run may have been stored just before a crash kept its offset from moving.
                    if (!((entry.MayBeStored || _firstOfRun) && await IsStoredAsync(store, entry.Draft, cancellationToken).ConfigureAwait(false)))
                    {
                        await store.AppendAsync(entry.Draft, cancellationToken).ConfigureAwait(false);
                    }

                    _firstOfRun = false;
                    queue.Spool.MarkDrained(entry);
                    break;
                }
                catch (ArgumentException exception)
                {
                    ConsentLog.RefusalRejected(_logger, exception, entry.Draft.ConsentId);
                    queue.Spool.DeadLetter(entry, exception.Message);
                    break;
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    if (!retry)
                    {
                        return;
                    }

                    ConsentLog.RefusalRetry(_logger, exception, entry.Draft.ConsentId, attempt, delay);
                    // A grant waiting behind the spool cuts the delay short.
                    using (var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, queue.RetryNow))
                    {
                        try
                        {
                            await Task.Delay(delay, _time, wake.Token).ConfigureAwait(false);
                        }
                        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                        {
                        }
                    }

                    delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
                }
            }
        }
    }

    private static async Task<bool> IsStoredAsync(IConsentProofStore store, ConsentProofDraft draft, CancellationToken cancellationToken)
    {
        if (store is ChainedProofStore chained)
        {
            // The timed-out append may still wait in the store's queue; anything queued before the probe is written
            // (or failed) once it returns, so the lookup below sees it.
            await chained.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }

        var timestamp = ProofRecordCodec.ToUnixMicroseconds(draft.Timestamp);
        foreach (var proof in await store.ExportByConsentIdAsync(draft.ConsentId, cancellationToken).ConfigureAwait(false))
        {
            if (ProofRecordCodec.ToUnixMicroseconds(proof.Content.Timestamp) == timestamp && proof.Content.Channel == draft.Channel
                && proof.Content.Decisions.Count == draft.Decisions.Count && proof.Content.Decisions.All(d => draft.Decisions.TryGetValue(d.Key, out var v) && v == d.Value))
            {
                return true;
            }
        }

        return false;
    }
}
