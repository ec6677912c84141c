using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using System.Runtime.CompilerServices;
using Npgsql;
using NpgsqlTypes;

namespace Ent.Consent.PostgreSql;

/// <summary>
/// The consent proof store for several web nodes: one chain in PostgreSQL, whose head row every write locks
/// (<c>SELECT … FOR UPDATE</c>) in the transaction that inserts the records, so that appends from any node are
/// serialized into a single chain. The chain algorithm is <see cref="ChainedProofStore"/>'s; this class only reads and
/// writes rows. Records are range-partitioned by month on the instant the store took them, so the retention purge
/// drops whole months instead of scanning. See <c>docs/proofs.md</c>.
/// </summary>
public sealed class PostgreSqlConsentProofStore : ChainedProofStore
{
    private const string RecordColumns = "sequence, record_id, recorded_at, consent_id, subject_key, tenant, \"timestamp\", decisions, policy_version, texts_hash, locale, channel, user_agent_family, ip_prefix, previous_hash, hash, about_subject_key";
    private const string PartitionPrefix = "consent_proofs_y";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;

    /// <summary>The data source every connection of the store comes from.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;
    private readonly string _schema;
    private readonly bool _createSchema;
    private readonly string _insertRecordsSql;
    private readonly ConcurrentDictionary<DateTimeOffset, bool> _knownPartitions = new();

    /// <summary>Creates the store with its own data source, built from <see cref="PostgreSqlConsentProofStoreOptions.ConnectionString"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PostgreSqlConsentProofStore(PostgreSqlConsentProofStoreOptions options, TimeProvider timeProvider)
        : this(CreateDataSource(options), ownsDataSource: true, options, timeProvider)
    {
    }

    /// <summary>Creates the store on a data source the host owns (and disposes), for example one registered with <c>AddNpgsqlDataSource</c>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PostgreSqlConsentProofStore(NpgsqlDataSource dataSource, PostgreSqlConsentProofStoreOptions options, TimeProvider timeProvider)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), ownsDataSource: false, options, timeProvider)
    {
    }

    private PostgreSqlConsentProofStore(NpgsqlDataSource dataSource, bool ownsDataSource, PostgreSqlConsentProofStoreOptions options, TimeProvider timeProvider)
        : base(timeProvider, dedicatedWriterThread: false)
    {
        Validate(options, requireConnectionString: false);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _schema = options.Schema;
        _createSchema = options.CreateSchema;
        // One statement for the whole batch: each column travels as one typed array.
        _insertRecordsSql = $"""
            INSERT INTO {_schema}.consent_proofs ({RecordColumns})
            SELECT * FROM unnest(@sequence, @record_id, @recorded_at, @consent_id, @subject_key, @tenant, @timestamp, @decisions, @policy_version, @texts_hash, @locale, @channel, @user_agent_family, @ip_prefix, @previous_hash, @hash, @about_subject_key)
            """;
    }

    /// <summary>The schema holding the store's tables.</summary>
    public string Schema => _schema;

    /// <inheritdoc />
    protected override string StoreName => $"The PostgreSQL proof store (schema {_schema})";

    /// <summary>The script that creates the store's schema in <paramref name="schema"/>, for administrators who create it themselves.</summary>
    /// <exception cref="ArgumentException">The schema name is not a plain identifier.</exception>
    public static string GetSchemaScript(string schema = "ent_consent")
    {
        Validate(new PostgreSqlConsentProofStoreOptions { Schema = schema }, requireConnectionString: false);
        return $"""
            CREATE SCHEMA IF NOT EXISTS {schema};
            CREATE TABLE IF NOT EXISTS {schema}.consent_proofs (
                sequence bigint NOT NULL,
                record_id text NOT NULL,
                recorded_at timestamptz NOT NULL,
                consent_id text NOT NULL,
                subject_key text,
                tenant text,
                "timestamp" timestamptz NOT NULL,
                decisions text NOT NULL,
                policy_version text NOT NULL,
                texts_hash text NOT NULL,
                locale text NOT NULL,
                channel text NOT NULL,
                user_agent_family text,
                ip_prefix text,
                previous_hash text NOT NULL,
                hash text NOT NULL,
                about_subject_key text,
                PRIMARY KEY (recorded_at, sequence)
            ) PARTITION BY RANGE (recorded_at);
            CREATE INDEX IF NOT EXISTS consent_proofs_by_sequence ON {schema}.consent_proofs (sequence);
            CREATE INDEX IF NOT EXISTS consent_proofs_by_consent_id ON {schema}.consent_proofs (consent_id, sequence);
            CREATE INDEX IF NOT EXISTS consent_proofs_by_subject ON {schema}.consent_proofs (subject_key, tenant, sequence) WHERE subject_key IS NOT NULL;
            -- Tables made before joint consent (0.x) get the column; older records keep null, and their hash. Checked
            -- first: ALTER TABLE locks the table even when the column exists, which would stall another node's appends.
            DO $$ BEGIN
                IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = 'consent_proofs' AND column_name = 'about_subject_key') THEN
                    ALTER TABLE {schema}.consent_proofs ADD COLUMN about_subject_key text;
                END IF;
            END $$;
            CREATE INDEX IF NOT EXISTS consent_proofs_about_subject ON {schema}.consent_proofs (about_subject_key, tenant, sequence) WHERE about_subject_key IS NOT NULL;
            CREATE TABLE IF NOT EXISTS {schema}.consent_proof_anchors (
                sequence bigint PRIMARY KEY,
                created_at timestamptz NOT NULL,
                cutoff timestamptz NOT NULL,
                purged_through_sequence bigint NOT NULL,
                purged_through_hash text NOT NULL,
                previous_hash text NOT NULL,
                hash text NOT NULL
            );
            CREATE TABLE IF NOT EXISTS {schema}.consent_proof_head (
                id integer PRIMARY KEY CHECK (id = 1),
                sequence bigint NOT NULL,
                hash text NOT NULL,
                recorded_at timestamptz NOT NULL
            );
            INSERT INTO {schema}.consent_proof_head (id, sequence, hash, recorded_at)
                VALUES (1, 0, '{ProofChain.GenesisHash}', '1970-01-01T00:00:00Z') ON CONFLICT (id) DO NOTHING;
            """;
    }

    /// <inheritdoc />
    protected override async ValueTask InitializeStorageAsync(CancellationToken cancellationToken)
    {
        if (!_createSchema)
        {
            return;
        }

        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Nodes starting together would race on CREATE … IF NOT EXISTS; a transaction-scoped lock orders them.
                await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", connection, transaction))
                {
                    lockCommand.Parameters.Add(Typed("key", NpgsqlDbType.Text, "ent_consent.schema." + _schema));
                    await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                // A script of several statements, without parameters: sent as one simple query.
                await using (var script = new NpgsqlCommand(GetSchemaScript(_schema), connection, transaction))
                {
                    await script.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<IProofChainTransaction> BeginAsync(bool write, CancellationToken cancellationToken)
    {
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Reads see one snapshot for anchors, records and head while other nodes keep appending.
            var transaction = await connection.BeginTransactionAsync(write ? IsolationLevel.ReadCommitted : IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            return new Transaction(this, connection, transaction, write);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<ConsentProof>> ReadByConsentIdAsync(string consentId, CancellationToken cancellationToken)
        => QueryAsync($"SELECT {RecordColumns} FROM {_schema}.consent_proofs WHERE consent_id = @key ORDER BY sequence", consentId, tenant: null, cancellationToken);

    /// <inheritdoc />
    protected override Task<IReadOnlyList<ConsentProof>> ReadBySubjectAsync(string subjectKey, CancellationToken cancellationToken)
        => QueryAsync($"SELECT {RecordColumns} FROM {_schema}.consent_proofs WHERE subject_key = @key OR about_subject_key = @key ORDER BY sequence", subjectKey, tenant: null, cancellationToken);

    /// <inheritdoc />
    protected override async Task<ConsentProof?> ReadLatestBySubjectAsync(string subjectKey, string? tenant, CancellationToken cancellationToken)
    {
        var records = await QueryAsync(
            $"SELECT {RecordColumns} FROM {_schema}.consent_proofs WHERE subject_key = @key AND tenant IS NOT DISTINCT FROM @tenant AND about_subject_key IS NULL ORDER BY sequence DESC LIMIT 1",
            subjectKey, tenant, cancellationToken).ConfigureAwait(false);
        return records.Count == 0 ? null : records[0];
    }

    /// <inheritdoc />
    protected override async Task<IReadOnlyList<ConsentProof>> ReadLatestAboutSubjectAsync(string aboutSubjectKey, string? tenant, CancellationToken cancellationToken)
    {
        var records = await QueryAsync(
            $"SELECT DISTINCT ON (subject_key) {RecordColumns} FROM {_schema}.consent_proofs WHERE about_subject_key = @key AND tenant IS NOT DISTINCT FROM @tenant ORDER BY subject_key, sequence DESC",
            aboutSubjectKey, tenant, cancellationToken).ConfigureAwait(false);
        return LatestPerActor(records, aboutSubjectKey, tenant);
    }

    /// <inheritdoc />
    protected override bool IsStorageFailure(Exception exception) => exception is NpgsqlException;

    /// <inheritdoc />
    protected override void OnWriteFailed(Exception exception)
    {
        if (exception is PostgresException { SqlState: PostgresErrorCodes.CheckViolation })
        {
            // No partition for the row: someone dropped it behind this node's back; recreate it next time.
            _knownPartitions.Clear();
        }
    }

    /// <inheritdoc />
    protected override async ValueTask DisposeStorageAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static NpgsqlDataSource CreateDataSource(PostgreSqlConsentProofStoreOptions options)
    {
        Validate(options, requireConnectionString: true);
        return NpgsqlDataSource.Create(options.ConnectionString);
    }

    private static void Validate(PostgreSqlConsentProofStoreOptions options, bool requireConnectionString)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new PostgreSqlConsentProofStoreOptionsValidator(requireConnectionString).Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }
    }

    private async Task<IReadOnlyList<ConsentProof>> QueryAsync(string sql, string key, string? tenant, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter<string>("key", NpgsqlDbType.Text) { TypedValue = key });
        if (sql.Contains("@tenant", StringComparison.Ordinal))
        {
            command.Parameters.Add(new NpgsqlParameter<string?>("tenant", NpgsqlDbType.Text) { TypedValue = tenant });
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var records = new List<ConsentProof>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    private static string PartitionName(DateTimeOffset monthStart)
        => string.Create(CultureInfo.InvariantCulture, $"{PartitionPrefix}{monthStart.Year:D4}m{monthStart.Month:D2}");

    private static DateTimeOffset MonthStart(DateTimeOffset instant) => new(instant.Year, instant.Month, 1, 0, 0, 0, TimeSpan.Zero);

    private static ConsentProof ReadRecord(NpgsqlDataReader reader) => ProofRecordCodec.ReadProof(reader, static (row, column) => row.GetFieldValue<DateTimeOffset>(column));

    private static NpgsqlParameter<T> Typed<T>(string name, NpgsqlDbType type, T value) => new(name, type) { TypedValue = value };

    /// <summary>One PostgreSQL transaction on a pooled connection.</summary>
    private sealed class Transaction(PostgreSqlConsentProofStore store, NpgsqlConnection connection, NpgsqlTransaction transaction, bool write) : IProofChainTransaction
    {
        private DateTimeOffset? _createdPartition;

        private string Schema => store._schema;

        public async ValueTask<ProofChainHead> ReadHeadAsync(CancellationToken cancellationToken)
        {
            // In a write, the head row's lock serializes appends from every node; it is held until commit.
            await using var command = new NpgsqlCommand($"SELECT sequence, hash, recorded_at FROM {Schema}.consent_proof_head WHERE id = 1{(write ? " FOR UPDATE" : string.Empty)}", connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException("The proof store's chain head is missing: the database was altered.");
            }

            return new ProofChainHead(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
        }

        public async ValueTask<IReadOnlyList<ProofChainAnchor>> ReadAnchorsAsync(CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand($"SELECT sequence, created_at, cutoff, purged_through_sequence, purged_through_hash, previous_hash, hash FROM {Schema}.consent_proof_anchors ORDER BY sequence", connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var anchors = new List<ProofChainAnchor>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                anchors.Add(new ProofChainAnchor
                {
                    Sequence = reader.GetInt64(0),
                    CreatedAt = reader.GetFieldValue<DateTimeOffset>(1),
                    Cutoff = reader.GetFieldValue<DateTimeOffset>(2),
                    PurgedThroughSequence = reader.GetInt64(3),
                    PurgedThroughHash = reader.GetString(4),
                    PreviousHash = reader.GetString(5),
                    Hash = reader.GetString(6),
                });
            }

            return anchors;
        }

        public async IAsyncEnumerable<ConsentProof> ReadRecordsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand($"SELECT {RecordColumns} FROM {Schema}.consent_proofs ORDER BY sequence", connection, transaction);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return ReadRecord(reader);
            }
        }

        public async ValueTask<ProofChainHead?> ReadLastBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(
                $"SELECT sequence, hash, recorded_at FROM {Schema}.consent_proofs WHERE recorded_at < @cutoff ORDER BY recorded_at DESC, sequence DESC LIMIT 1", connection, transaction);
            command.Parameters.Add(Typed("cutoff", NpgsqlDbType.TimestampTz, cutoff));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new ProofChainHead(reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2))
                : null;
        }

        public async ValueTask InsertRecordsAsync(IReadOnlyList<ConsentProof> records, CancellationToken cancellationToken)
        {
            // The partition (when new), the records and the head in one round trip: the head lock is held meanwhile.
            await using var batch = new NpgsqlBatch(connection, transaction);
            var recordedAt = records[0].RecordedAt;
            var monthStart = MonthStart(recordedAt);
            if (store._createSchema && !store._knownPartitions.ContainsKey(monthStart))
            {
                // Under the head row's lock, so two nodes never create the same month at once.
                batch.BatchCommands.Add(new NpgsqlBatchCommand(
                    $"CREATE TABLE IF NOT EXISTS {Schema}.{PartitionName(monthStart)} PARTITION OF {Schema}.consent_proofs FOR VALUES FROM ('{monthStart:yyyy-MM-dd}T00:00:00Z') TO ('{monthStart.AddMonths(1):yyyy-MM-dd}T00:00:00Z')"));
                _createdPartition = monthStart;
            }

            var count = records.Count;
            var sequence = new long[count];
            var recordId = new string[count];
            var recorded = new DateTimeOffset[count];
            var consentId = new string[count];
            var subjectKey = new string?[count];
            var tenant = new string?[count];
            var timestamp = new DateTimeOffset[count];
            var decisions = new string[count];
            var policyVersion = new string[count];
            var textsHash = new string[count];
            var locale = new string[count];
            var channel = new string[count];
            var userAgentFamily = new string?[count];
            var ipPrefix = new string?[count];
            var previousHash = new string[count];
            var hash = new string[count];
            var aboutSubjectKey = new string?[count];
            for (var i = 0; i < count; i++)
            {
                var proof = records[i];
                var content = proof.Content;
                sequence[i] = proof.Sequence;
                recordId[i] = proof.RecordId;
                recorded[i] = proof.RecordedAt;
                consentId[i] = content.ConsentId;
                subjectKey[i] = content.SubjectKey;
                tenant[i] = content.Tenant;
                timestamp[i] = content.Timestamp;
                decisions[i] = ProofRecordCodec.FormatDecisions(content.Decisions);
                policyVersion[i] = content.PolicyVersion;
                textsHash[i] = content.TextsHash;
                locale[i] = content.Locale;
                channel[i] = ConsentWireNames.Of(content.Channel);
                userAgentFamily[i] = content.UserAgentFamily;
                ipPrefix[i] = content.IpPrefix;
                previousHash[i] = proof.PreviousHash;
                hash[i] = proof.Hash;
                aboutSubjectKey[i] = content.AboutSubjectKey;
            }

            const NpgsqlDbType TextArray = NpgsqlDbType.Array | NpgsqlDbType.Text;
            const NpgsqlDbType InstantArray = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz;
            var insert = new NpgsqlBatchCommand(store._insertRecordsSql);
            insert.Parameters.Add(Typed("sequence", NpgsqlDbType.Array | NpgsqlDbType.Bigint, sequence));
            insert.Parameters.Add(Typed("record_id", TextArray, recordId));
            insert.Parameters.Add(Typed("recorded_at", InstantArray, recorded));
            insert.Parameters.Add(Typed("consent_id", TextArray, consentId));
            insert.Parameters.Add(Typed("subject_key", TextArray, subjectKey));
            insert.Parameters.Add(Typed("tenant", TextArray, tenant));
            insert.Parameters.Add(Typed("timestamp", InstantArray, timestamp));
            insert.Parameters.Add(Typed("decisions", TextArray, decisions));
            insert.Parameters.Add(Typed("policy_version", TextArray, policyVersion));
            insert.Parameters.Add(Typed("texts_hash", TextArray, textsHash));
            insert.Parameters.Add(Typed("locale", TextArray, locale));
            insert.Parameters.Add(Typed("channel", TextArray, channel));
            insert.Parameters.Add(Typed("user_agent_family", TextArray, userAgentFamily));
            insert.Parameters.Add(Typed("ip_prefix", TextArray, ipPrefix));
            insert.Parameters.Add(Typed("previous_hash", TextArray, previousHash));
            insert.Parameters.Add(Typed("hash", TextArray, hash));
            insert.Parameters.Add(Typed("about_subject_key", TextArray, aboutSubjectKey));
            batch.BatchCommands.Add(insert);

            var last = records[^1];
            var update = new NpgsqlBatchCommand($"UPDATE {Schema}.consent_proof_head SET sequence = @sequence, hash = @hash, recorded_at = @recorded_at WHERE id = 1");
            update.Parameters.Add(Typed("sequence", NpgsqlDbType.Bigint, last.Sequence));
            update.Parameters.Add(Typed("hash", NpgsqlDbType.Text, last.Hash));
            update.Parameters.Add(Typed("recorded_at", NpgsqlDbType.TimestampTz, last.RecordedAt));
            batch.BatchCommands.Add(update);
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask DeleteThroughAsync(ProofChainHead through, CancellationToken cancellationToken)
        {
            // Whole months older than the first record kept go at once; the rest is deleted row by row.
            DateTimeOffset keptFrom;
            await using (var first = new NpgsqlCommand($"SELECT recorded_at FROM {Schema}.consent_proofs WHERE sequence = @next", connection, transaction))
            {
                first.Parameters.Add(Typed("next", NpgsqlDbType.Bigint, through.Sequence + 1));
                keptFrom = await first.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is DateTime kept
                    ? new DateTimeOffset(kept, TimeSpan.Zero)
                    : through.RecordedAt;
            }

            foreach (var (name, monthStart) in await ReadPartitionsAsync(cancellationToken).ConfigureAwait(false))
            {
                if (monthStart.AddMonths(1) <= keptFrom)
                {
                    await using var drop = new NpgsqlCommand($"DROP TABLE {Schema}.{name}", connection, transaction);
                    await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    store._knownPartitions.TryRemove(monthStart, out _);
                }
            }

            await using var delete = new NpgsqlCommand($"DELETE FROM {Schema}.consent_proofs WHERE recorded_at <= @recorded_at AND sequence <= @through", connection, transaction);
            delete.Parameters.Add(Typed("recorded_at", NpgsqlDbType.TimestampTz, through.RecordedAt));
            delete.Parameters.Add(Typed("through", NpgsqlDbType.Bigint, through.Sequence));
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask InsertAnchorAsync(ProofChainAnchor anchor, CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand(
                $"INSERT INTO {Schema}.consent_proof_anchors (sequence, created_at, cutoff, purged_through_sequence, purged_through_hash, previous_hash, hash) VALUES (@sequence, @created_at, @cutoff, @through, @through_hash, @previous_hash, @hash)",
                connection, transaction);
            command.Parameters.Add(Typed("sequence", NpgsqlDbType.Bigint, anchor.Sequence));
            command.Parameters.Add(Typed("created_at", NpgsqlDbType.TimestampTz, anchor.CreatedAt));
            command.Parameters.Add(Typed("cutoff", NpgsqlDbType.TimestampTz, anchor.Cutoff));
            command.Parameters.Add(Typed("through", NpgsqlDbType.Bigint, anchor.PurgedThroughSequence));
            command.Parameters.Add(Typed("through_hash", NpgsqlDbType.Text, anchor.PurgedThroughHash));
            command.Parameters.Add(Typed("previous_hash", NpgsqlDbType.Text, anchor.PreviousHash));
            command.Parameters.Add(Typed("hash", NpgsqlDbType.Text, anchor.Hash));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (_createdPartition is { } month)
            {
                // Remembered only once the transaction that created it has committed.
                store._knownPartitions.TryAdd(month, true);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        private async Task<List<(string Name, DateTimeOffset MonthStart)>> ReadPartitionsAsync(CancellationToken cancellationToken)
        {
            await using var command = new NpgsqlCommand("""
                SELECT child.relname FROM pg_inherits
                JOIN pg_class child ON child.oid = pg_inherits.inhrelid
                JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
                JOIN pg_namespace ns ON ns.oid = parent.relnamespace
                WHERE ns.nspname = @schema AND parent.relname = 'consent_proofs'
                """, connection, transaction);
            command.Parameters.Add(Typed("schema", NpgsqlDbType.Text, Schema));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var partitions = new List<(string, DateTimeOffset)>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var name = reader.GetString(0);
                // Only partitions this store named (consent_proofs_yYYYYmMM) are dropped; others are left alone.
                if (name.Length == PartitionPrefix.Length + 7
                    && name.StartsWith(PartitionPrefix, StringComparison.Ordinal)
                    && int.TryParse(name.AsSpan(PartitionPrefix.Length, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var year)
                    && name[PartitionPrefix.Length + 4] == 'm'
                    && int.TryParse(name.AsSpan(PartitionPrefix.Length + 5, 2), NumberStyles.None, CultureInfo.InvariantCulture, out var month)
                    && year >= 1 && month is >= 1 and <= 12)
                {
                    partitions.Add((name, new DateTimeOffset(year, month, 1, 0, 0, 0, TimeSpan.Zero)));
                }
            }

            return partitions;
        }
    }
}
