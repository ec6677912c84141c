namespace Ent.Consent;

/// <summary>
/// The storage primitives a <see cref="ChainedProofStore"/> needs, inside one database transaction. A store opens one
/// with <see cref="ChainedProofStore"/>'s <c>BeginAsync</c>: a write transaction holds the chain's write lock from
/// <see cref="ReadHeadAsync"/> until it is committed or disposed (disposing without <see cref="CommitAsync"/> rolls
/// back); a read transaction sees one snapshot of the chain. The store owns hashing, ordering, batching and purge
/// rules; a transaction only reads and writes rows.
/// </summary>
public interface IProofChainTransaction : IAsyncDisposable
{
    /// <summary>
    /// Reads the chain's head (the last record ever appended). In a write transaction this takes the chain's write
    /// lock, so that no other writer (another process, another web node) moves the head before commit.
    /// </summary>
    ValueTask<ProofChainHead> ReadHeadAsync(CancellationToken cancellationToken);

    /// <summary>Reads every anchor, in sequence order.</summary>
    ValueTask<IReadOnlyList<ProofChainAnchor>> ReadAnchorsAsync(CancellationToken cancellationToken);

    /// <summary>Reads every remaining record, in sequence order, as it is stored (for verification).</summary>
    IAsyncEnumerable<ConsentProof> ReadRecordsAsync(CancellationToken cancellationToken);

    /// <summary>
    /// The last remaining record taken before <paramref name="cutoff"/> (by <see cref="ConsentProof.RecordedAt"/>), as
    /// a position in the chain, or null when there is none.
    /// </summary>
    ValueTask<ProofChainHead?> ReadLastBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);

    /// <summary>
    /// Inserts <paramref name="records"/> (already chained, in order) and moves the head to the last of them, as one
    /// step: a store that can should send both in one round trip, since the write lock is held meanwhile.
    /// </summary>
    ValueTask InsertRecordsAsync(IReadOnlyList<ConsentProof> records, CancellationToken cancellationToken);

    /// <summary>Deletes every record up to and including <paramref name="through"/>.</summary>
    ValueTask DeleteThroughAsync(ProofChainHead through, CancellationToken cancellationToken);

    /// <summary>Inserts an anchor (written by a purge, never deleted).</summary>
    ValueTask InsertAnchorAsync(ProofChainAnchor anchor, CancellationToken cancellationToken);

    /// <summary>Commits: once this completes, what was written survives a crash.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);
}

/// <summary>A position in the chain: a record's sequence, hash and the instant the store took it.</summary>
/// <param name="Sequence">The record's sequence (0 for an empty chain).</param>
/// <param name="Hash">The record's hash (<see cref="ProofChain.GenesisHash"/> for an empty chain).</param>
/// <param name="RecordedAt">When the store took the record (the Unix epoch for an empty chain).</param>
public sealed record ProofChainHead(long Sequence, string Hash, DateTimeOffset RecordedAt)
{
    /// <summary>The head of a chain that has no record yet.</summary>
    public static ProofChainHead Genesis { get; } = new(0, ProofChain.GenesisHash, DateTimeOffset.UnixEpoch);
}
