namespace Ent.Consent;

/// <summary>The head a store keeps: the sequence and hash of the last record ever appended (0 and the genesis hash when none).</summary>
/// <param name="Sequence">The last record's sequence.</param>
/// <param name="Hash">The last record's hash.</param>
public sealed record ProofChainHead(long Sequence, string Hash);
