namespace Ent.Consent;

/// <summary>Verifies a store's chain against signed checkpoints.</summary>
public static class ProofCheckpointVerification
{
    /// <summary>
    /// Checks the signature of every checkpoint with <paramref name="trustedKeys"/>, then the chain against the
    /// checkpoints that hold (<see cref="IConsentProofStore.VerifyAgainstCheckpointsAsync"/>).
    /// The result is invalid when the chain breaks, when it no longer matches a checkpoint (it was rewritten or cut
    /// after that checkpoint), or when a checkpoint is not signed by a trusted key (the checkpoint file was altered,
    /// or a key is missing from <paramref name="trustedKeys"/>).
    /// </summary>
    public static async Task<ChainVerification> VerifyWithSignedCheckpointsAsync(this IConsentProofStore store, IEnumerable<ProofCheckpoint> checkpoints, IEnumerable<ProofCheckpointKey> trustedKeys, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(trustedKeys);
        var keys = trustedKeys.ToDictionary(static k => k.KeyId, StringComparer.Ordinal);
        var trusted = new List<ProofCheckpoint>();
        ProofCheckpoint? untrusted = null;
        foreach (var checkpoint in checkpoints)
        {
            if (keys.TryGetValue(checkpoint.KeyId, out var key) && key.Verify(checkpoint))
            {
                trusted.Add(checkpoint);
            }
            else
            {
                untrusted ??= checkpoint;
            }
        }

        var verification = await store.VerifyAgainstCheckpointsAsync(trusted, cancellationToken).ConfigureAwait(false);
        if (!verification.IsValid || untrusted is null)
        {
            return verification;
        }

        var reason = keys.ContainsKey(untrusted.KeyId)
            ? $"The checkpoint of record {untrusted.Sequence} taken at {untrusted.CreatedAt:O} does not match its signature (key {untrusted.KeyId}): the checkpoint file was altered."
            : $"The checkpoint of record {untrusted.Sequence} taken at {untrusted.CreatedAt:O} is signed by key {untrusted.KeyId}, which is not trusted: the checkpoint file was altered, or that key's public part is missing from the trusted keys.";
        return verification with { IsValid = false, FirstBrokenSequence = untrusted.Sequence, Reason = reason };
    }
}
