using System.Globalization;

namespace Ent.Consent;

/// <summary>
/// Walks a chain in order (anchors first, then the remaining records, then the head the store keeps) and reports the
/// first link that does not hold. Stores feed it row by row, so a chain of any length verifies in constant memory
/// (plus the checkpoints given). With signed checkpoints, it also checks that the records and anchors still carry the
/// hashes the checkpoints pinned, which catches a chain rewritten with valid hashes after a checkpoint.
/// </summary>
public sealed class ProofChainVerifier
{
    private readonly Dictionary<long, ProofCheckpoint> _checkpoints = [];
    private readonly ProofCheckpoint? _latestCheckpoint;
    private readonly string? _checkpointConflict;
    private int _checkpointsChecked;
    private ProofChainAnchor? _lastAnchor;
    private long _expectedSequence = 1;
    private string _expectedPreviousHash = ProofChain.GenesisHash;
    private bool _sawRecord;
    private long _recordCount;
    private ChainVerification? _failure;

    /// <summary>Creates a verifier with no checkpoint.</summary>
    public ProofChainVerifier()
    {
    }

    /// <summary>
    /// Creates a verifier that also checks the chain against <paramref name="trustedCheckpoints"/>, whose signatures
    /// the caller has checked.
    /// </summary>
    public ProofChainVerifier(IEnumerable<ProofCheckpoint> trustedCheckpoints)
    {
        ArgumentNullException.ThrowIfNull(trustedCheckpoints);
        foreach (var checkpoint in trustedCheckpoints)
        {
            if (_latestCheckpoint is null || checkpoint.Sequence > _latestCheckpoint.Sequence
                || (checkpoint.Sequence == _latestCheckpoint.Sequence && checkpoint.CreatedAt > _latestCheckpoint.CreatedAt))
            {
                _latestCheckpoint = checkpoint;
            }

            if (_checkpoints.TryGetValue(checkpoint.Sequence, out var other))
            {
                if (!string.Equals(other.HeadHash, checkpoint.HeadHash, StringComparison.Ordinal))
                {
                    // Two signed heads for one sequence: the chain was forked or rewritten between them.
                    _checkpointConflict ??= $"Two signed checkpoints disagree on record {checkpoint.Sequence} ({Describe(other)} and {Describe(checkpoint)}): the chain was rewritten between them.";
                }

                continue;
            }

            _checkpoints.Add(checkpoint.Sequence, checkpoint);
        }

        if (_checkpointConflict is not null)
        {
            _failure = new ChainVerification(false, 0, null, null, _checkpointConflict);
        }
    }

    /// <summary>Whether every link seen so far holds.</summary>
    public bool IsValid => _failure is null;

    /// <summary>Adds the next anchor; anchors come in their order, before any record.</summary>
    /// <returns>Whether the chain still holds.</returns>
    public bool AddAnchor(ProofChainAnchor anchor)
    {
        ArgumentNullException.ThrowIfNull(anchor);
        if (_failure is not null)
        {
            return false;
        }

        if (_sawRecord)
        {
            throw new InvalidOperationException("Anchors must be added before records.");
        }

        var expectedSequence = (_lastAnchor?.Sequence ?? 0) + 1;
        var expectedPrevious = _lastAnchor?.Hash ?? ProofChain.GenesisHash;
        string? reason = null;
        if (anchor.Sequence != expectedSequence)
        {
            reason = $"Anchor {anchor.Sequence} comes where anchor {expectedSequence} should: an anchor is missing or out of order.";
        }
        else if (!string.Equals(anchor.Hash, ProofChain.ComputeAnchorHash(anchor.Sequence, anchor.CreatedAt, anchor.Cutoff, anchor.PurgedThroughSequence, anchor.PurgedThroughHash, anchor.PreviousHash), StringComparison.Ordinal))
        {
            reason = $"Anchor {anchor.Sequence} does not match its hash: it was altered.";
        }
        else if (!string.Equals(anchor.PreviousHash, expectedPrevious, StringComparison.Ordinal))
        {
            reason = $"Anchor {anchor.Sequence} does not link to the anchor before it.";
        }
        else if (anchor.PurgedThroughSequence < _expectedSequence - 1)
        {
            reason = $"Anchor {anchor.Sequence} purges through record {anchor.PurgedThroughSequence}, before the previous anchor's {_expectedSequence - 1}.";
        }

        else if (_checkpoints.TryGetValue(anchor.PurgedThroughSequence, out var checkpoint))
        {
            _checkpointsChecked++;
            if (!string.Equals(anchor.PurgedThroughHash, checkpoint.HeadHash, StringComparison.Ordinal))
            {
                reason = $"Anchor {anchor.Sequence} says record {anchor.PurgedThroughSequence} had hash {anchor.PurgedThroughHash}, but {Describe(checkpoint)} pinned {checkpoint.HeadHash}: the chain was rewritten after that checkpoint.";
            }
        }

        if (reason is not null)
        {
            _failure = new ChainVerification(false, 0, anchor.PurgedThroughSequence + 1, null, reason);
            return false;
        }

        _lastAnchor = anchor;
        _expectedSequence = anchor.PurgedThroughSequence + 1;
        _expectedPreviousHash = anchor.PurgedThroughHash;
        return true;
    }

    /// <summary>Adds the next record, in sequence order.</summary>
    /// <returns>Whether the chain still holds; once false, later records are ignored.</returns>
    public bool AddRecord(ConsentProof proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (_failure is not null)
        {
            return false;
        }

        _sawRecord = true;
        _recordCount++;
        string? reason = null;
        if (proof.Sequence != _expectedSequence)
        {
            reason = proof.Sequence > _expectedSequence
                ? $"Record {proof.Sequence} follows record {_expectedSequence - 1}: {(proof.Sequence - _expectedSequence == 1 ? $"record {_expectedSequence} is" : $"records {_expectedSequence} to {proof.Sequence - 1} are")} missing."
                : $"Record {proof.Sequence} comes after record {_expectedSequence - 1}: the records are out of order or duplicated.";
        }
        else if (!ProofChain.HasValidHash(proof))
        {
            reason = $"Record {proof.Sequence} does not match its hash: its content, position or id was altered.";
        }
        else if (!string.Equals(proof.PreviousHash, _expectedPreviousHash, StringComparison.Ordinal))
        {
            reason = _lastAnchor is not null && proof.Sequence == _lastAnchor.PurgedThroughSequence + 1
                ? $"Record {proof.Sequence} does not link to anchor {_lastAnchor.Sequence}: a record before it was removed or replaced."
                : $"Record {proof.Sequence} does not link to the record before it: a record before it was removed, altered or replaced.";
        }
        else if (_checkpoints.TryGetValue(proof.Sequence, out var checkpoint))
        {
            _checkpointsChecked++;
            if (!string.Equals(proof.Hash, checkpoint.HeadHash, StringComparison.Ordinal))
            {
                reason = $"Record {proof.Sequence} does not match {Describe(checkpoint)}: the chain was rewritten after that checkpoint (its records recomputed with valid hashes).";
            }
        }

        if (reason is not null)
        {
            _failure = new ChainVerification(false, _recordCount, proof.Sequence, proof.RecordId, reason);
            return false;
        }

        _expectedSequence = proof.Sequence + 1;
        _expectedPreviousHash = proof.Hash;
        return true;
    }

    /// <summary>
    /// Ends the walk against the head the store keeps (the sequence and hash of the last record ever appended), which
    /// catches records removed from the end of the chain.
    /// </summary>
    public ChainVerification Complete(long headSequence, string headHash)
    {
        ArgumentNullException.ThrowIfNull(headHash);
        if (_failure is not null)
        {
            return _failure with { HeadSequence = headSequence, HeadHash = headHash, CheckpointsChecked = _checkpointsChecked, LatestCheckpoint = _latestCheckpoint };
        }

        var lastSequence = _expectedSequence - 1;
        string? reason = null;
        long? broken = null;
        if (lastSequence < headSequence)
        {
            broken = lastSequence + 1;
            reason = lastSequence + 1 == headSequence
                ? $"Record {headSequence}, the head of the chain, is missing."
                : $"Records {lastSequence + 1} to {headSequence}, the end of the chain, are missing.";
        }
        else if (lastSequence > headSequence)
        {
            broken = headSequence + 1;
            reason = $"The chain head says {headSequence} but records go on to {lastSequence}: the head or those records were altered.";
        }
        else if (!string.Equals(_expectedPreviousHash, headHash, StringComparison.Ordinal))
        {
            broken = headSequence;
            reason = $"Record {headSequence} does not match the chain head's hash.";
        }
        else if (_latestCheckpoint is not null && _latestCheckpoint.Sequence > headSequence)
        {
            // A signed head beyond the chain's end: records were cut off, or an older copy of the database restored.
            broken = headSequence + 1;
            reason = $"The chain ends at record {headSequence}, but {Describe(_latestCheckpoint)} pinned record {_latestCheckpoint.Sequence}: records were removed from the end, or the database was restored from an older copy.";
        }

        return new ChainVerification(reason is null, _recordCount, broken, null, reason)
        {
            HeadSequence = headSequence,
            HeadHash = headHash,
            CheckpointsChecked = _checkpointsChecked,
            LatestCheckpoint = _latestCheckpoint,
        };
    }

    private static string Describe(ProofCheckpoint checkpoint)
        => $"the checkpoint signed at {checkpoint.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)} with key {checkpoint.KeyId}";
}
