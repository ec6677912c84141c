using Ent.Consent.PostgreSql;
using Ent.Consent.Sqlite;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Ent.Consent.Proofs.Tests;

/// <summary>
/// A real store on a fresh database (a temporary SQLite file, or a schema of its own on PostgreSQL), with direct
/// SQL access for the tamper tests. SQL passed to <see cref="ExecuteAsync"/> names tables as {proofs}, {anchors}
/// and {head}.
/// </summary>
internal abstract class StoreHarness : IAsyncDisposable
{
    public abstract IConsentProofStore Store { get; }

    public static async Task<StoreHarness> CreateAsync(StoreKind kind, TimeProvider timeProvider)
    {
        StoreHarness harness = kind switch
        {
            StoreKind.Sqlite => new SqliteHarness(timeProvider),
            StoreKind.PostgreSql => new PostgresHarness(timeProvider),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        await harness.Store.VerifyAsync();
        return harness;
    }

    /// <summary>Another store instance on the same data: another process (SQLite) or another web node (PostgreSQL).</summary>
    public abstract IConsentProofStore OpenAnotherNode();

    /// <summary>A store that cannot take a record now, and what makes it so (disposed to end the outage).</summary>
    public abstract Task<(IConsentProofStore Store, IAsyncDisposable Outage)> OpenUnavailableAsync();

    public abstract Task<int> ExecuteAsync(string sql);

    /// <summary>The consent console's statistics and journal on <see cref="Store"/>'s data (both in one object).</summary>
    public abstract IConsentProofStatistics OpenConsoleData();

    public abstract Task<long> CountRecordsAsync();

    /// <summary>The names of the record table's partitions (PostgreSQL only).</summary>
    public virtual Task<List<string>> ListPartitionsAsync() => throw new NotSupportedException("Only the PostgreSQL store is partitioned.");

    public abstract ValueTask DisposeAsync();

    private sealed class SqliteHarness : StoreHarness
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-proofs-").FullName;
        private readonly TimeProvider _timeProvider;
        private readonly List<SqliteConsentProofStore> _stores = [];

        public SqliteHarness(TimeProvider timeProvider)
        {
            _timeProvider = timeProvider;
            Store = OpenAnotherNode();
        }

        public override IConsentProofStore Store { get; }

        private string FilePath => Path.Combine(_folder, "proofs.db");

        private SqliteConsentProofStoreOptions Options => new() { Path = FilePath, BusyTimeout = TimeSpan.FromSeconds(10) };

        public override IConsentProofStore OpenAnotherNode()
        {
            var store = new SqliteConsentProofStore(Options, _timeProvider);
            _stores.Add(store);
            return store;
        }

        public override IConsentProofStatistics OpenConsoleData() => new SqliteConsentConsoleData(_stores[0], Options);

        public override Task<(IConsentProofStore Store, IAsyncDisposable Outage)> OpenUnavailableAsync()
        {
            // Another process holds the file's write lock for longer than the store waits.
            var locker = new SqliteConnection($"Data Source={FilePath};Pooling=False");
            locker.Open();
            using (var begin = locker.CreateCommand())
            {
                begin.CommandText = "BEGIN EXCLUSIVE";
                begin.ExecuteNonQuery();
            }

            var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = FilePath, BusyTimeout = TimeSpan.FromSeconds(1) }, _timeProvider);
            _stores.Add(store);
            return Task.FromResult<(IConsentProofStore, IAsyncDisposable)>((store, new Outage(() =>
            {
                using (var rollback = locker.CreateCommand())
                {
                    rollback.CommandText = "ROLLBACK";
                    rollback.ExecuteNonQuery();
                }

                locker.Dispose();
            })));
        }

        public override async Task<int> ExecuteAsync(string sql)
        {
            await using var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
            connection.Open();
            await using var command = connection.CreateCommand();
            command.CommandText = sql.Replace("{proofs}", "consent_proofs").Replace("{anchors}", "consent_proof_anchors").Replace("{head}", "consent_proof_head");
            return await command.ExecuteNonQueryAsync();
        }

        public override async Task<long> CountRecordsAsync()
        {
            await using var connection = new SqliteConnection($"Data Source={FilePath};Pooling=False");
            connection.Open();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM consent_proofs";
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public override ValueTask DisposeAsync()
        {
            foreach (var store in _stores)
            {
                store.Dispose();
            }

            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class PostgresHarness : StoreHarness
    {
        private readonly string _connectionString = Postgres.RequireConnectionString();
        private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");
        private readonly TimeProvider _timeProvider;
        private readonly List<PostgreSqlConsentProofStore> _stores = [];

        public PostgresHarness(TimeProvider timeProvider)
        {
            _timeProvider = timeProvider;
            Store = OpenAnotherNode();
        }

        public override IConsentProofStore Store { get; }

        public string Schema => _schema;

        private PostgreSqlConsentProofStoreOptions Options => new() { ConnectionString = _connectionString, Schema = _schema };

        public override IConsentProofStore OpenAnotherNode()
        {
            var store = new PostgreSqlConsentProofStore(Options, _timeProvider);
            _stores.Add(store);
            return store;
        }

        public override IConsentProofStatistics OpenConsoleData() => new PostgreSqlConsentConsoleData(_stores[0], Options);

        public override Task<(IConsentProofStore Store, IAsyncDisposable Outage)> OpenUnavailableAsync()
        {
            // A server that does not answer: nothing listens on port 1 of the loopback address.
            var builder = new NpgsqlConnectionStringBuilder(_connectionString) { Port = 1, Timeout = 2 };
            var store = new PostgreSqlConsentProofStore(new PostgreSqlConsentProofStoreOptions { ConnectionString = builder.ToString(), Schema = _schema }, _timeProvider);
            _stores.Add(store);
            return Task.FromResult<(IConsentProofStore, IAsyncDisposable)>((store, new Outage(static () => { })));
        }

        public override async Task<int> ExecuteAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql.Replace("{proofs}", $"{_schema}.consent_proofs").Replace("{anchors}", $"{_schema}.consent_proof_anchors").Replace("{head}", $"{_schema}.consent_proof_head"), connection);
            return await command.ExecuteNonQueryAsync();
        }

        public override async Task<long> CountRecordsAsync()
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"SELECT count(*) FROM {_schema}.consent_proofs", connection);
            return (long)(await command.ExecuteScalarAsync())!;
        }

        public override async Task<List<string>> ListPartitionsAsync()
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace WHERE n.nspname = @schema AND p.relname = 'consent_proofs' ORDER BY 1",
                connection);
            command.Parameters.AddWithValue("schema", _schema);
            await using var reader = await command.ExecuteReaderAsync();
            var names = new List<string>();
            while (await reader.ReadAsync())
            {
                names.Add(reader.GetString(0));
            }

            return names;
        }

        public override async ValueTask DisposeAsync()
        {
            foreach (var store in _stores)
            {
                await store.DisposeAsync();
            }

            await ExecuteAsync($"DROP SCHEMA IF EXISTS {_schema} CASCADE");
        }
    }

    private sealed class Outage(Action end) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            end();
            return ValueTask.CompletedTask;
        }
    }
}
