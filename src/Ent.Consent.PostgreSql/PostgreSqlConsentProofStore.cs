using System.Collections.Concurrent;
using System.Data;
using System.Globalization;
using Npgsql;

namespace Ent.Consent.PostgreSql;

/// <summary>
/// The consent proof store for several web nodes: one chain in PostgreSQL, whose head row every append locks
/// (<c>SELECT … FOR UPDATE</c>) in the transaction that inserts the record, so that appends from any node are
/// serialized into a single chain. Records are range-partitioned by month on the instant the store took them, so
/// the retention purge drops whole months instead of scanning. See <c>docs/proofs.md</c>.
/// </summary>
public sealed class PostgreSqlConsentProofStore : IConsentProofStore, IAsyncDisposable, IDisposable
{
    private const string RecordColumns = "sequence, record_id, recorded_at, consent_id, subject_key, tenant, \"timestamp\", decisions, policy_version, texts_hash, locale, channel, user_agent_family, ip_prefix, previous_hash, hash";
    private const string PartitionPrefix = "consent_proofs_y";
    private const int MaxBatch = 256;

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _schema;
    private readonly bool _createSchema;
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<DateTimeOffset, bool> _knownPartitions = new();
    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    // Appends of this node queue here rather than each holding a pooled connection while it waits for the head row.
    private readonly GroupCommitQueue _appends = new(MaxBatch);
    private volatile bool _schemaReady;

    /// <summary>Creates the store with its own data source, built from <see cref="PostgreSqlConsentProofStoreOptions.ConnectionString"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PostgreSqlConsentProofStore(PostgreSqlConsentProofStoreOptions options, TimeProvider timeProvider)
        : this(CreateDataSource(options), ownsDataSource: true, options, timeProvider)
    {
    }

    /// <summary>Creates the store on a data source the host owns (and disposes).</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PostgreSqlConsentProofStore(NpgsqlDataSource dataSource, PostgreSqlConsentProofStoreOptions options, TimeProvider timeProvider)
        : this(dataSource ?? throw new ArgumentNullException(nameof(dataSource)), ownsDataSource: false, options, timeProvider)
    {
    }

    private PostgreSqlConsentProofStore(NpgsqlDataSource dataSource, bool ownsDataSource, PostgreSqlConsentProofStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        Validate(options, requireConnectionString: false);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _schema = options.Schema;
        _createSchema = options.CreateSchema;
        _timeProvider = timeProvider;
    }

    /// <summary>The schema holding the store's tables.</summary>
    public string Schema => _schema;

    /// <summary>
    /// Creates the schema and tables if they are missing and <see cref="PostgreSqlConsentProofStoreOptions.CreateSchema"/>
    /// allows it (done at host start-up by <c>AddEntConsentPostgreSql</c>, otherwise on first use).
    /// </summary>
    /// <exception cref="ConsentProofStoreUnavailableException">The server cannot be reached or refuses.</exception>
    public async Task InitializeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException exception)
        {
            throw Unavailable("create its schema", exception);
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Appends of this node that arrive while another batch is being written are committed together in the next
    /// transaction (group commit): one head lock and one commit for many records, each acknowledged once committed.
    /// </remarks>
    public Task<ConsentProof> AppendAsync(ConsentProofDraft draft, CancellationToken cancellationToken = default)
        => _appends.AppendAsync(ProofChain.Normalize(draft), WriteBatchAsync, cancellationToken);

    private async Task<IReadOnlyList<ConsentProof>> WriteBatchAsync(IReadOnlyList<ConsentProofDraft> drafts)
    {
        // Once a batch is taken it is written or failed as a whole; a single caller's cancellation does not stop it.
        var cancellationToken = CancellationToken.None;
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            // The head row's lock serializes appends from every node; it is held until commit.
            var head = await ReadHeadAsync(connection, transaction, forUpdate: true, cancellationToken).ConfigureAwait(false);
            var now = _timeProvider.GetUtcNow();
            var recordedAt = ProofChain.RecordedAtAfter(head.RecordedAt, now);
            var createdPartition = await EnsurePartitionAsync(connection, transaction, recordedAt, cancellationToken).ConfigureAwait(false);
            var (sequence, previousHash) = (head.Sequence, head.Hash);
            var proofs = new List<ConsentProof>(drafts.Count);
            foreach (var content in drafts)
            {
                var proof = ProofChain.NextRecord(sequence, previousHash, now, recordedAt, content);
                sequence = proof.Sequence;
                await InsertRecordAsync(connection, transaction, proof, cancellationToken).ConfigureAwait(false);
                proofs.Add(proof);
                previousHash = proof.Hash;
            }

            await ExecuteAsync(connection, transaction, $"UPDATE {_schema}.consent_proof_head SET sequence = @sequence, hash = @hash, recorded_at = @recorded_at WHERE id = 1", cancellationToken,
                ("sequence", sequence), ("hash", previousHash), ("recorded_at", recordedAt)).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            if (createdPartition is { } month)
            {
                // Remembered only once the transaction that created it has committed.
                _knownPartitions.TryAdd(month, true);
            }

            return proofs;
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.CheckViolation)
        {
            // No partition for the row: someone dropped it behind this node's back; recreate it next time.
            _knownPartitions.Clear();
            throw Unavailable("append a consent proof", exception);
        }
        catch (NpgsqlException exception)
        {
            throw Unavailable("append a consent proof", exception);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConsentProof>> ExportByConsentIdAsync(string consentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consentId);
        return ReadRecordsAsync($"SELECT {RecordColumns} FROM {_schema}.consent_proofs WHERE consent_id = @key ORDER BY sequence", cancellationToken, ("key", consentId));
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConsentProof>> ExportBySubjectAsync(string subjectKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectKey);
        return ReadRecordsAsync($"SELECT {RecordColumns} FROM {_schema}.consent_proofs WHERE subject_key = @key ORDER BY sequence", cancellationToken, ("key", subjectKey));
    }

    /// <inheritdoc />
    public async Task<ConsentProof?> FindLatestBySubjectAsync(string subjectKey, string? tenant, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectKey);
        var records = await ReadRecordsAsync(
            $"SELECT {RecordColumns} FROM {_schema}.consent_proofs WHERE subject_key = @key AND tenant IS NOT DISTINCT FROM @tenant ORDER BY sequence DESC LIMIT 1",
            cancellationToken, ("key", subjectKey), ("tenant", tenant)).ConfigureAwait(false);
        return records.Count == 0 ? null : records[0];
    }

    /// <inheritdoc />
    public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) => VerifyAgainstCheckpointsAsync([], cancellationToken);

    /// <inheritdoc />
    public async Task<ProofChainHead> ReadHeadAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            var head = await ReadHeadAsync(connection, null, forUpdate: false, cancellationToken).ConfigureAwait(false);
            return new ProofChainHead(head.Sequence, head.Hash);
        }
        catch (NpgsqlException exception)
        {
            throw Unavailable("read the chain head", exception);
        }
    }

    /// <inheritdoc />
    public async Task<ChainVerification> VerifyAgainstCheckpointsAsync(IReadOnlyCollection<ProofCheckpoint> trustedCheckpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trustedCheckpoints);
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            // One snapshot for anchors, records and head, while other nodes keep appending.
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
            var verifier = new ProofChainVerifier(trustedCheckpoints);
            foreach (var anchor in await ReadAnchorsAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
            {
                if (!verifier.AddAnchor(anchor))
                {
                    break;
                }
            }

            if (verifier.IsValid)
            {
                await using var command = CreateCommand(connection, transaction, $"SELECT {RecordColumns} FROM {_schema}.consent_proofs ORDER BY sequence");
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false) && verifier.AddRecord(ReadRecord(reader)))
                {
                }
            }

            var head = await ReadHeadAsync(connection, transaction, forUpdate: false, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return verifier.Complete(head.Sequence, head.Hash);
        }
        catch (NpgsqlException exception)
        {
            throw Unavailable("verify the chain", exception);
        }
    }

    /// <inheritdoc />
    public async Task<long> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
    {
        cutoff = ProofChain.TruncateToMicroseconds(cutoff);
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            var head = await ReadHeadAsync(connection, transaction, forUpdate: true, cancellationToken).ConfigureAwait(false);
            var anchors = await ReadAnchorsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            var lastAnchor = anchors.Count == 0 ? null : anchors[^1];
            var purgedThrough = lastAnchor?.PurgedThroughSequence ?? 0;

            // recorded_at never decreases along the chain, so the records before the cutoff are a prefix of it.
            var firstKept = await ScalarAsync(connection, transaction,
                $"SELECT sequence FROM {_schema}.consent_proofs WHERE recorded_at >= @cutoff ORDER BY recorded_at, sequence LIMIT 1", cancellationToken, ("cutoff", cutoff)).ConfigureAwait(false);
            var through = firstKept is long kept ? kept - 1 : head.Sequence;
            if (through <= purgedThrough)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return 0;
            }

            var throughHash = through == head.Sequence
                ? head.Hash
                : await ScalarAsync(connection, transaction, $"SELECT hash FROM {_schema}.consent_proofs WHERE sequence = @sequence", cancellationToken, ("sequence", through)).ConfigureAwait(false) as string
                    ?? throw new InvalidOperationException($"Record {through} is missing, so the chain cannot be re-anchored; run VerifyAsync.");

            // Whole months before the cutoff go at once; only the month the cutoff falls in is searched row by row.
            foreach (var (name, monthStart) in await ReadPartitionsAsync(connection, transaction, cancellationToken).ConfigureAwait(false))
            {
                if (monthStart.AddMonths(1) <= cutoff)
                {
                    await ExecuteAsync(connection, transaction, $"DROP TABLE {_schema}.{name}", cancellationToken).ConfigureAwait(false);
                    _knownPartitions.TryRemove(monthStart, out _);
                }
            }

            await ExecuteAsync(connection, transaction, $"DELETE FROM {_schema}.consent_proofs WHERE recorded_at < @cutoff", cancellationToken, ("cutoff", cutoff)).ConfigureAwait(false);
            var anchor = ProofChainAnchor.Create(lastAnchor, _timeProvider.GetUtcNow(), cutoff, through, throughHash);
            await ExecuteAsync(connection, transaction,
                $"INSERT INTO {_schema}.consent_proof_anchors (sequence, created_at, cutoff, purged_through_sequence, purged_through_hash, previous_hash, hash) VALUES (@sequence, @created_at, @cutoff, @through, @through_hash, @previous_hash, @hash)",
                cancellationToken,
                ("sequence", anchor.Sequence), ("created_at", anchor.CreatedAt), ("cutoff", anchor.Cutoff), ("through", through), ("through_hash", throughHash),
                ("previous_hash", anchor.PreviousHash), ("hash", anchor.Hash)).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            // The chain is contiguous, so the positions purged are the records deleted.
            return through - purgedThrough;
        }
        catch (NpgsqlException exception)
        {
            throw Unavailable("purge consent proofs", exception);
        }
    }

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
                PRIMARY KEY (recorded_at, sequence)
            ) PARTITION BY RANGE (recorded_at);
            CREATE INDEX IF NOT EXISTS consent_proofs_by_sequence ON {schema}.consent_proofs (sequence);
            CREATE INDEX IF NOT EXISTS consent_proofs_by_consent_id ON {schema}.consent_proofs (consent_id, sequence);
            CREATE INDEX IF NOT EXISTS consent_proofs_by_subject ON {schema}.consent_proofs (subject_key, tenant, sequence) WHERE subject_key IS NOT NULL;
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
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _schemaLock.Dispose();
        _appends.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }

        _schemaLock.Dispose();
        _appends.Dispose();
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

    private async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_schemaReady || !_createSchema)
        {
            return;
        }

        await _schemaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            // Nodes starting together would race on CREATE … IF NOT EXISTS; a transaction-scoped lock orders them.
            await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock(hashtextextended(@key, 0))", cancellationToken, ("key", "ent_consent.schema." + _schema)).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, GetSchemaScript(_schema), cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    private async Task<DateTimeOffset?> EnsurePartitionAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, DateTimeOffset recordedAt, CancellationToken cancellationToken)
    {
        var monthStart = new DateTimeOffset(recordedAt.Year, recordedAt.Month, 1, 0, 0, 0, TimeSpan.Zero);
        if (_knownPartitions.ContainsKey(monthStart) || !_createSchema)
        {
            return null;
        }

        // Run under the head row's lock, so two nodes never create the same month at once.
        var name = PartitionName(monthStart);
        await ExecuteAsync(connection, transaction,
            $"CREATE TABLE IF NOT EXISTS {_schema}.{name} PARTITION OF {_schema}.consent_proofs FOR VALUES FROM ('{monthStart:yyyy-MM-dd}T00:00:00Z') TO ('{monthStart.AddMonths(1):yyyy-MM-dd}T00:00:00Z')",
            cancellationToken).ConfigureAwait(false);
        return monthStart;
    }

    private static string PartitionName(DateTimeOffset monthStart)
        => string.Create(CultureInfo.InvariantCulture, $"{PartitionPrefix}{monthStart.Year:D4}m{monthStart.Month:D2}");

    private async Task<List<(string Name, DateTimeOffset MonthStart)>> ReadPartitionsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, """
            SELECT child.relname FROM pg_inherits
            JOIN pg_class child ON child.oid = pg_inherits.inhrelid
            JOIN pg_class parent ON parent.oid = pg_inherits.inhparent
            JOIN pg_namespace ns ON ns.oid = parent.relnamespace
            WHERE ns.nspname = @schema AND parent.relname = 'consent_proofs'
            """, ("schema", _schema));
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

    private async Task<IReadOnlyList<ConsentProof>> ReadRecordsAsync(string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        try
        {
            await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var command = CreateCommand(connection, null, sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            var records = new List<ConsentProof>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                records.Add(ReadRecord(reader));
            }

            return records;
        }
        catch (NpgsqlException exception)
        {
            throw Unavailable("read consent proofs", exception);
        }
    }

    private async Task<(long Sequence, string Hash, DateTimeOffset RecordedAt)> ReadHeadAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, bool forUpdate, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, $"SELECT sequence, hash, recorded_at FROM {_schema}.consent_proof_head WHERE id = 1{(forUpdate ? " FOR UPDATE" : string.Empty)}");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidOperationException("The proof store's chain head is missing: the database was altered.");
        }

        return (reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2));
    }

    private async Task<List<ProofChainAnchor>> ReadAnchorsAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = CreateCommand(connection, transaction, $"SELECT sequence, created_at, cutoff, purged_through_sequence, purged_through_hash, previous_hash, hash FROM {_schema}.consent_proof_anchors ORDER BY sequence");
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

    private Task InsertRecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, ConsentProof proof, CancellationToken cancellationToken)
    {
        var content = proof.Content;
        return ExecuteAsync(connection, transaction,
            $"INSERT INTO {_schema}.consent_proofs ({RecordColumns}) VALUES (@sequence, @record_id, @recorded_at, @consent_id, @subject_key, @tenant, @timestamp, @decisions, @policy_version, @texts_hash, @locale, @channel, @user_agent_family, @ip_prefix, @previous_hash, @hash)",
            cancellationToken,
            ("sequence", proof.Sequence),
            ("record_id", proof.RecordId),
            ("recorded_at", proof.RecordedAt),
            ("consent_id", content.ConsentId),
            ("subject_key", content.SubjectKey),
            ("tenant", content.Tenant),
            ("timestamp", content.Timestamp),
            ("decisions", ProofRecordCodec.FormatDecisions(content.Decisions)),
            ("policy_version", content.PolicyVersion),
            ("texts_hash", content.TextsHash),
            ("locale", content.Locale),
            ("channel", ConsentWireNames.Of(content.Channel)),
            ("user_agent_family", content.UserAgentFamily),
            ("ip_prefix", content.IpPrefix),
            ("previous_hash", proof.PreviousHash),
            ("hash", proof.Hash));
    }

    private static ConsentProof ReadRecord(NpgsqlDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        RecordId = reader.GetString(1),
        RecordedAt = reader.GetFieldValue<DateTimeOffset>(2),
        Content = new ConsentProofDraft
        {
            ConsentId = reader.GetString(3),
            SubjectKey = reader.IsDBNull(4) ? null : reader.GetString(4),
            Tenant = reader.IsDBNull(5) ? null : reader.GetString(5),
            Timestamp = reader.GetFieldValue<DateTimeOffset>(6),
            Decisions = ProofRecordCodec.ParseDecisions(reader.GetString(7)),
            PolicyVersion = reader.GetString(8),
            TextsHash = reader.GetString(9),
            Locale = reader.GetString(10),
            Channel = ConsentWireNames.ParseChannel(reader.GetString(11)),
            UserAgentFamily = reader.IsDBNull(12) ? null : reader.GetString(12),
            IpPrefix = reader.IsDBNull(13) ? null : reader.GetString(13),
        },
        PreviousHash = reader.GetString(14),
        Hash = reader.GetString(15),
    };

    private static NpgsqlCommand CreateCommand(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.Add(value switch
            {
                null => new NpgsqlParameter(name, NpgsqlTypes.NpgsqlDbType.Text) { Value = DBNull.Value },
                _ => new NpgsqlParameter(name, value),
            });
        }

        return command;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = CreateCommand(connection, transaction, sql, parameters);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        await using var command = CreateCommand(connection, transaction, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    private ConsentProofStoreUnavailableException Unavailable(string action, NpgsqlException exception)
        => new($"The PostgreSQL proof store (schema {_schema}) could not {action}: {exception.Message}", exception);
}
