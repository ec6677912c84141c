using System.Threading.Channels;
using Ent.Consent.AspNetCore.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// Records refusal proofs without ever holding a refusal back: withholding it would keep trackers running. The
/// store gets the proof directly when it answers within <see cref="EntConsentOptions.RefusalStoreTimeout"/>;
/// otherwise the proof goes to the <see cref="RefusalProofSpool"/> on disk before the answer, and
/// <see cref="RefusalProofWriter"/> drains it into the store in order. Either way an answered refusal is on disk.
/// </summary>
internal sealed class RefusalProofQueue : IDisposable
{
    private readonly IConsentProofStore _store;
    private readonly RefusalProofSpool _spool;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    // How long a grant waits for older spooled refusals to be stored before it is answered 503.
    private static readonly TimeSpan GrantWaitLimit = TimeSpan.FromSeconds(5);
    private CancellationTokenSource _retryNow = new();
    private readonly Channel<bool> _work = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public RefusalProofQueue(IConsentProofStore store, RefusalProofSpool spool, TimeSpan timeout, TimeProvider time, ILogger logger)
    {
        _store = store;
        _spool = spool;
        _timeout = timeout;
        _time = time;
        _logger = logger;
    }

    public RefusalProofSpool Spool => _spool;

    /// <summary>Cancelled when a caller needs the spool drained now, so the writer skips its retry delay.</summary>
    public CancellationToken RetryNow => Volatile.Read(ref _retryNow).Token;

    /// <summary>
    /// Appends a grant's proof behind the same user's refusals spooled before it (the browser's previous consent id,
    /// or the same subject key), so
    /// that the chain keeps the order in which a user's choices were made: a grant never lands before that user's
    /// older refusal still waiting on disk. Other users' waiting proofs do not hold it back.
    /// </summary>
    /// <exception cref="ConsentProofStoreUnavailableException">The earlier refusals did not reach the store in time, or the store refused.</exception>
    public async Task AppendGrantAsync(ConsentProofDraft draft, string? previousConsentId, CancellationToken cancellationToken)
    {
        var ahead = _spool.LastWaitingFor(draft, previousConsentId);
        if (ahead > 0)
        {
            RequestRetry();
            using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            giveUp.CancelAfter(GrantWaitLimit);
            try
            {
                await _spool.WaitUntilDrainedAsync(ahead, giveUp.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new ConsentProofStoreUnavailableException($"Refusals spooled before this grant did not reach the proof store within {GrantWaitLimit.TotalSeconds:0} s.");
            }
        }

        await _store.AppendAsync(draft, cancellationToken).ConfigureAwait(false);
    }
    /// <summary>Spools <paramref name="draft"/> (for callers that cannot wait for the store).</summary>
    public void Enqueue(ConsentProofDraft draft) => SpoolAndSignal(draft, mayBeStored: false);

    /// <summary>Stores <paramref name="draft"/>, or spools it when the store does not answer in time.</summary>
    /// <param name="draft">The refusal's proof.</param>
    /// <param name="previousConsentId">The consent id of the browser's previous choice (its cookie), if any.</param>
    public async Task RecordAsync(ConsentProofDraft draft, string? previousConsentId = null)
    {
        if (_spool.LastWaitingFor(draft, previousConsentId) > 0)
        {
            // Behind the same user's proofs already waiting, so their choices reach the chain in the order they were
            // made; other users' waiting proofs (a privacy-signal flood) do not hold this one back.
            SpoolAndSignal(draft, mayBeStored: false);
            return;
        }

        using var giveUp = new CancellationTokenSource(_timeout, _time);
        var append = _store.AppendAsync(draft, giveUp.Token);
        try
        {
            await append.WaitAsync(giveUp.Token).ConfigureAwait(false);
        }
        catch (ArgumentException exception)
        {
            ConsentLog.RefusalRejected(_logger, exception, draft.ConsentId);
            _spool.DeadLetter(draft, exception.Message);
        }
        catch (Exception exception)
        {
            if (append.IsCompletedSuccessfully)
            {
                // Stored just as the wait gave up: the refusal is recorded, nothing to spool.
                return;
            }

            if (exception is not OperationCanceledException)
            {
                ConsentLog.RefusalSpooled(_logger, exception, draft.ConsentId);
            }

            // A store that took the append before the deadline may still write it; draining checks first.
            SpoolAndSignal(draft, mayBeStored: !append.IsCompleted);
            _ = append.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Completes when a proof was spooled since the last call.</summary>
    public ValueTask<bool> WaitForWorkAsync(CancellationToken cancellationToken) => _work.Reader.ReadAsync(cancellationToken);

    public void Dispose()
    {
        _spool.Dispose();
        _retryNow.Dispose();
    }

    private void RequestRetry()
    {
        var previous = Interlocked.Exchange(ref _retryNow, new CancellationTokenSource());
        // Not disposed: the writer may still be reading its token; without a timer it holds nothing to release.
        previous.Cancel();
        _work.Writer.TryWrite(true);
    }

    private void SpoolAndSignal(ConsentProofDraft draft, bool mayBeStored)
    {
        try
        {
            _spool.Append(draft, mayBeStored);
        }
        catch (IOException exception)
        {
            // Disk full or gone: the refusal still applies; the health check reports the spool.
            ConsentLog.RefusalLost(_logger, exception, draft.ConsentId);
            return;
        }

        _work.Writer.TryWrite(true);
    }
}
