namespace Ent.Consent;

/// <summary>
/// Walks a chain in order (anchors first, then the remaining records, then the head the store keeps) and reports the
/// first link that does not hold. Stores feed it row by row, so a chain of any length verifies in constant memory.
/// </summary>
public sealed class ProofChainVerifier
{
    private ProofChainAnchor? _lastAnchor;
    private long _expectedSequence = 1;
    private string _expectedPreviousHash = ProofChain.GenesisHash;
    private bool _sawRecord;
    private long _recordCount;
    private ChainVerification? _failure;

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
            return _failure with { HeadSequence = headSequence, HeadHash = headHash };
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

        return new ChainVerification(reason is null, _recordCount, broken, null, reason) { HeadSequence = headSequence, HeadHash = headHash };
    }
}
