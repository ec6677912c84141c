using System.Collections.Concurrent;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ent.Consent;

/// <summary>
/// The one algorithm of every proof store: group commit, chaining, purge and verification. A database-specific store
/// derives from it and supplies storage only: transactions that read and write rows
/// (<see cref="IProofChainTransaction"/>) and the three export queries. See <c>docs/proofs.md</c>.
/// </summary>
/// <remarks>
/// <para>
/// Appends, purges and start-up work go through one queue drained by one writer, on a thread of its own
/// (<c>dedicatedWriterThread</c>, for a store whose calls block, like SQLite) or as one asynchronous loop. The writer
/// takes every append waiting (up to 256) into one write transaction, so one sync serves many records; each caller
/// is answered once that transaction has committed. An append whose caller is cancelled before the writer takes it is
/// never written.
/// </para>
/// <para>
/// Failures the storage reports as its own (<see cref="IsStorageFailure"/>: the server is down, the disk is full, the
/// file is locked) surface as <see cref="ConsentProofStoreUnavailableException"/>; anything else surfaces as is.
/// </para>
/// <para>
/// The store is its own health check (<see cref="CheckHealthAsync"/>): the stores' registrations add it as
/// <see cref="HealthCheckName"/>, tagged <see cref="HealthCheckTag"/>.
/// </para>
/// </remarks>
public abstract class ChainedProofStore : IConsentProofStore, IHealthCheck, IAsyncDisposable, IDisposable
{
    /// <summary>The name the stores' registrations give their health check: <c>ent-consent-proof-store</c>.</summary>
    public const string HealthCheckName = "ent-consent-proof-store";

    /// <summary>The tag of every Ent.Consent health check: <c>ent-consent</c>.</summary>
    public const string HealthCheckTag = "ent-consent";

    private const int MaxBatch = 256;

    private readonly ConcurrentQueue<WorkItem> _queue = new();
    private readonly SemaphoreSlim _signal = new(0);
    private readonly Lock _startLock = new();
    private readonly bool _dedicatedWriterThread;
    private int _signalled;
    private int _pendingAppends;
    private Thread? _thread;
    private Task? _loop;
    private volatile bool _stopping;
    private volatile bool _initialized;
    private int _disposed;

    /// <summary>Creates the store.</summary>
    /// <param name="timeProvider">The clock that stamps records and anchors.</param>
    /// <param name="dedicatedWriterThread">
    /// Whether the writer runs on a long-lived thread of its own (for storage whose calls complete synchronously and
    /// block, such as SQLite) rather than as an asynchronous loop on the thread pool (for network databases).
    /// </param>
    protected ChainedProofStore(TimeProvider timeProvider, bool dedicatedWriterThread)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        TimeProvider = timeProvider;
        _dedicatedWriterThread = dedicatedWriterThread;
    }

    /// <summary>How many appends wait for the writer.</summary>
    public int PendingAppends => Volatile.Read(ref _pendingAppends);

    /// <summary>The clock that stamps records and anchors.</summary>
    protected TimeProvider TimeProvider { get; }

    /// <summary>Names the store in error messages ("the SQLite proof store '/var/lib/…/proofs.db'").</summary>
    protected abstract string StoreName { get; }

    /// <summary>
    /// Prepares the storage (opens the file, creates missing tables). Done at host start-up by the store's
    /// registration, otherwise before the first use; runs through the writer.
    /// </summary>
    /// <exception cref="ConsentProofStoreUnavailableException">The storage cannot be reached or set up.</exception>
    public Task InitializeAsync(CancellationToken cancellationToken = default)
        => RunExclusiveAsync("set up its storage", async ct =>
        {
            await InitializeOnWriterAsync(ct).ConfigureAwait(false);
            return 0;
        }, cancellationToken);

    /// <summary>
    /// Checks through the writer that the chain can be written now: opens a write transaction, takes the chain's write
    /// lock, reads the head and writes nothing. For health checks.
    /// </summary>
    /// <returns>The chain's head.</returns>
    /// <exception cref="ConsentProofStoreUnavailableException">The store cannot take a record now.</exception>
    public async Task<ProofChainHead> ProbeAsync(CancellationToken cancellationToken = default)
    {
        ProofChainHead? head = null;
        await RunExclusiveAsync("take its write lock", async ct =>
        {
            await InitializeOnWriterAsync(ct).ConfigureAwait(false);
            var transaction = await BeginAsync(write: true, ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                head = await transaction.ReadHeadAsync(ct).ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken).ConfigureAwait(false);
        return head!;
    }

    /// <summary>
    /// Healthy when <see cref="ProbeAsync"/> succeeds (the chain can be written now and its head read); otherwise the
    /// registration's failure status, with the reason. The data holds <c>headSequence</c> and <c>pendingAppends</c>.
    /// </summary>
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var data = new Dictionary<string, object> { ["pendingAppends"] = PendingAppends };
        try
        {
            var head = await ProbeAsync(cancellationToken).ConfigureAwait(false);
            data["headSequence"] = head.Sequence;
            return HealthCheckResult.Healthy($"{StoreName} is writable; chain head at record {head.Sequence}.", data);
        }
        catch (Exception exception) when (exception is ConsentProofStoreUnavailableException or InvalidOperationException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, exception.Message, exception, data);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Appends that arrive while a batch is being written are committed together in the next transaction (group
    /// commit): one sync for many records, each acknowledged only once that commit is durable.
    /// </remarks>
    public Task<ConsentProof> AppendAsync(ConsentProofDraft draft, CancellationToken cancellationToken = default)
    {
        var append = new PendingAppend(ProofChain.Normalize(draft));
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<ConsentProof>(cancellationToken);
        }

        Interlocked.Increment(ref _pendingAppends);
        Enqueue(append);
        if (!cancellationToken.CanBeCanceled)
        {
            return append.Completion.Task;
        }

        return WaitAsync(append, cancellationToken);

        async Task<ConsentProof> WaitAsync(PendingAppend pending, CancellationToken token)
        {
            using (token.UnsafeRegister(static (state, token) => ((WorkItem)state!).Withdraw(token), pending))
            {
                return await pending.Completion.Task.ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConsentProof>> ExportByConsentIdAsync(string consentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consentId);
        return ReadAsync("read consent proofs", ct => ReadByConsentIdAsync(consentId, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConsentProof>> ExportBySubjectAsync(string subjectKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectKey);
        return ReadAsync("read consent proofs", ct => ReadBySubjectAsync(subjectKey, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ConsentProof?> FindLatestBySubjectAsync(string subjectKey, string? tenant, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectKey);
        return ReadAsync("read consent proofs", ct => ReadLatestBySubjectAsync(subjectKey, tenant, ct), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConsentProof>> FindLatestAboutSubjectAsync(string aboutSubjectKey, string? tenant, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(aboutSubjectKey);
        return ReadAsync("read consent proofs", ct => ReadLatestAboutSubjectAsync(aboutSubjectKey, tenant, ct), cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>Reads one snapshot of the chain while appends go on, record by record, in constant memory.</remarks>
    public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default)
        => VerifyAgainstCheckpointsAsync([], cancellationToken);

    /// <inheritdoc />
    /// <remarks>Reads one snapshot of the chain while appends go on, record by record, in constant memory.</remarks>
    public Task<ChainVerification> VerifyAgainstCheckpointsAsync(IReadOnlyCollection<ProofCheckpoint> trustedCheckpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trustedCheckpoints);
        return ReadAsync("verify the chain", async ct =>
        {
            var transaction = await BeginAsync(write: false, ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var verifier = new ProofChainVerifier(trustedCheckpoints);
                foreach (var anchor in await transaction.ReadAnchorsAsync(ct).ConfigureAwait(false))
                {
                    if (!verifier.AddAnchor(anchor))
                    {
                        break;
                    }
                }

                if (verifier.IsValid)
                {
                    await foreach (var record in transaction.ReadRecordsAsync(ct).ConfigureAwait(false))
                    {
                        if (!verifier.AddRecord(record))
                        {
                            break;
                        }
                    }
                }

                var head = await transaction.ReadHeadAsync(ct).ConfigureAwait(false);
                return verifier.Complete(head.Sequence, head.Hash);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    /// <remarks>One read of the head, not a walk of the chain.</remarks>
    public Task<ProofChainHead> ReadHeadAsync(CancellationToken cancellationToken = default)
        => ReadAsync("read the chain head", async ct =>
        {
            var transaction = await BeginAsync(write: false, ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                return await transaction.ReadHeadAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Runs through the writer, between two batches. The records deleted are the longest prefix of the chain taken
    /// before the cutoff; the count returned is the number of chain positions purged, the same in every store.
    /// </remarks>
    public Task<long> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        cutoff = ProofChain.TruncateToMicroseconds(cutoff);
        return RunExclusiveAsync("purge consent proofs", async ct =>
        {
            await InitializeOnWriterAsync(ct).ConfigureAwait(false);
            var transaction = await BeginAsync(write: true, ct).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                _ = await transaction.ReadHeadAsync(ct).ConfigureAwait(false);
                var anchors = await transaction.ReadAnchorsAsync(ct).ConfigureAwait(false);
                var lastAnchor = anchors.Count == 0 ? null : anchors[^1];
                var purgedThrough = lastAnchor?.PurgedThroughSequence ?? 0;

                // RecordedAt never decreases along the chain, so the records before the cutoff are a prefix of it.
                var through = await transaction.ReadLastBeforeAsync(cutoff, ct).ConfigureAwait(false);
                if (through is null || through.Sequence <= purgedThrough)
                {
                    return 0L;
                }

                await transaction.DeleteThroughAsync(through, ct).ConfigureAwait(false);
                await transaction.InsertAnchorAsync(ProofChainAnchor.Create(lastAnchor, TimeProvider.GetUtcNow(), cutoff, through.Sequence, through.Hash), ct).ConfigureAwait(false);
                await transaction.CommitAsync(ct).ConfigureAwait(false);
                return through.Sequence - purgedThrough;
            }
        }, cancellationToken);
    }

    /// <summary>Stops the writer once the appends already queued are written, then releases the storage.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await StopWriterAsync().ConfigureAwait(false);
        await DisposeStorageAsync().ConfigureAwait(false);
        _signal.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the writer once the appends already queued are written, then releases the storage.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>Opens a transaction: a write transaction (the writer's) or a read snapshot.</summary>
    /// <param name="write">Whether the transaction writes; only the writer opens write transactions, one at a time.</param>
    /// <param name="cancellationToken">Cancels opening.</param>
    protected abstract ValueTask<IProofChainTransaction> BeginAsync(bool write, CancellationToken cancellationToken);

    /// <summary>Opens the storage and creates what is missing; called on the writer before its first transaction.</summary>
    protected abstract ValueTask InitializeStorageAsync(CancellationToken cancellationToken);

    /// <summary>Every record of a consent id, in chain order.</summary>
    protected abstract Task<IReadOnlyList<ConsentProof>> ReadByConsentIdAsync(string consentId, CancellationToken cancellationToken);

    /// <summary>Every record of a subject key, in chain order.</summary>
    protected abstract Task<IReadOnlyList<ConsentProof>> ReadBySubjectAsync(string subjectKey, CancellationToken cancellationToken);

    /// <summary>
    /// The latest record of a subject key's own choice for a tenant (null matching null; records about another
    /// subject excluded), or null.
    /// </summary>
    protected abstract Task<ConsentProof?> ReadLatestBySubjectAsync(string subjectKey, string? tenant, CancellationToken cancellationToken);

    /// <summary>
    /// For each subject who decided about <paramref name="aboutSubjectKey"/>, their latest such record for the tenant.
    /// The default filters <see cref="ReadBySubjectAsync"/>.
    /// </summary>
    protected virtual async Task<IReadOnlyList<ConsentProof>> ReadLatestAboutSubjectAsync(string aboutSubjectKey, string? tenant, CancellationToken cancellationToken)
        => LatestPerActor(await ReadBySubjectAsync(aboutSubjectKey, cancellationToken).ConfigureAwait(false), aboutSubjectKey, tenant);

    /// <summary>Of <paramref name="records"/> in chain order, the latest one per actor about <paramref name="aboutSubjectKey"/> for the tenant.</summary>
    protected static IReadOnlyList<ConsentProof> LatestPerActor(IEnumerable<ConsentProof> records, string aboutSubjectKey, string? tenant)
        => ProofQueries.LatestPerActor(records, aboutSubjectKey, tenant);

    /// <summary>Whether <paramref name="exception"/> is the storage's own failure (reported as unavailable).</summary>
    protected abstract bool IsStorageFailure(Exception exception);

    /// <summary>Called on the writer when a write transaction failed, for example to drop a broken connection.</summary>
    protected virtual void OnWriteFailed(Exception exception)
    {
    }

    /// <summary>Releases the storage once the writer has stopped.</summary>
    protected virtual ValueTask DisposeStorageAsync() => ValueTask.CompletedTask;

    private async Task<T> ReadAsync<T>(string action, Func<CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_initialized)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            return await read(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (IsStorageFailure(exception))
        {
            throw Unavailable(action, exception);
        }
    }

    private Task<long> RunExclusiveAsync(string action, Func<CancellationToken, ValueTask<long>> work, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<long>(cancellationToken);
        }

        var item = new ExclusiveWork(action, work);
        Enqueue(item);
        return WaitAsync(item, cancellationToken);

        static async Task<long> WaitAsync(ExclusiveWork exclusive, CancellationToken token)
        {
            using (token.UnsafeRegister(static (state, token) => ((WorkItem)state!).Withdraw(token), exclusive))
            {
                return await exclusive.Completion.Task.ConfigureAwait(false);
            }
        }
    }

    private async ValueTask InitializeOnWriterAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await InitializeStorageAsync(cancellationToken).ConfigureAwait(false);
            _initialized = true;
        }
    }

    private void Enqueue(WorkItem item)
    {
        if (_stopping)
        {
            item.Fail(new ObjectDisposedException(GetType().FullName));
            if (item is PendingAppend)
            {
                Interlocked.Decrement(ref _pendingAppends);
            }

            return;
        }

        StartWriter();
        _queue.Enqueue(item);
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            _signal.Release();
        }
    }

    private void StartWriter()
    {
        if (_thread is not null || _loop is not null)
        {
            return;
        }

        lock (_startLock)
        {
            if (_thread is not null || _loop is not null)
            {
                return;
            }

            if (_dedicatedWriterThread)
            {
                var thread = new Thread(RunOnThread) { IsBackground = true, Name = "Ent.Consent proof writer" };
                thread.Start();
                _thread = thread;
            }
            else
            {
                _loop = Task.Run(RunLoopAsync);
            }
        }
    }

    private void RunOnThread()
    {
        while (true)
        {
            _signal.Wait();
            Volatile.Write(ref _signalled, 0);
            // The storage completes synchronously here, so the whole batch runs on this thread.
            var drain = DrainAsync();
            if (!drain.IsCompleted)
            {
                drain.AsTask().GetAwaiter().GetResult();
            }

            if (_stopping && _queue.IsEmpty)
            {
                return;
            }
        }
    }

    private async Task RunLoopAsync()
    {
        while (true)
        {
            await _signal.WaitAsync().ConfigureAwait(false);
            Volatile.Write(ref _signalled, 0);
            await DrainAsync().ConfigureAwait(false);
            if (_stopping && _queue.IsEmpty)
            {
                return;
            }
        }
    }

    private async Task StopWriterAsync()
    {
        _stopping = true;
        _signal.Release();
        if (_thread is { } thread)
        {
            await Task.Run(thread.Join).ConfigureAwait(false);
        }
        else if (_loop is { } loop)
        {
            await loop.ConfigureAwait(false);
        }

        // Whatever slipped in while stopping.
        while (_queue.TryDequeue(out var item))
        {
            item.Fail(new ObjectDisposedException(GetType().FullName));
        }
    }

    private async ValueTask DrainAsync()
    {
        List<PendingAppend>? batch = null;
        while (_queue.TryPeek(out var next))
        {
            if (next is ExclusiveWork exclusive)
            {
                _queue.TryDequeue(out _);
                if (exclusive.TryTake())
                {
                    await RunAsync(exclusive).ConfigureAwait(false);
                }

                continue;
            }

            batch ??= new List<PendingAppend>(MaxBatch);
            while (batch.Count < MaxBatch && _queue.TryPeek(out var item) && item is PendingAppend append)
            {
                _queue.TryDequeue(out _);
                Interlocked.Decrement(ref _pendingAppends);
                if (append.TryTake())
                {
                    batch.Add(append);
                }
            }

            if (batch.Count > 0)
            {
                await WriteBatchAsync(batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
    }

    private async ValueTask RunAsync(ExclusiveWork exclusive)
    {
        try
        {
            exclusive.Completion.TrySetResult(await exclusive.Work(CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception exception)
        {
            OnWriteFailed(exception);
            exclusive.Completion.TrySetException(Translate(exclusive.Action, exception));
        }
    }

    // Once a batch is taken it is written or failed as a whole; one caller's cancellation does not stop it.
    private async ValueTask WriteBatchAsync(List<PendingAppend> batch)
    {
        ConsentProof[] proofs;
        try
        {
            await InitializeOnWriterAsync(CancellationToken.None).ConfigureAwait(false);
            var transaction = await BeginAsync(write: true, CancellationToken.None).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var head = await transaction.ReadHeadAsync(CancellationToken.None).ConfigureAwait(false);
                var now = TimeProvider.GetUtcNow();
                var recordedAt = ProofChain.RecordedAtAfter(head.RecordedAt, now);
                proofs = new ConsentProof[batch.Count];
                var (sequence, previousHash) = (head.Sequence, head.Hash);
                for (var i = 0; i < batch.Count; i++)
                {
                    var proof = ProofChain.NextRecord(sequence, previousHash, now, recordedAt, batch[i].Draft);
                    proofs[i] = proof;
                    (sequence, previousHash) = (proof.Sequence, proof.Hash);
                }

                await transaction.InsertRecordsAsync(proofs, CancellationToken.None).ConfigureAwait(false);
                await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            OnWriteFailed(exception);
            var failure = Translate("append consent proofs", exception);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(failure);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(proofs[i]);
        }
    }

    private Exception Translate(string action, Exception exception)
        => exception is not ConsentProofStoreUnavailableException && IsStorageFailure(exception) ? Unavailable(action, exception) : exception;

    private ConsentProofStoreUnavailableException Unavailable(string action, Exception exception)
        => new($"{StoreName} could not {action}: {exception.Message}", exception);

    /// <summary>Something for the writer; taken by the writer or withdrawn by its caller, whichever comes first.</summary>
    private abstract class WorkItem
    {
        private int _state; // 0 waiting, 1 taken by the writer, 2 withdrawn

        public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public void Withdraw(CancellationToken cancellationToken)
        {
            if (Interlocked.CompareExchange(ref _state, 2, 0) == 0)
            {
                Cancel(cancellationToken);
            }
        }

        public abstract void Fail(Exception exception);

        protected abstract void Cancel(CancellationToken cancellationToken);
    }

    private sealed class PendingAppend(ConsentProofDraft draft) : WorkItem
    {
        public ConsentProofDraft Draft { get; } = draft;

        public TaskCompletionSource<ConsentProof> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Fail(Exception exception) => Completion.TrySetException(exception);

        protected override void Cancel(CancellationToken cancellationToken) => Completion.TrySetCanceled(cancellationToken);
    }

    private sealed class ExclusiveWork(string action, Func<CancellationToken, ValueTask<long>> work) : WorkItem
    {
        public string Action { get; } = action;

        public Func<CancellationToken, ValueTask<long>> Work { get; } = work;

        public TaskCompletionSource<long> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override void Fail(Exception exception) => Completion.TrySetException(exception);

        protected override void Cancel(CancellationToken cancellationToken) => Completion.TrySetCanceled(cancellationToken);
    }
}
