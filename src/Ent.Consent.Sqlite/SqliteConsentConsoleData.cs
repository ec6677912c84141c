using System.Data.Common;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Ent.Consent.Sqlite;

/// <summary>
/// The console's reads and writes on the SQLite proof file: aggregates over <c>consent_proofs</c> and the two
/// console tables. Its own short-lived connections (WAL readers never block the writer); the chain tables are only
/// read.
/// </summary>
internal sealed class SqliteConsentConsoleData : IConsentProofStatistics, IConsentAdministrationJournal
{
    private const long MicrosecondsPerDay = 86_400_000_000;
    private readonly SqliteConsentProofStore _store;
    private readonly string _connectionString;
    private readonly int _busyTimeoutMilliseconds;
    private volatile bool _schemaReady;

    public SqliteConsentConsoleData(SqliteConsentProofStore store, SqliteConsentProofStoreOptions options)
    {
        _store = store;
        _busyTimeoutMilliseconds = (int)options.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = store.Path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            // Unpooled: a console connection left idle in the store's pool would keep a deleted or replaced file open
            // and answer the store's reads from it. Console queries are few; opening a file is cheap.
            Pooling = false,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
    }

    // The console's own tables, beside the chain's; created with the store at start-up (SqliteStoreInitializer).
    // consent_admin_actions: who exported or checked what, when. consent_policy_versions: each policy's catalogue.
    internal const string SchemaScript = """
        CREATE TABLE IF NOT EXISTS consent_admin_actions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at INTEGER NOT NULL,
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            target TEXT NOT NULL,
            outcome TEXT NOT NULL
        ) STRICT;
        CREATE INDEX IF NOT EXISTS consent_admin_actions_by_action ON consent_admin_actions (action, id);
        CREATE TABLE IF NOT EXISTS consent_policy_versions (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            version TEXT NOT NULL UNIQUE,
            first_seen_at INTEGER NOT NULL,
            catalogue TEXT NOT NULL
        ) STRICT;
        """;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        await _store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        await RunAsync(connection => Task.FromResult(Execute(connection, SchemaScript))).ConfigureAwait(false);
        _schemaReady = true;
    }

    public Task<IReadOnlyList<ConsentChoiceCount>> CountChoicesAsync(ConsentStatisticsQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReadAsync(async connection =>
        {
            // The window looks at every record of the consent ids seen in the period, earlier ones included, so a
            // refusal in the period of a grant made before it counts as a withdrawal. It runs over whole records
            // (half the rows of a window per service) and the previous record's decision is read for refusals.
            using var command = Command(connection, """
                WITH records AS (
                    SELECT recorded_at, channel, decisions,
                           LAG(decisions) OVER (PARTITION BY consent_id ORDER BY sequence) AS previous
                    FROM consent_proofs
                    WHERE recorded_at < $to
                      AND ($tenant IS NULL OR tenant = $tenant)
                      AND consent_id IN (SELECT consent_id FROM consent_proofs WHERE recorded_at >= $from AND recorded_at < $to)
                )
                SELECT r.recorded_at / $day * $day AS day, d.key AS service, r.channel,
                       SUM(d.value = 'granted'),
                       SUM(d.value = 'denied' AND (r.previous IS NULL OR json_extract(r.previous, '$."' || d.key || '"') IS NOT 'granted')),
                       SUM(d.value = 'denied' AND r.previous IS NOT NULL AND json_extract(r.previous, '$."' || d.key || '"') IS 'granted')
                FROM records r, json_each(r.decisions) d
                WHERE r.recorded_at >= $from AND d.value IN ('granted', 'denied')
                GROUP BY day, service, r.channel
                ORDER BY day, service, r.channel
                """,
                ("$from", ProofRecordCodec.ToUnixMicroseconds(query.From)),
                ("$to", ProofRecordCodec.ToUnixMicroseconds(query.To)),
                ("$tenant", query.Tenant),
                ("$day", MicrosecondsPerDay));
            return await ReadRowsAsync(command, ConsoleRowReader.ReadChoiceCountsAsync, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<ConsentLedgerSummary> GetLedgerSummaryAsync(CancellationToken cancellationToken = default)
        => ReadAsync(connection =>
        {
            using var transaction = connection.BeginTransaction(deferred: true);
            long count = 0;
            DateTimeOffset? oldest = null, newest = null;
            using (var command = Command(connection, "SELECT COUNT(*), MIN(recorded_at), MAX(recorded_at) FROM consent_proofs"))
            {
                command.Transaction = transaction;
                using var reader = command.ExecuteReader();
                if (reader.Read())
                {
                    count = reader.GetInt64(0);
                    oldest = reader.IsDBNull(1) ? null : ProofRecordCodec.FromUnixMicroseconds(reader.GetInt64(1));
                    newest = reader.IsDBNull(2) ? null : ProofRecordCodec.FromUnixMicroseconds(reader.GetInt64(2));
                }
            }

            long head = 0;
            using (var command = Command(connection, "SELECT sequence FROM consent_proof_head WHERE id = 1"))
            {
                command.Transaction = transaction;
                head = command.ExecuteScalar() is long sequence ? sequence : 0;
            }

            DateTimeOffset? purgedAt = null, cutoff = null;
            using (var command = Command(connection, "SELECT created_at, cutoff FROM consent_proof_anchors ORDER BY sequence DESC LIMIT 1"))
            {
                command.Transaction = transaction;
                using var reader = command.ExecuteReader();
                if (reader.Read())
                {
                    purgedAt = ProofRecordCodec.FromUnixMicroseconds(reader.GetInt64(0));
                    cutoff = ProofRecordCodec.FromUnixMicroseconds(reader.GetInt64(1));
                }
            }

            var tenants = new List<string>();
            using (var command = Command(connection, "SELECT DISTINCT tenant FROM consent_proofs WHERE tenant IS NOT NULL ORDER BY tenant LIMIT 1000"))
            {
                command.Transaction = transaction;
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    tenants.Add(reader.GetString(0));
                }
            }

            tenants.Sort(StringComparer.Ordinal);
            return Task.FromResult(new ConsentLedgerSummary
            {
                RecordCount = count,
                HeadSequence = head,
                OldestRecordedAt = oldest,
                NewestRecordedAt = newest,
                LastPurgeAt = purgedAt,
                LastPurgeCutoff = cutoff,
                Tenants = tenants,
            });
        }, cancellationToken);

    public Task RecordAsync(ConsentAdministrationEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return ReadAsync(connection => Task.FromResult(Execute(connection,
            "INSERT INTO consent_admin_actions (at, actor, action, target, outcome) VALUES ($at, $actor, $action, $target, $outcome)",
            ("$at", ProofRecordCodec.ToUnixMicroseconds(entry.At)), ("$actor", entry.Actor), ("$action", entry.Action), ("$target", entry.Target), ("$outcome", entry.Outcome))), cancellationToken);
    }

    public Task<IReadOnlyList<ConsentAdministrationEntry>> ReadRecentAsync(int count, string? action = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        return ReadAsync(async connection =>
        {
            using var command = Command(connection,
                "SELECT at, actor, action, target, outcome FROM consent_admin_actions WHERE ($action IS NULL OR action = $action) ORDER BY id DESC LIMIT $count",
                ("$action", action), ("$count", count));
            return await ReadRowsAsync(command, ConsoleRowReader.ReadAdministrationEntriesAsync, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    public Task<bool> RememberPolicyAsync(ConsentPolicySnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return ReadAsync(connection => Task.FromResult(Execute(connection,
            "INSERT OR IGNORE INTO consent_policy_versions (version, first_seen_at, catalogue) VALUES ($version, $at, $catalogue)",
            ("$version", snapshot.Version), ("$at", ProofRecordCodec.ToUnixMicroseconds(snapshot.FirstSeenAt)), ("$catalogue", string.Join('\n', snapshot.Lines))) == 1), cancellationToken);
    }

    public Task<ConsentPolicySnapshot?> FindPreviousPolicyAsync(string version, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(version);
        return ReadAsync(async connection =>
        {
            using var command = Command(connection, """
                SELECT version, first_seen_at, catalogue FROM consent_policy_versions
                WHERE id < COALESCE((SELECT id FROM consent_policy_versions WHERE version = $version), 9223372036854775807)
                  AND version <> $version
                ORDER BY id DESC LIMIT 1
                """, ("$version", version));
            return await ReadRowsAsync(command, ConsoleRowReader.ReadPolicySnapshotAsync, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_schemaReady)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        return await RunAsync(read).ConfigureAwait(false);
    }

    private async Task<T> RunAsync<T>(Func<SqliteConnection, Task<T>> read)
    {
        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            Execute(connection, $"PRAGMA busy_timeout = {_busyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture)}");
            return await read(connection).ConfigureAwait(false);
        }
        catch (SqliteException exception)
        {
            throw new ConsentProofStoreUnavailableException($"The SQLite proof store '{_store.Path}' could not be read for the consent console: {exception.Message}", exception);
        }
    }

    // SQLite keeps instants as Unix microseconds.
    private static async Task<T> ReadRowsAsync<T>(SqliteCommand command, Func<DbDataReader, Func<DbDataReader, int, DateTimeOffset>, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        using var reader = command.ExecuteReader();
        return await read(reader, static (row, column) => ProofRecordCodec.FromUnixMicroseconds(row.GetInt64(column)), cancellationToken).ConfigureAwait(false);
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static int Execute(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = Command(connection, sql, parameters);
        return command.ExecuteNonQuery();
    }
}
