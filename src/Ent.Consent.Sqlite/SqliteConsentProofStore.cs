using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Ent.Consent.Sqlite;

/// <summary>
/// The embedded consent proof store: one SQLite file in WAL mode with <c>synchronous=FULL</c>, so that a record is
/// on disk before <see cref="AppendAsync"/> returns. Appends go through one writer connection, one at a time, and
/// read the chain head and write the new record in the same <c>BEGIN IMMEDIATE</c> transaction, which also keeps
/// another process on the same file from forking the chain. See <c>docs/proofs.md</c>.
/// </summary>
public sealed class SqliteConsentProofStore : IConsentProofStore, IDisposable
{
    private const string RecordColumns = "sequence, record_id, recorded_at, consent_id, subject_key, tenant, timestamp, decisions, policy_version, texts_hash, locale, channel, user_agent_family, ip_prefix, previous_hash, hash";

    private readonly string _connectionString;
    private readonly int _busyTimeoutMilliseconds;
    private readonly string _path;
    private readonly TimeProvider _timeProvider;
    private const int MaxBatch = 256;

    private readonly GroupCommitQueue _appends = new(MaxBatch);
    private SqliteConnection? _writer;
    private volatile bool _schemaReady;
    private bool _disposed;
    private volatile string? _fileFault;
    private FileStream? _identity;

    /// <summary>Creates the store.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SqliteConsentProofStore(SqliteConsentProofStoreOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var validation = new SqliteConsentProofStoreOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _path = System.IO.Path.GetFullPath(options.Path);
        _timeProvider = timeProvider;
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

    /// <summary>
    /// Opens the file and creates the tables if they are missing (done at host start-up by <c>AddEntConsentSqlite</c>,
    /// otherwise on first use).
    /// </summary>
    /// <exception cref="ConsentProofStoreUnavailableException">The file cannot be opened or written.</exception>
    public Task InitializeAsync(CancellationToken cancellationToken = default)
        => _appends.ExclusiveAsync(
            () =>
            {
                try
                {
                    OpenWriter();
                    return Task.FromResult(true);
                }
                catch (SqliteException exception)
                {
                    ResetWriter();
                    throw Unavailable("open the proof store", exception);
                }
            },
            cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// Appends that arrive while another is being written are committed together in the next transaction (group
    /// commit): one sync for many records, each acknowledged only once that commit is on disk.
    /// </remarks>
    public Task<ConsentProof> AppendAsync(ConsentProofDraft draft, CancellationToken cancellationToken = default)
        => _appends.AppendAsync(ProofChain.Normalize(draft), drafts => Task.FromResult(WriteBatch(drafts)), cancellationToken);

    // Runs under the queue's write lock: one transaction for the whole batch, one sync at commit.
    private IReadOnlyList<ConsentProof> WriteBatch(IReadOnlyList<ConsentProofDraft> drafts)
    {
        ThrowIfFileFault();
        try
        {
            var writer = OpenWriter();
            using var transaction = writer.BeginTransaction(deferred: false);
            var head = ReadHead(writer, transaction);
            CheckFileIdentity();
            var now = _timeProvider.GetUtcNow();
            var recordedAt = ProofChain.RecordedAtAfter(head.RecordedAt, now);
            var (sequence, previousHash) = (head.Sequence, head.Hash);
            var proofs = new List<ConsentProof>(drafts.Count);
            foreach (var content in drafts)
            {
                var proof = ProofChain.NextRecord(sequence, previousHash, now, recordedAt, content);
                sequence = proof.Sequence;
                InsertRecord(writer, transaction, proof);
                proofs.Add(proof);
                previousHash = proof.Hash;
            }

            Execute(writer, transaction, "UPDATE consent_proof_head SET sequence = $sequence, hash = $hash, recorded_at = $recorded_at WHERE id = 1",
                ("$sequence", sequence), ("$hash", previousHash), ("$recorded_at", ProofRecordCodec.ToUnixMicroseconds(recordedAt)));
            transaction.Commit();
            return proofs;
        }
        catch (SqliteException exception)
        {
            ResetWriter();
            throw Unavailable("append a consent proof", exception);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConsentProof>> ExportByConsentIdAsync(string consentId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(consentId);
        return ReadAsync<IReadOnlyList<ConsentProof>>(connection => ReadRecords(connection, null, $"SELECT {RecordColumns} FROM consent_proofs WHERE consent_id = $key ORDER BY sequence", ("$key", consentId)), cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ConsentProof>> ExportBySubjectAsync(string subjectKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectKey);
        return ReadAsync<IReadOnlyList<ConsentProof>>(connection => ReadRecords(connection, null, $"SELECT {RecordColumns} FROM consent_proofs WHERE subject_key = $key ORDER BY sequence", ("$key", subjectKey)), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ConsentProof?> FindLatestBySubjectAsync(string subjectKey, string? tenant, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(subjectKey);
        var records = await ReadAsync(
            connection => ReadRecords(connection, null, $"SELECT {RecordColumns} FROM consent_proofs WHERE subject_key = $key AND tenant IS $tenant ORDER BY sequence DESC LIMIT 1", ("$key", subjectKey), ("$tenant", tenant)),
            cancellationToken).ConfigureAwait(false);
        return records.Count == 0 ? null : records[0];
    }

    /// <inheritdoc />
    public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) => VerifyAgainstCheckpointsAsync([], cancellationToken);

    /// <inheritdoc />
    public Task<ProofChainHead> ReadHeadAsync(CancellationToken cancellationToken = default)
        => ReadAsync(connection =>
        {
            var head = ReadHead(connection, null);
            return new ProofChainHead(head.Sequence, head.Hash);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ChainVerification> VerifyAgainstCheckpointsAsync(IReadOnlyCollection<ProofCheckpoint> trustedCheckpoints, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trustedCheckpoints);
        return ReadAsync(connection =>
        {
            // One read transaction: in WAL mode it sees a single snapshot while appends go on.
            using var transaction = connection.BeginTransaction(deferred: true);
            var verifier = new ProofChainVerifier(trustedCheckpoints);
            foreach (var anchor in ReadAnchors(connection, transaction))
            {
                if (!verifier.AddAnchor(anchor))
                {
                    break;
                }
            }

            if (verifier.IsValid)
            {
                using var command = CreateCommand(connection, transaction, $"SELECT {RecordColumns} FROM consent_proofs ORDER BY sequence");
                using var reader = command.ExecuteReader();
                while (reader.Read() && verifier.AddRecord(ReadRecord(reader)))
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }
            }

            var head = ReadHead(connection, transaction);
            return verifier.Complete(head.Sequence, head.Hash);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<long> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default)
        => _appends.ExclusiveAsync(() => Task.FromResult(Purge(cutoff)), cancellationToken);

    private long Purge(DateTimeOffset cutoff)
    {
        ThrowIfFileFault();
        try
        {
            var writer = OpenWriter();
            using var transaction = writer.BeginTransaction(deferred: false);
            var head = ReadHead(writer, transaction);
            CheckFileIdentity();
            var anchors = ReadAnchors(writer, transaction);
            var lastAnchor = anchors.Count == 0 ? null : anchors[^1];
            var purgedThrough = lastAnchor?.PurgedThroughSequence ?? 0;

            // The purge takes the longest prefix of the chain taken before the cutoff.
            var firstKept = Scalar(writer, transaction, "SELECT MIN(sequence) FROM consent_proofs WHERE recorded_at >= $cutoff", ("$cutoff", ProofRecordCodec.ToUnixMicroseconds(cutoff)));
            var through = firstKept is long kept ? kept - 1 : head.Sequence;
            if (through <= purgedThrough)
            {
                transaction.Commit();
                return 0;
            }

            var throughHash = through == head.Sequence
                ? head.Hash
                : Scalar(writer, transaction, "SELECT hash FROM consent_proofs WHERE sequence = $sequence", ("$sequence", through)) as string
                    ?? throw new InvalidOperationException($"Record {through} is missing, so the chain cannot be re-anchored; run VerifyAsync.");
            var deleted = Execute(writer, transaction, "DELETE FROM consent_proofs WHERE sequence <= $through", ("$through", through));
            var anchor = ProofChainAnchor.Create(lastAnchor, _timeProvider.GetUtcNow(), cutoff, through, throughHash);
            Execute(writer, transaction,
                "INSERT INTO consent_proof_anchors (sequence, created_at, cutoff, purged_through_sequence, purged_through_hash, previous_hash, hash) VALUES ($sequence, $created_at, $cutoff, $through, $through_hash, $previous_hash, $hash)",
                ("$sequence", anchor.Sequence), ("$created_at", ProofRecordCodec.ToUnixMicroseconds(anchor.CreatedAt)), ("$cutoff", ProofRecordCodec.ToUnixMicroseconds(anchor.Cutoff)),
                ("$through", through), ("$through_hash", throughHash), ("$previous_hash", anchor.PreviousHash), ("$hash", anchor.Hash));
            transaction.Commit();
            return deleted;
        }
        catch (SqliteException exception)
        {
            ResetWriter();
            throw Unavailable("purge consent proofs", exception);
        }
    }

    /// <summary>Closes the writer connection.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        ResetWriter();
        _identity?.Dispose();
        _appends.Dispose();
    }

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, T> read, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        if (!_schemaReady)
        {
            await InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            using var connection = new SqliteConnection(_connectionString);
            connection.Open();
            Execute(connection, null, $"PRAGMA busy_timeout = {_busyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture)}");
            return read(connection);
        }
        catch (SqliteException exception)
        {
            throw Unavailable("read consent proofs", exception);
        }
    }

    private SqliteConnection OpenWriter()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_writer is not null)
        {
            return _writer;
        }

        var directory = System.IO.Path.GetDirectoryName(_path);
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            Execute(connection, null, $"PRAGMA busy_timeout = {_busyTimeoutMilliseconds.ToString(CultureInfo.InvariantCulture)}");
            var journalMode = Scalar(connection, null, "PRAGMA journal_mode = WAL") as string;
            if (!string.Equals(journalMode, "wal", StringComparison.OrdinalIgnoreCase))
            {
                throw new InvalidOperationException($"SQLite refused WAL mode for '{_path}' (journal mode '{journalMode}'); the proof store needs a local file system.");
            }

            // FULL: the WAL is synced at every commit, so an acknowledged record survives a crash or power loss.
            Execute(connection, null, "PRAGMA synchronous = FULL");
            if (!_schemaReady)
            {
                CreateSchema(connection);
                _schemaReady = true;
            }

            _identity ??= new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            _writer = connection;
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static void CreateSchema(SqliteConnection connection)
    {
        using var transaction = connection.BeginTransaction(deferred: false);
        Execute(connection, transaction, """
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
                hash TEXT NOT NULL
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
            """);
        Execute(connection, transaction, "INSERT OR IGNORE INTO consent_proof_head (id, sequence, hash, recorded_at) VALUES (1, 0, $genesis, 0)", ("$genesis", ProofChain.GenesisHash));
        transaction.Commit();
    }

    /// <summary>The reason appends are refused for good (the file was deleted or replaced), or null.</summary>
    public string? FileFault => _fileFault;

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
        string? fault = null;
        if (!File.Exists(_path) || IsIdentityLost())
        {
            fault = $"The SQLite proof store '{_path}' was deleted or replaced while open; appends are refused until the file is restored and the portal restarted.";
        }

        if (fault is not null)
        {
            _fileFault = fault;
            ResetWriter();
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
            throw new ConsentProofStoreUnavailableException(fault);
        }
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
        _writer?.Dispose();
        _writer = null;
    }

    private ConsentProofStoreUnavailableException Unavailable(string action, SqliteException exception)
        => new($"The SQLite proof store '{_path}' could not {action}: {exception.Message}", exception);

    private static (long Sequence, string Hash, DateTimeOffset RecordedAt) ReadHead(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var command = CreateCommand(connection, transaction, "SELECT sequence, hash, recorded_at FROM consent_proof_head WHERE id = 1");
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            throw new InvalidOperationException("The proof store's chain head is missing: the database was altered.");
        }

        return (reader.GetInt64(0), reader.GetString(1), ProofRecordCodec.FromUnixMicroseconds(reader.GetInt64(2)));
    }

    private static List<ProofChainAnchor> ReadAnchors(SqliteConnection connection, SqliteTransaction? transaction)
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

        return anchors;
    }

    private static void InsertRecord(SqliteConnection connection, SqliteTransaction transaction, ConsentProof proof)
    {
        var content = proof.Content;
        Execute(connection, transaction,
            $"INSERT INTO consent_proofs ({RecordColumns}) VALUES ($sequence, $record_id, $recorded_at, $consent_id, $subject_key, $tenant, $timestamp, $decisions, $policy_version, $texts_hash, $locale, $channel, $user_agent_family, $ip_prefix, $previous_hash, $hash)",
            ("$sequence", proof.Sequence),
            ("$record_id", proof.RecordId),
            ("$recorded_at", ProofRecordCodec.ToUnixMicroseconds(proof.RecordedAt)),
            ("$consent_id", content.ConsentId),
            ("$subject_key", content.SubjectKey),
            ("$tenant", content.Tenant),
            ("$timestamp", ProofRecordCodec.ToUnixMicroseconds(content.Timestamp)),
            ("$decisions", ProofRecordCodec.FormatDecisions(content.Decisions)),
            ("$policy_version", content.PolicyVersion),
            ("$texts_hash", content.TextsHash),
            ("$locale", content.Locale),
            ("$channel", ConsentWireNames.Of(content.Channel)),
            ("$user_agent_family", content.UserAgentFamily),
            ("$ip_prefix", content.IpPrefix),
            ("$previous_hash", proof.PreviousHash),
            ("$hash", proof.Hash));
    }

    private static List<ConsentProof> ReadRecords(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = CreateCommand(connection, transaction, sql, parameters);
        using var reader = command.ExecuteReader();
        var records = new List<ConsentProof>();
        while (reader.Read())
        {
            records.Add(ReadRecord(reader));
        }

        return records;
    }

    private static ConsentProof ReadRecord(SqliteDataReader reader) => new()
    {
        Sequence = reader.GetInt64(0),
        RecordId = reader.GetString(1),
        RecordedAt = ProofRecordCodec.FromUnixMicroseconds(reader.GetInt64(2)),
        Content = new ConsentProofDraft
        {
            ConsentId = reader.GetString(3),
            SubjectKey = reader.IsDBNull(4) ? null : reader.GetString(4),
            Tenant = reader.IsDBNull(5) ? null : reader.GetString(5),
            Timestamp = ProofRecordCodec.FromUnixMicroseconds(reader.GetInt64(6)),
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

    private static SqliteCommand CreateCommand(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }

        return command;
    }

    private static int Execute(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = CreateCommand(connection, transaction, sql, parameters);
        return command.ExecuteNonQuery();
    }

    private static object? Scalar(SqliteConnection connection, SqliteTransaction? transaction, string sql, params (string Name, object? Value)[] parameters)
    {
        using var command = CreateCommand(connection, transaction, sql, parameters);
        var value = command.ExecuteScalar();
        return value is DBNull ? null : value;
    }
}
