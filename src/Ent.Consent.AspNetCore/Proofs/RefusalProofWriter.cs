using Ent.Consent.AspNetCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// Drains the refusal spool into the store in order, up to 256 proofs at a time committed together: at start (what a
/// previous run left), whenever a proof is spooled, and once more on graceful shutdown. A failing store is retried with exponential
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
    private const int MaxDrainBatch = 256;
    private bool _checkStored = true;

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
        var delay = FirstDelay;
        var attempt = 1;
        while (queue.Spool.PeekMany(MaxDrainBatch) is { Count: > 0 } entries)
        {
            try
            {
                await DrainBatchAsync(store, queue.Spool, entries, cancellationToken).ConfigureAwait(false);
                delay = FirstDelay;
                attempt = 1;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Later proofs of the batch may have been stored before an earlier one failed: look them up next time.
                _checkStored = true;
                if (!retry)
                {
                    return;
                }

                ConsentLog.RefusalRetry(_logger, exception, entries[0].Draft.ConsentId, attempt, delay);
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
                attempt++;
            }
        }
    }

    // The batch's appends are queued in spool order, so the store commits them in that order and together (one sync
    // for many proofs); each is marked drained, in order, once its own append has completed.
    private async Task DrainBatchAsync(IConsentProofStore store, RefusalProofSpool spool, List<SpooledRefusal> entries, CancellationToken cancellationToken)
    {
        // The first proofs of a run may have been stored just before a crash kept the offset from moving; a proof
        // whose append timed out may have been stored too.
        var lookUp = _checkStored || entries.Exists(static e => e.MayBeStored);
        if (lookUp && store is ChainedProofStore chained)
        {
            // A timed-out append may still wait in the store's queue; anything queued before the probe is written
            // (or failed) once it returns, so the lookups below see it.
            await chained.ProbeAsync(cancellationToken).ConfigureAwait(false);
        }

        var appends = new Task?[entries.Count];
        for (var i = 0; i < entries.Count; i++)
        {
            var entry = entries[i];
            if ((_checkStored || entry.MayBeStored) && await IsStoredAsync(store, entry.Draft, cancellationToken).ConfigureAwait(false))
            {
                continue;
            }

            try
            {
                appends[i] = store.AppendAsync(entry.Draft, cancellationToken);
            }
            catch (ArgumentException exception)
            {
                appends[i] = Task.FromException(exception);
            }
        }

        // Stored proofs are marked drained together (one offset sync), up to a dead letter or a failure.
        var stored = 0;
        for (var i = 0; i < entries.Count; i++)
        {
            try
            {
                if (appends[i] is { } append)
                {
                    await append.ConfigureAwait(false);
                }

                stored++;
            }
            catch (ArgumentException exception)
            {
                MarkStored(i);
                ConsentLog.RefusalRejected(_logger, exception, entries[i].Draft.ConsentId);
                spool.DeadLetter(entries[i], exception.Message);
            }
            catch
            {
                MarkStored(i);
                foreach (var later in appends.AsSpan(i + 1))
                {
                    _ = later?.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }

                throw;
            }
        }

        MarkStored(entries.Count);
        _checkStored = false;

        // Marks the stored proofs before index `next` drained.
        void MarkStored(int next)
        {
            if (stored > 0)
            {
                spool.MarkDrained(entries[next - 1], stored);
                stored = 0;
            }
        }
    }

    private static async Task<bool> IsStoredAsync(IConsentProofStore store, ConsentProofDraft draft, CancellationToken cancellationToken)
    {
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
