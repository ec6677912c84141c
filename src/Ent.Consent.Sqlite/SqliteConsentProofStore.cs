using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Ent.Consent.Sqlite;

/// <summary>
/// The embedded consent proof store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so that a record is
/// on disk before <see cref="ChainedProofStore.AppendAsync"/> returns. The chain algorithm is
/// <see cref="ChainedProofStore"/>'s; this class only reads and writes rows. Writes run on one long-lived writer thread
/// with one connection, in <c>BEGIN IMMEDIATE</c> transactions that also keep another process on the same file from
/// forking the chain. See <c>docs/proofs.md</c>.
/// </summary>
public sealed class SqliteConsentProofStore : ChainedProofStore
{
    private const string RecordColumns = "sequence, record_id, recorded_at, consent_id, subject_key, tenant, timestamp, decisions, policy_version, texts_hash, locale, channel, user_agent_family, ip_prefix, previous_hash, hash, about_subject_key";
    private const string InsertRecordSql = $"INSERT INTO consent_proofs ({RecordColumns}) VALUES ($sequence, $record_id, $recorded_at, $consent_id, $subject_key, $tenant, $timestamp, $decisions, $policy_version, $texts_hash, $locale, $channel, $user_agent_family, $ip_prefix, $previous_hash, $hash, $about_subject_key)";

    private readonly string _connectionString;
    private readonly int _busyTimeoutMilliseconds;
    private readonly string _path;

    // Touched by the writer thread only.
    private SqliteConnection? _writer;
    private SqliteCommand? _insert;
    private FileStream? _identity;
    private volatile string? _fileFault;

    /// <summary>Creates the store.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SqliteConsentProofStore(SqliteConsentProofStoreOptions options, TimeProvider timeProvider)
        : base(timeProvider, dedicatedWriterThread: true)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new SqliteConsentProofStoreOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _path = System.IO.Path.GetFullPath(options.Path);
        _busyTimeoutMilliseconds = (int)options.BusyTimeout.TotalMilliseconds;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = _path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds)),
        }.ToString();
    }

    /// <summary>The full path of the database file.</summary>
    public string Path => _path;

    /// <summary>The reason appends are refused for good (the file was deleted or replaced), or null.</summary>
    public string? FileFault => _fileFault;

    /// <inheritdoc />
    protected override string StoreName => $"The SQLite proof store '{_path}'";

    /// <inheritdoc />
    protected override ValueTask InitializeStorageAsync(CancellationToken cancellationToken)
    {
        OpenWriter();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    protected override ValueTask<IProofChainTransaction> BeginAsync(bool write, CancellationToken cancellationToken)
    {
        if (write)
        {
            ThrowIfFileFault();
            var writer = OpenWriter();
            return ValueTask.FromResult<IProofChainTransaction>(new Transaction(this, writer, writer.BeginTransaction(deferred: false), ownsConnection: false));
        }

        var connection = OpenReader();
        try
        {
            // Deferred: in WAL mode it sees one snapshot from its first read on, while appends go on.
            return ValueTask.FromResult<IProofChainTransaction>(new Transaction(this, connection, connection.BeginTransaction(deferred: true), ownsConnection: true));
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<ConsentProof>> ReadByConsentIdAsync(string consentId, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<ConsentProof>>(Query($"SELECT {RecordColumns} FROM consent_proofs WHERE consent_id = $key ORDER BY sequence", ("$key", consentId)));

    /// <inheritdoc />
    protected override Task<IReadOnlyList<ConsentProof>> ReadBySubjectAsync(string subjectKey, CancellationToken cancellationToken)
        => Task.FromResult<IReadOnlyList<ConsentProof>>(Query($"SELECT {RecordColumns} FROM consent_proofs WHERE subject_key = $key OR about_subject_key = $key ORDER BY sequence", ("$key", subjectKey)));

    /// <inheritdoc />
    protected override Task<ConsentProof?> ReadLatestBySubjectAsync(string subjectKey, string? tenant, CancellationToken cancellationToken)
    {
        var records = Query($"SELECT {RecordColumns} FROM consent_proofs WHERE subject_key = $key AND tenant IS $tenant AND about_subject_key IS NULL ORDER BY sequence DESC LIMIT 1", ("$key", subjectKey), ("$tenant", tenant));
        return Task.FromResult(records.Count == 0 ? null : records[0]);
    }

    /// <inheritdoc />
    protected override Task<IReadOnlyList<ConsentProof>> ReadLatestAboutSubjectAsync(string aboutSubjectKey, string? tenant, CancellationToken cancellationToken)
    {
        var records = Query($"SELECT {RecordColumns} FROM consent_proofs WHERE about_subject_key = $key AND tenant IS $tenant ORDER BY sequence", ("$key", aboutSubjectKey), ("$tenant", tenant));
        return Task.FromResult(LatestPerActor(records, aboutSubjectKey, tenant));
    }

    /// <inheritdoc />
    protected override bool IsStorageFailure(Exception exception) => exception is SqliteException or IOException;

    /// <inheritdoc />
    protected override void OnWriteFailed(Exception exception)
    {
        // The connection may be in any state after an I/O error; the next batch opens a fresh one.
        if (exception is SqliteException or IOException)
        {
            ResetWriter();
        }
    }

    /// <inheritdoc />
    protected override ValueTask DisposeStorageAsync()
    {
        ResetWriter();
        _identity?.Dispose();
        return ValueTask.CompletedTask;
    }

    private List<ConsentProof> Query(string sql, params (string Name, object? Value)[] parameters)
    {
        using var connection = OpenReader();
        using var command = CreateCommand(connection, null, sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        using var reader = command.ExecuteReader();
        var records = new List<ConsentProof>();
        while (reader.Read())
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    private SqliteConnection OpenReader()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Execute(connection, null, $"PRAGMA busy_timeout = {_busyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture)}");
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private SqliteConnection OpenWriter()
    {
        if (_writer is not null)
        {
            return _writer;
        }

        var directory = System.IO.Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = OpenReader();
        try
        {
            var journalMode = Scalar(connection, null, "PRAGMA journal_mode = WAL") as string;
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL mode for '{_path}' (journal mode '{journalMode}'); the proof store needs a local file system.");
            }

            // FULL: the WAL is synced at every commit, so an acknowledged record survives a crash or power loss.
            Execute(connection, null, "PRAGMA synchronous = FULL");
            // No memory-mapped reads of the database file (SQLite's default, made explicit): a read through a mapping
            // of a file that shrank raises SIGBUS, which kills the process, where read() returns an error.
            Execute(connection, null, "PRAGMA mmap_size = 0");
            CreateSchema(connection);
            _identity ??= new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _insert = CreateInsert(connection);
            _writer = connection;
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static SqliteCommand CreateInsert(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = InsertRecordSql;
        foreach (var name in new[] { "$sequence", "$record_id", "$recorded_at", "$consent_id", "$subject_key", "$tenant", "$timestamp", "$decisions", "$policy_version", "$texts_hash", "$locale", "$channel", "$user_agent_family", "$ip_prefix", "$previous_hash", "$hash", "$about_subject_key" })
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        return command;
    }

    /// <summary>The script that creates the store's tables (run by the store itself on first use).</summary>
    internal const string SchemaScript = """
        CREATE TABLE IF NOT EXISTS consent_proofs (
            sequence INTEGER PRIMARY KEY,
            record_id TEXT NOT NULL UNIQUE,
            recorded_at INTEGER NOT NULL,
            consent_id TEXT NOT NULL,
            subject_key TEXT,
            tenant TEXT,
            timestamp INTEGER NOT NULL,
            decisions TEXT NOT NULL,
            policy_version TEXT NOT NULL,
            texts_hash TEXT NOT NULL,
            locale TEXT NOT NULL,
            channel TEXT NOT NULL,
            user_agent_family TEXT,
            ip_prefix TEXT,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL,
            about_subject_key TEXT
        ) STRICT;
        CREATE INDEX IF NOT EXISTS consent_proofs_by_consent_id ON consent_proofs (consent_id, sequence);
        CREATE INDEX IF NOT EXISTS consent_proofs_by_subject ON consent_proofs (subject_key, tenant, sequence) WHERE subject_key IS NOT NULL;
        CREATE INDEX IF NOT EXISTS consent_proofs_by_recorded_at ON consent_proofs (recorded_at);
        CREATE TABLE IF NOT EXISTS consent_proof_anchors (
            sequence INTEGER PRIMARY KEY,
            created_at INTEGER NOT NULL,
            cutoff INTEGER NOT NULL,
            purged_through_sequence INTEGER NOT NULL,
            purged_through_hash TEXT NOT NULL,
            previous_hash TEXT NOT NULL,
            hash TEXT NOT NULL
        ) STRICT;
        CREATE TABLE IF NOT EXISTS consent_proof_head (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            sequence INTEGER NOT NULL,
            hash TEXT NOT NULL,
            recorded_at INTEGER NOT NULL
        ) STRICT;
        """;

    private static void CreateSchema(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, SchemaScript);
        if (Scalar(connection, transaction, "SELECT 1 FROM pragma_table_info('consent_proofs') WHERE name = 'about_subject_key'") is null)
        {
            // A database made before joint consent: the column is added, older records keep null (and their hash).
            Execute(connection, transaction, "ALTER TABLE consent_proofs ADD COLUMN about_subject_key TEXT");
        }

        Execute(connection, transaction, "CREATE INDEX IF NOT EXISTS consent_proofs_about_subject ON consent_proofs (about_subject_key, tenant, sequence) WHERE about_subject_key IS NOT NULL");
        using (var command = CreateCommand(connection, transaction, "INSERT OR IGNORE INTO consent_proof_head (id, sequence, hash, recorded_at) VALUES (1, 0, $genesis, 0)"))
        {
            command.Parameters.AddWithValue("$genesis", ProofChain.GenesisHash);
            command.ExecuteNonQuery();
        }

        transaction.Commit();
    }

    private void ThrowIfFileFault()
    {
        if (_fileFault is { } fault)
        {
            throw new ConsentProofStoreUnavailableException(fault);
        }
    }

    // A writer keeps its file open: once the path is unlinked or replaced, commits would go to a file nobody will
    // read again. The store holds its own handle on the file and, on Linux, asks the kernel whether that handle's
    // file is still the one at the path (procfs marks an unlinked or replaced file "(deleted)"): a stat per batch.
    private void CheckFileIdentity()
    {
        if (File.Exists(_path) && !IsIdentityLost())
        {
            return;
        }

        var fault = $"The SQLite proof store '{_path}' was deleted or replaced while open; appends are refused until the file is restored and the portal restarted.";
        _fileFault = fault;
        ResetWriter();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        throw new ConsentProofStoreUnavailableException(fault);
    }

    private bool IsIdentityLost()
    {
        if (_identity is null || !OperatingSystem.IsLinux())
        {
            return false;
        }

        var target = new FileInfo($"/proc/self/fd/{_identity.SafeFileHandle.DangerousGetHandle().ToInt64().ToString(CultureInfo.InvariantCulture)}").LinkTarget;
        return target is null || !string.Equals(target, _path, StringComparison.Ordinal);
    }

    private void ResetWriter()
    {
        _insert?.Dispose();
        _insert = null;
        _writer?.Dispose();
        _writer = null;
    }

    private static ConsentProof ReadRecord(SqliteDataReader reader) => ProofRecordCodec.ReadProof(reader, static (row, column) => ProofRecordCodec.FromUnixMicroseconds(row.GetInt64(column)));

    private static SqliteCommand CreateCommand(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        return command;
    }

    private static void Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = CreateCommand(connection, transaction, sql);
        command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        using var command = CreateCommand(connection, transaction, sql);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }

    /// <summary>One SQLite transaction; every call completes synchronously, on the caller's thread.</summary>
    private sealed class Transaction(SqliteConsentProofStore store, SqliteConnection connection, SqliteTransaction transaction, bool ownsConnection) : IProofChainTransaction
    {
        public ValueTask<ProofChainHead> ReadHeadAsync(CancellationToken cancellationToken)
        {
            using var command = CreateCommand(connection, transaction, "SELECT sequence, hash, recorded_at FROM consent_proof_head WHERE id = 1");
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                throw new InvalidOperationException("The proof store's chain head is missing: the database was altered.");
            }

            var head = new ProofChainHead(reader.GetInt64(0), reader.GetString(1), ProofRecordCodec.FromUnixMicroseconds(reader.GetInt64(2)));
            if (!ownsConnection)
            {
                // The write lock is held now: the file checked is the file this transaction commits to.
                store.CheckFileIdentity();
            }

            return ValueTask.FromResult(head);
        }

        public ValueTask<IReadOnlyList<ProofChainAnchor>> ReadAnchorsAsync(CancellationToken cancellationToken)
        {
            using var command = CreateCommand(connection, transaction, "SELECT sequence, created_at, cutoff, purged_through_sequence, purged_through_hash, previous_hash, hash FROM consent_proof_anchors ORDER BY sequence");
            using var reader = command.ExecuteReader();
            var anchors = new List<ProofChainAnchor>();
            while (reader.Read())
            {
                anchors.Add(new ProofChainAnchor
                {
                    Sequence = reader.GetInt64(0),
                    CreatedAt = ProofRecordCodec.FromUnixMicroseconds(reader.GetInt64(1)),
                    Cutoff = ProofRecordCodec.FromUnixMicroseconds(reader.GetInt64(2)),
                    PurgedThroughSequence = reader.GetInt64(3),
                    PurgedThroughHash = reader.GetString(4),
                    PreviousHash = reader.GetString(5),
                    Hash = reader.GetString(6),
                });
            }

            return ValueTask.FromResult<IReadOnlyList<ProofChainAnchor>>(anchors);
        }

        public async IAsyncEnumerable<ConsentProof> ReadRecordsAsync([EnumeratorCancellation] CancellationToken cancellationToken)
        {
            using var command = CreateCommand(connection, transaction, $"SELECT {RecordColumns} FROM consent_proofs ORDER BY sequence");
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                cancellationToken.ThrowIfCancellationRequested();
                yield return ReadRecord(reader);
            }

            await Task.CompletedTask.ConfigureAwait(false);
        }

        public ValueTask<ProofChainHead?> ReadLastBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken)
        {
            // The recorded_at index holds the rowid (the sequence), so this reads one index entry.
            using var command = CreateCommand(connection, transaction, "SELECT sequence, hash, recorded_at FROM consent_proofs WHERE recorded_at < $cutoff ORDER BY recorded_at DESC, sequence DESC LIMIT 1");
            command.Parameters.AddWithValue("$cutoff", ProofRecordCodec.ToUnixMicroseconds(cutoff));
            using var reader = command.ExecuteReader();
            return ValueTask.FromResult(reader.Read() ? new ProofChainHead(reader.GetInt64(0), reader.GetString(1), ProofRecordCodec.FromUnixMicroseconds(reader.GetInt64(2))) : null);
        }

        public ValueTask InsertRecordsAsync(IReadOnlyList<ConsentProof> records, CancellationToken cancellationToken)
        {
            var insert = store._insert!;
            insert.Transaction = transaction;
            var p = insert.Parameters;
            foreach (var proof in records)
            {
                var content = proof.Content;
                p[0].Value = proof.Sequence;
                p[1].Value = proof.RecordId;
                p[2].Value = ProofRecordCodec.ToUnixMicroseconds(proof.RecordedAt);
                p[3].Value = content.ConsentId;
                p[4].Value = (object?)content.SubjectKey ?? DBNull.Value;
                p[5].Value = (object?)content.Tenant ?? DBNull.Value;
                p[6].Value = ProofRecordCodec.ToUnixMicroseconds(content.Timestamp);
                p[7].Value = ProofRecordCodec.FormatDecisions(content.Decisions);
                p[8].Value = content.PolicyVersion;
                p[9].Value = content.TextsHash;
                p[10].Value = content.Locale;
                p[11].Value = ConsentWireNames.Of(content.Channel);
                p[12].Value = (object?)content.UserAgentFamily ?? DBNull.Value;
                p[13].Value = (object?)content.IpPrefix ?? DBNull.Value;
                p[14].Value = proof.PreviousHash;
                p[15].Value = proof.Hash;
                p[16].Value = (object?)content.AboutSubjectKey ?? DBNull.Value;
                insert.ExecuteNonQuery();
            }

            var last = records[^1];
            using var update = CreateCommand(connection, transaction, "UPDATE consent_proof_head SET sequence = $sequence, hash = $hash, recorded_at = $recorded_at WHERE id = 1");
            update.Parameters.AddWithValue("$sequence", last.Sequence);
            update.Parameters.AddWithValue("$hash", last.Hash);
            update.Parameters.AddWithValue("$recorded_at", ProofRecordCodec.ToUnixMicroseconds(last.RecordedAt));
            update.ExecuteNonQuery();
            return ValueTask.CompletedTask;
        }

        public ValueTask DeleteThroughAsync(ProofChainHead through, CancellationToken cancellationToken)
        {
            using var command = CreateCommand(connection, transaction, "DELETE FROM consent_proofs WHERE sequence <= $through");
            command.Parameters.AddWithValue("$through", through.Sequence);
            command.ExecuteNonQuery();
            return ValueTask.CompletedTask;
        }

        public ValueTask InsertAnchorAsync(ProofChainAnchor anchor, CancellationToken cancellationToken)
        {
            using var command = CreateCommand(connection, transaction,
                "INSERT INTO consent_proof_anchors (sequence, created_at, cutoff, purged_through_sequence, purged_through_hash, previous_hash, hash) VALUES ($sequence, $created_at, $cutoff, $through, $through_hash, $previous_hash, $hash)");
            command.Parameters.AddWithValue("$sequence", anchor.Sequence);
            command.Parameters.AddWithValue("$created_at", ProofRecordCodec.ToUnixMicroseconds(anchor.CreatedAt));
            command.Parameters.AddWithValue("$cutoff", ProofRecordCodec.ToUnixMicroseconds(anchor.Cutoff));
            command.Parameters.AddWithValue("$through", anchor.PurgedThroughSequence);
            command.Parameters.AddWithValue("$through_hash", anchor.PurgedThroughHash);
            command.Parameters.AddWithValue("$previous_hash", anchor.PreviousHash);
            command.Parameters.AddWithValue("$hash", anchor.Hash);
            command.ExecuteNonQuery();
            return ValueTask.CompletedTask;
        }

        public ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            transaction.Commit();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync()
        {
            transaction.Dispose();
            if (ownsConnection)
            {
                connection.Dispose();
            }

            return ValueTask.CompletedTask;
        }
    }
}
