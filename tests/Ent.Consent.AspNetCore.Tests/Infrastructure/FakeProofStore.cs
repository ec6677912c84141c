using System.Collections.Concurrent;

namespace Ent.Consent.AspNetCore.Tests.Infrastructure;

/// <summary>An in-memory proof store that can be taken down or made to hold an append until released.</summary>
internal sealed class FakeProofStore : IConsentProofStore
{
    private readonly ConcurrentQueue<ConsentProof> _records = new();
    private long _sequence;

    public volatile bool Unavailable;

    /// <summary>When set, AppendAsync signals <see cref="AppendEntered"/> and waits for this gate.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public TaskCompletionSource AppendEntered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int FailedAttempts;

    /// <summary>How many of the next appends are rejected as invalid drafts (as a real store's validation would).</summary>
    public int RejectNext;

    public IReadOnlyList<ConsentProof> Records => [.. _records];

    public async Task<ConsentProof> AppendAsync(ConsentProofDraft draft, CancellationToken cancellationToken = default)
    {
        AppendEntered.TrySetResult();
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }

        if (Interlocked.Decrement(ref RejectNext) >= 0)
        {
            throw new ArgumentException("The test store rejects this draft.", nameof(draft));
        }

        if (Unavailable)
        {
            Interlocked.Increment(ref FailedAttempts);
            throw new ConsentProofStoreUnavailableException("The test store is down.");
        }

        var sequence = Interlocked.Increment(ref _sequence);
        var proof = new ConsentProof { Sequence = sequence, RecordId = $"r{sequence}", Content = draft, PreviousHash = "", Hash = $"h{sequence}" };
        _records.Enqueue(proof);
        return proof;
    }

    public Task<IReadOnlyList<ConsentProof>> ExportByConsentIdAsync(string consentId, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<ConsentProof>>([.. _records.Where(r => r.Content.ConsentId == consentId)]);

    public Task<IReadOnlyList<ConsentProof>> ExportBySubjectAsync(string subjectKey, CancellationToken cancellationToken = default)
        => Task.FromResult<IReadOnlyList<ConsentProof>>([.. _records.Where(r => r.Content.SubjectKey == subjectKey || r.Content.AboutSubjectKey == subjectKey)]);

    public Task<ConsentProof?> FindLatestBySubjectAsync(string subjectKey, string? tenant, CancellationToken cancellationToken = default)
        => Task.FromResult(_records.LastOrDefault(r => r.Content.SubjectKey == subjectKey && r.Content.AboutSubjectKey is null && r.Content.Tenant == tenant));

    public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default)
        => Task.FromResult(new ChainVerification(true, _records.Count, null, null, null));

    public Task<long> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
        => Task.FromResult(0L);
}
