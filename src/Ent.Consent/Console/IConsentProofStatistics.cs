namespace Ent.Consent;

/// <summary>
/// Aggregate figures over the proof ledger for the consent console: computed by the store in SQL (never by loading
/// records), so that a ledger of millions of proofs answers in one query. Registered beside the proof store by
/// <c>AddSqliteProofStore</c> and <c>AddPostgreSqlProofStore</c>.
/// </summary>
public interface IConsentProofStatistics
{
    /// <summary>
    /// Grants, refusals and withdrawals per day (UTC, by <see cref="ConsentProof.RecordedAt"/>), service and channel,
    /// for the records taken in the query's period. A withdrawal is a refusal of a service that the same consent id
    /// had granted in its previous record, whenever that record was taken.
    /// </summary>
    /// <exception cref="ConsentProofStoreUnavailableException">The store cannot be read now.</exception>
    Task<IReadOnlyList<ConsentChoiceCount>> CountChoicesAsync(ConsentStatisticsQuery query, CancellationToken cancellationToken = default);

    /// <summary>The ledger's size, oldest and newest records, last purge and tenants.</summary>
    /// <exception cref="ConsentProofStoreUnavailableException">The store cannot be read now.</exception>
    Task<ConsentLedgerSummary> GetLedgerSummaryAsync(CancellationToken cancellationToken = default);
}

/// <summary>Which records <see cref="IConsentProofStatistics.CountChoicesAsync"/> counts.</summary>
/// <param name="From">The first instant counted (inclusive).</param>
/// <param name="To">The end of the period (exclusive).</param>
/// <param name="Tenant">Only this tenant's records, or null for every tenant.</param>
public sealed record ConsentStatisticsQuery(DateTimeOffset From, DateTimeOffset To, string? Tenant = null);

/// <summary>The choices made about one service through one channel on one day (UTC).</summary>
/// <param name="Day">The day (UTC).</param>
/// <param name="ServiceId">The service decided on.</param>
/// <param name="Channel">Where the choices were made (<see cref="ConsentChannel.PrivacySignal"/>: the browser's signal).</param>
/// <param name="Granted">Records that granted the service.</param>
/// <param name="Refused">Records that refused it without having granted it before.</param>
/// <param name="Withdrawn">Records that refused it after the same consent id had granted it.</param>
public sealed record ConsentChoiceCount(DateOnly Day, string ServiceId, ConsentChannel Channel, long Granted, long Refused, long Withdrawn);

/// <summary>The state of the ledger, as the console's ledger page shows it.</summary>
public sealed record ConsentLedgerSummary
{
    /// <summary>How many records the ledger holds now (purged ones excluded).</summary>
    public required long RecordCount { get; init; }

    /// <summary>The sequence of the last record ever appended.</summary>
    public required long HeadSequence { get; init; }

    /// <summary>When the oldest record kept was taken, or null for an empty ledger.</summary>
    public DateTimeOffset? OldestRecordedAt { get; init; }

    /// <summary>When the newest record was taken, or null for an empty ledger.</summary>
    public DateTimeOffset? NewestRecordedAt { get; init; }

    /// <summary>When the last purge ran, or null if none ever deleted anything.</summary>
    public DateTimeOffset? LastPurgeAt { get; init; }

    /// <summary>The cutoff of the last purge, or null.</summary>
    public DateTimeOffset? LastPurgeCutoff { get; init; }

    /// <summary>The tenants found in the ledger, in ordinal order (null tenants left out).</summary>
    public required IReadOnlyList<string> Tenants { get; init; }
}
