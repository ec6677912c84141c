namespace Ent.Consent;

/// <summary>
/// One stored, chained record of a choice. Each record carries the hash of the one before it and its own, so that
/// removing, reordering or altering any record breaks the chain. Records are never updated in place.
/// </summary>
public sealed class ConsentProof
{
    /// <summary>The record's position in the chain (1, 2, …), assigned by the store.</summary>
    public required long Sequence { get; init; }

    /// <summary>A unique id of the record, assigned by the store.</summary>
    public required string RecordId { get; init; }

    /// <summary>
    /// When the store took the record (UTC, microsecond precision), assigned by the store and never earlier than the
    /// record before it. Retention counts from this instant.
    /// </summary>
    public DateTimeOffset RecordedAt { get; init; }

    /// <summary>What was recorded.</summary>
    public required ConsentProofDraft Content { get; init; }

    /// <summary>The hash of the previous record (or of the chain's anchor for the first one).</summary>
    public required string PreviousHash { get; init; }

    /// <summary>This record's hash, over its content and <see cref="PreviousHash"/> (see <see cref="ProofChain"/>).</summary>
    public required string Hash { get; init; }
}
