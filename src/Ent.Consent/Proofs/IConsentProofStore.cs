namespace Ent.Consent;

/// <summary>
/// An append-only, tamper-evident ledger of consent proofs (GDPR art. 7(1): the controller must be able to show
/// that consent was given). Implementations: <c>Ent.Consent.Sqlite</c> (embedded default) and
/// <c>Ent.Consent.PostgreSql</c> (several web nodes).
/// </summary>
public interface IConsentProofStore
{
    /// <summary>
    /// Appends a record and returns it once it is durable: when this completes, a crash loses nothing.
    /// </summary>
    /// <exception cref="ConsentProofStoreUnavailableException">The store cannot take the record now.</exception>
    Task<ConsentProof> AppendAsync(ConsentProofDraft draft, CancellationToken cancellationToken = default);

    /// <summary>Every record of a consent id, in chain order (for rights requests).</summary>
    Task<IReadOnlyList<ConsentProof>> ExportByConsentIdAsync(string consentId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every record of a subject key, in chain order (for rights requests): the subject's own decisions and those
    /// others (a minor's guardians) made about them (<see cref="ConsentProofDraft.AboutSubjectKey"/>).
    /// </summary>
    Task<IReadOnlyList<ConsentProof>> ExportBySubjectAsync(string subjectKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// The latest record of a subject's own choice for a tenant (not one they made about a minor), so a user's choice
    /// can follow them across devices.
    /// </summary>
    Task<ConsentProof?> FindLatestBySubjectAsync(string subjectKey, string? tenant, CancellationToken cancellationToken = default);

    /// <summary>
    /// For each subject who decided about <paramref name="aboutSubjectKey"/> (a minor's guardians), their latest
    /// such record for the tenant, in chain order. The default implementation filters
    /// <see cref="ExportBySubjectAsync"/>; the built-in stores read an index.
    /// </summary>
    async Task<IReadOnlyList<ConsentProof>> FindLatestAboutSubjectAsync(string aboutSubjectKey, string? tenant, CancellationToken cancellationToken = default)
    {
        var records = await ExportBySubjectAsync(aboutSubjectKey, cancellationToken).ConfigureAwait(false);
        return ProofQueries.LatestPerActor(records, aboutSubjectKey, tenant);
    }

    /// <summary>Checks the whole chain and reports the first broken link.</summary>
    Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Checks the whole chain as <see cref="VerifyAsync(CancellationToken)"/> does, and also that the records and
    /// anchors still carry the hashes the <paramref name="trustedCheckpoints"/> pinned: a chain rewritten after a
    /// checkpoint, even with every hash recomputed, fails. The checkpoints' signatures must already have been checked
    /// (<see cref="ProofCheckpointVerification.VerifyWithSignedCheckpointsAsync"/> does both).
    /// </summary>
    /// <exception cref="NotSupportedException">The store does not implement checkpoint verification.</exception>
    Task<ChainVerification> VerifyAgainstCheckpointsAsync(IReadOnlyCollection<ProofCheckpoint> trustedCheckpoints, CancellationToken cancellationToken = default)
        => throw new NotSupportedException($"{GetType().Name} does not verify against checkpoints.");

    /// <summary>
    /// The chain head as the store keeps it, without verifying the chain: what a checkpoint signs. The default
    /// implementation walks the whole chain (and leaves <see cref="ProofChainHead.RecordedAt"/> at the Unix epoch);
    /// the built-in stores read one row.
    /// </summary>
    async Task<ProofChainHead> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        var verification = await VerifyAsync(cancellationToken).ConfigureAwait(false);
        // A verification does not say when the last record was taken: the Unix epoch stands for "unknown" here.
        return new ProofChainHead(verification.HeadSequence, verification.HeadHash ?? ProofChain.GenesisHash, DateTimeOffset.UnixEpoch);
    }

    /// <summary>
    /// Deletes the records taken before <paramref name="cutoff"/> (by <see cref="ConsentProof.RecordedAt"/>, always a
    /// prefix of the chain) and re-anchors the chain so that <see cref="VerifyAsync(CancellationToken)"/> still passes. Returns the
    /// number of records deleted.
    /// </summary>
    Task<long> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default);
}

/// <summary>The result of <see cref="IConsentProofStore.VerifyAsync(CancellationToken)"/>.</summary>
/// <param name="IsValid">Whether every link holds.</param>
/// <param name="RecordCount">How many records were checked.</param>
/// <param name="FirstBrokenSequence">The sequence of the first record whose link does not hold, or null.</param>
/// <param name="FirstBrokenRecordId">The id of that record, or null.</param>
/// <param name="Reason">What is wrong with it, or null.</param>
public sealed record ChainVerification(bool IsValid, long RecordCount, long? FirstBrokenSequence, string? FirstBrokenRecordId, string? Reason)
{
    /// <summary>The sequence of the chain's head (the last record ever appended, purged or not).</summary>
    public long HeadSequence { get; init; }

    /// <summary>
    /// The hash of the chain's head. Publishing it somewhere the database's administrators cannot write (a log, a
    /// signed mail) pins every record up to it.
    /// </summary>
    public string? HeadHash { get; init; }

    /// <summary>How many signed checkpoints were compared with the chain (those of purged records cannot be).</summary>
    public int CheckpointsChecked { get; init; }

    /// <summary>The latest checkpoint given to the verification (by sequence), or null when there was none.</summary>
    public ProofCheckpoint? LatestCheckpoint { get; init; }
}

/// <summary>Thrown when a proof store cannot durably take a record (down, full, locked for too long).</summary>
public sealed class ConsentProofStoreUnavailableException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConsentProofStoreUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ConsentProofStoreUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    public ConsentProofStoreUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
