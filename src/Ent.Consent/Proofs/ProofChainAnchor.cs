namespace Ent.Consent;

/// <summary>
/// The record a purge leaves behind: it holds the hash of the last purged record, so that the first remaining record
/// still links to something, and it is chained to the previous anchor, so that anchors cannot be dropped or edited
/// unnoticed either. Anchors are never deleted.
/// </summary>
public sealed class ProofChainAnchor
{
    /// <summary>The anchor's position among anchors (1, 2, …).</summary>
    public required long Sequence { get; init; }

    /// <summary>When the purge ran (UTC, microsecond precision).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The purge's cutoff: every record taken before it was deleted.</summary>
    public required DateTimeOffset Cutoff { get; init; }

    /// <summary>The sequence of the last record deleted; the chain goes on at the next one.</summary>
    public required long PurgedThroughSequence { get; init; }

    /// <summary>The hash of the last record deleted; the next record's <see cref="ConsentProof.PreviousHash"/>.</summary>
    public required string PurgedThroughHash { get; init; }

    /// <summary>The previous anchor's hash, or <see cref="ProofChain.GenesisHash"/> for the first anchor.</summary>
    public required string PreviousHash { get; init; }

    /// <summary>This anchor's hash (see <see cref="ProofChain.ComputeAnchorHash"/>).</summary>
    public required string Hash { get; init; }

    /// <summary>Creates the next anchor after <paramref name="previous"/> (null for the first), hashed.</summary>
    public static ProofChainAnchor Create(ProofChainAnchor? previous, DateTimeOffset createdAt, DateTimeOffset cutoff, long purgedThroughSequence, string purgedThroughHash)
    {
        var sequence = (previous?.Sequence ?? 0) + 1;
        var previousHash = previous?.Hash ?? ProofChain.GenesisHash;
        createdAt = ProofChain.TruncateToMicroseconds(createdAt);
        cutoff = ProofChain.TruncateToMicroseconds(cutoff);
        return new ProofChainAnchor
        {
            Sequence = sequence,
            CreatedAt = createdAt,
            Cutoff = cutoff,
            PurgedThroughSequence = purgedThroughSequence,
            PurgedThroughHash = purgedThroughHash,
            PreviousHash = previousHash,
            Hash = ProofChain.ComputeAnchorHash(sequence, createdAt, cutoff, purgedThroughSequence, purgedThroughHash, previousHash),
        };
    }
}
