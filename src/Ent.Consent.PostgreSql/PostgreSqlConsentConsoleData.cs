using System.Data.Common;
using Npgsql;
using NpgsqlTypes;

namespace Ent.Consent.PostgreSql;

/// <summary>
/// The console's reads and writes in PostgreSQL: aggregates over <c>consent_proofs</c> (the month partitions of the
/// period only) and the two console tables. Its own data source, so a slow console query never holds a connection
/// the appends need.
/// </summary>
internal sealed class PostgreSqlConsentConsoleData : IConsentProofStatistics, IConsentAdministrationJournal
{
    private readonly PostgreSqlConsentProofStore _store;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _schema;
    private readonly bool _createSchema;
    private volatile bool _schemaReady;

    public PostgreSqlConsentConsoleData(PostgreSqlConsentProofStore store, PostgreSqlConsentProofStoreOptions options)
    {
        _store = store;
        _schema = store.Schema;
        _createSchema = options.CreateSchema;
        // The store's data source (its own, or the one the host registered), which the store disposes.
        _dataSource = store.DataSource;
    }

    // The console's own tables, beside the chain's; created with the store at start-up (PostgreSqlStoreInitializer)
    // when CreateSchema allows. consent_admin_actions: who exported or checked what, when.
    // consent_policy_versions: each policy's catalogue, for the policy page's diff.
    internal static string SchemaScript(string schema) => $"""
        CREATE TABLE IF NOT EXISTS {schema}.consent_admin_actions (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            at timestamptz NOT NULL,
            actor text NOT NULL,
            action text NOT NULL,
            target text NOT NULL,
            outcome text NOT NULL
        );
        CREATE INDEX IF NOT EXISTS consent_admin_actions_by_action ON {schema}.consent_admin_actions (action, id);
        CREATE TABLE IF NOT EXISTS {schema}.consent_policy_versions (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            version text NOT NULL UNIQUE,
            first_seen_at timestamptz NOT NULL,
            catalogue text NOT NULL
        );
        """;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        if (_createSchema)
        {
            await RunAsync(async connection =>
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                // Nodes starting together would race on CREATE … IF NOT EXISTS.
                await using (var lockCommand = Command(connection, "SELECT pg_advisory_xact_lock(hashtext(@name))", ("name", _schema + ".consent_console")))
                {
                    lockCommand.Transaction = transaction;
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await using (var command = Command(connection, SchemaScript(_schema)))
                {
                    command.Transaction = transaction;
                    await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return true;
            }).ConfigureAwait(false);
        }

        _schemaReady = true;
    }

    public Task<IReadOnlyList<ConsentChoiceCount>> CountChoicesAsync(ConsentStatisticsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(async connection =>
        {
            // The window looks at every record of the consent ids seen in the period, earlier ones included, so a
            // refusal in the period of a grant made before it counts as a withdrawal.
            await using var command = Command(connection, $"""
                WITH records AS (
                    SELECT recorded_at, channel, decisions,
                           LAG(decisions) OVER (PARTITION BY consent_id ORDER BY sequence) AS previous
                    FROM {_schema}.consent_proofs
                    WHERE recorded_at < @to
                      AND (@tenant IS NULL OR tenant = @tenant)
                      AND consent_id IN (SELECT consent_id FROM {_schema}.consent_proofs WHERE recorded_at >= @from AND recorded_at < @to)
                )
                SELECT date_trunc('day', r.recorded_at AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' AS day, d.key AS service, r.channel,
                       COUNT(*) FILTER (WHERE d.value = 'granted'),
                       COUNT(*) FILTER (WHERE d.value = 'denied' AND (r.previous::jsonb ->> d.key) IS DISTINCT FROM 'granted'),
                       COUNT(*) FILTER (WHERE d.value = 'denied' AND (r.previous::jsonb ->> d.key) = 'granted')
                FROM records r CROSS JOIN LATERAL jsonb_each_text(r.decisions::jsonb) d
                WHERE r.recorded_at >= @from AND d.value IN ('granted', 'denied')
                GROUP BY 1, 2, 3
                ORDER BY 1, 2, 3
                """,
                ("from", query.From.ToUniversalTime()),
                ("to", query.To.ToUniversalTime()),
                ("tenant", query.Tenant));
            return await ReadRowsAsync(command, ConsoleRowReader.ReadChoiceCountsAsync, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<ConsentLedgerSummary> GetLedgerSummaryAsync(CancellationToken cancellationToken = default)
        => ReadAsync(async connection =>
        {
            await using var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection, $"""
                SELECT (SELECT COUNT(*) FROM {_schema}.consent_proofs),
                       (SELECT MIN(recorded_at) FROM {_schema}.consent_proofs),
                       (SELECT MAX(recorded_at) FROM {_schema}.consent_proofs),
                       (SELECT sequence FROM {_schema}.consent_proof_head WHERE id = 1),
                       a.created_at, a.cutoff
                FROM (SELECT 1) one
                LEFT JOIN LATERAL (SELECT created_at, cutoff FROM {_schema}.consent_proof_anchors ORDER BY sequence DESC LIMIT 1) a ON true;
                SELECT DISTINCT tenant FROM {_schema}.consent_proofs WHERE tenant IS NOT NULL ORDER BY tenant LIMIT 1000;
                """);
            command.Transaction = transaction;
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var summary = new ConsentLedgerSummary
            {
                RecordCount = reader.GetInt64(0),
                OldestRecordedAt = reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                NewestRecordedAt = reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                HeadSequence = reader.IsDBNull(3) ? 0 : reader.GetInt64(3),
                LastPurgeAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                LastPurgeCutoff = reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
                Tenants = [],
            };
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            var tenants = new List<string>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                tenants.Add(reader.GetString(0));
            }

            tenants.Sort(StringComparer.Ordinal);
            return summary with { Tenants = tenants };
        }, cancellationToken);

    public Task RecordAsync(ConsentAdministrationEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ReadAsync(async connection =>
        {
            await using var command = Command(connection,
                $"INSERT INTO {_schema}.consent_admin_actions (at, actor, action, target, outcome) VALUES (@at, @actor, @action, @target, @outcome)",
                ("at", entry.At.ToUniversalTime()), ("actor", entry.Actor), ("action", entry.Action), ("target", entry.Target), ("outcome", entry.Outcome));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<IReadOnlyList<ConsentAdministrationEntry>> ReadRecentAsync(int count, string? action = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return ReadAsync(async connection =>
        {
            await using var command = Command(connection,
                $"SELECT at, actor, action, target, outcome FROM {_schema}.consent_admin_actions WHERE (@action IS NULL OR action = @action) ORDER BY id DESC LIMIT @count",
                ("action", action), ("count", count));
            return await ReadRowsAsync(command, ConsoleRowReader.ReadAdministrationEntriesAsync, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<bool> RememberPolicyAsync(ConsentPolicySnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return ReadAsync(async connection =>
        {
            await using var command = Command(connection,
                $"INSERT INTO {_schema}.consent_policy_versions (version, first_seen_at, catalogue) VALUES (@version, @at, @catalogue) ON CONFLICT (version) DO NOTHING",
                ("version", snapshot.Version), ("at", snapshot.FirstSeenAt.ToUniversalTime()), ("catalogue", string.Join('\n', snapshot.Lines)));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    public Task<ConsentPolicySnapshot?> FindPreviousPolicyAsync(string version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        return ReadAsync(async connection =>
        {
            await using var command = Command(connection, $"""
                SELECT version, first_seen_at, catalogue FROM {_schema}.consent_policy_versions
                WHERE id < COALESCE((SELECT id FROM {_schema}.consent_policy_versions WHERE version = @version), 9223372036854775807)
                  AND version <> @version
                ORDER BY id DESC LIMIT 1
                """, ("version", version));
            return await ReadRowsAsync(command, ConsoleRowReader.ReadPolicySnapshotAsync, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    private async Task<T> ReadAsync<T>(Func<NpgsqlConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_schemaReady)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await RunAsync(read).ConfigureAwait(false);
    }

    private async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> read)
    {
        try
        {
            await using var connection = await _dataSource.OpenConnectionAsync().ConfigureAwait(false);
            return await read(connection).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw new ConsentProofStoreUnavailableException($"The PostgreSQL proof store (schema {_schema}) could not be read for the consent console: {exception.Message}", exception);
        }
    }

    // PostgreSQL keeps instants as timestamptz.
    private static async Task<T> ReadRowsAsync<T>(NpgsqlCommand command, Func<DbDataReader, Func<DbDataReader, int, DateTimeOffset>, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await read(reader, static (row, column) => row.GetFieldValue<DateTimeOffset>(column), cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value switch
            {
                null => new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = DBNull.Value },
                string text => new NpgsqlParameter(name, NpgsqlDbType.Text) { Value = text },
                _ => new NpgsqlParameter(name, value),
            });
        }

        return command;
    }
}
