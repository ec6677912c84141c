using System.Collections.Concurrent;

namespace Ent.Consent;

/// <summary>
/// Group commit for a store's appends: appends queue up while one batch is being written, and the next writer takes
/// them all (up to a limit) into one transaction, so one sync serves many records. Each caller is answered only
/// once its own batch has committed. A caller cancelled before a writer takes its append withdraws it: it is never
/// written. Purges and set-up run exclusively through <see cref="ExclusiveAsync{T}"/>.
/// </summary>
internal sealed class GroupCommitQueue : IDisposable
{
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentQueue<PendingAppend> _pending = new();
    private readonly int _maxBatch;

    public GroupCommitQueue(int maxBatch) => _maxBatch = maxBatch;

    /// <summary>
    /// Queues <paramref name="content"/> and returns its record once committed. <paramref name="writeBatch"/> writes
    /// drafts in order in one transaction and returns their records in the same order, or throws for all of them.
    /// </summary>
    public async Task<ConsentProof> AppendAsync(ConsentProofDraft content, Func<IReadOnlyList<ConsentProofDraft>, Task<IReadOnlyList<ConsentProof>>> writeBatch, CancellationToken cancellationToken)
    {
        var pending = new PendingAppend(content);
        _pending.Enqueue(pending);
        try
        {
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (pending.TryWithdraw())
        {
            throw;
        }
        catch (OperationCanceledException)
        {
            // A writer already took it: its outcome is the caller's.
            return await pending.Completion.Task.ConfigureAwait(false);
        }

        try
        {
            if (!pending.Completion.Task.IsCompleted)
            {
                await WriteNextBatchAsync(writeBatch).ConfigureAwait(false);
            }
        }
        finally
        {
            _writeLock.Release();
        }

        return await pending.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="action"/> with no batch being written.</summary>
    public async Task<T> ExclusiveAsync<T>(Func<Task<T>> action, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await action().ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private async Task WriteNextBatchAsync(Func<IReadOnlyList<ConsentProofDraft>, Task<IReadOnlyList<ConsentProof>>> writeBatch)
    {
        var batch = new List<PendingAppend>();
        while (batch.Count < _maxBatch && _pending.TryDequeue(out var next))
        {
            if (next.TryTake())
            {
                batch.Add(next);
            }
        }

        if (batch.Count == 0)
        {
            return;
        }

        IReadOnlyList<ConsentProof> proofs;
        try
        {
            proofs = await writeBatch(batch.ConvertAll(static p => p.Content)).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(exception);
            }

            return;
        }

        for (var i = 0; i < batch.Count; i++)
        {
            batch[i].Completion.TrySetResult(proofs[i]);
        }
    }

    /// <summary>An append waiting for a writer; taken by exactly one writer, or withdrawn by its caller first.</summary>
    private sealed class PendingAppend(ConsentProofDraft content)
    {
        private int _state; // 0 waiting, 1 taken by a writer, 2 withdrawn

        public ConsentProofDraft Content { get; } = content;

        public TaskCompletionSource<ConsentProof> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool TryTake() => Interlocked.CompareExchange(ref _state, 1, 0) == 0;

        public bool TryWithdraw() => Interlocked.CompareExchange(ref _state, 2, 0) == 0;
    }
}
