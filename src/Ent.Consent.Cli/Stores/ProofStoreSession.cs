using Ent.Consent.PostgreSql;
using Ent.Consent.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ent.Consent.Cli.Stores;

/// <summary>
/// An existing proof store, opened through the packages' public API (<see cref="IConsentProofStore"/>) for the
/// store commands. Everything the CLI knows about a store's layout is in this class: whether the store exists (so a
/// mistyped path or schema is an error, not a new empty store) and how many records a purge would take.
/// </summary>
internal sealed class ProofStoreSession : IAsyncDisposable
{
    private readonly Func<DateTimeOffset, CancellationToken, Task<long>> _countBefore;
    private readonly IAsyncDisposable _owner;

    private ProofStoreSession(IConsentProofStore store, string description, IAsyncDisposable owner, Func<DateTimeOffset, CancellationToken, Task<long>> countBefore)
    {
        Store = store;
        Description = description;
        _owner = owner;
        _countBefore = countBefore;
    }

    public IConsentProofStore Store { get; }

    /// <summary>What was opened, for messages ("SQLite file …", "PostgreSQL schema …").</summary>
    public string Description { get; }

    public static async Task<ProofStoreSession> OpenSqliteAsync(string path, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new CliUsageException($"the SQLite file '{path}' does not exist.");
        }

        var readOnly = new SqliteConnectionStringBuilder { DataSource = fullPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        await using (var connection = new SqliteConnection(readOnly))
        {
            await connection.OpenAsync(cancellationToken);
            if (!await SqliteTableExistsAsync(connection, cancellationToken))
            {
                throw new CliUsageException($"'{path}' holds no Ent.Consent proof store (no consent_proofs table).");
            }
        }

        var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = fullPath }, TimeProvider.System);
        await store.InitializeAsync(cancellationToken);
        return new ProofStoreSession(store, $"SQLite file {fullPath}", new DisposeSqlite(store), async (cutoff, ct) =>
        {
            // Instants are Unix microseconds in the SQLite layout (docs/proofs.md).
            await using var connection = new SqliteConnection(readOnly);
            await connection.OpenAsync(ct);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM consent_proofs WHERE recorded_at < $cutoff";
            command.Parameters.AddWithValue("$cutoff", (cutoff.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond);
            return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        });
    }

    public static async Task<ProofStoreSession> OpenPostgreSqlAsync(string connectionString, string schema, CancellationToken cancellationToken)
    {
        // Never create tables from an audit tool: a wrong schema name must fail, not start an empty chain.
        var options = new PostgreSqlConsentProofStoreOptions { ConnectionString = connectionString, Schema = schema, CreateSchema = false };
        var validation = new PostgreSqlConsentProofStoreOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new CliUsageException("invalid PostgreSQL options.", [.. validation.Failures]);
        }

        NpgsqlDataSource dataSource;
        try
        {
            dataSource = NpgsqlDataSource.Create(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException($"invalid PostgreSQL connection string: {e.Message}");
        }

        try
        {
            await using (var command = dataSource.CreateCommand("SELECT to_regclass(@table) IS NOT NULL"))
            {
                command.Parameters.AddWithValue("table", $"{schema}.consent_proofs");
                if (await command.ExecuteScalarAsync(cancellationToken) is not true)
                {
                    throw new CliUsageException($"the PostgreSQL database holds no Ent.Consent proof store in schema '{schema}' (no {schema}.consent_proofs table).");
                }
            }
        }
        catch (NpgsqlException e)
        {
            await dataSource.DisposeAsync();
            throw new CliUnavailableException($"cannot reach the PostgreSQL server: {e.Message}", e);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }

        var store = new PostgreSqlConsentProofStore(dataSource, options, TimeProvider.System);
        return new ProofStoreSession(store, $"PostgreSQL schema {schema}", new DisposeBoth(store, dataSource), async (cutoff, ct) =>
        {
            await using var command = dataSource.CreateCommand($"SELECT count(*) FROM {schema}.consent_proofs WHERE recorded_at < @cutoff");
            command.Parameters.AddWithValue("cutoff", ProofChain.TruncateToMicroseconds(cutoff));
            return (long)(await command.ExecuteScalarAsync(ct))!;
        });
    }

    /// <summary>How many records <see cref="IConsentProofStore.PurgeAsync"/> would delete for <paramref name="cutoff"/>.</summary>
    /// <remarks>Records are taken in chain order with a clock that never goes back, so those before a cutoff are a prefix.</remarks>
    public Task<long> CountRecordedBeforeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken) => _countBefore(cutoff, cancellationToken);

    public ValueTask DisposeAsync() => _owner.DisposeAsync();

    private static async Task<bool> SqliteTableExistsAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'consent_proofs'";
        try
        {
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) > 0;
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 26)
        {
            // SQLITE_NOTADB: some other file.
            return false;
        }
    }

    private sealed class DisposeSqlite(SqliteConsentProofStore store) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            store.Dispose();
            // Release the file at once: a script may copy or delete it right after the command.
            SqliteConnection.ClearAllPools();
            return ValueTask.CompletedTask;
        }
    }

    private sealed class DisposeBoth(PostgreSqlConsentProofStore store, NpgsqlDataSource dataSource) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await store.DisposeAsync();
            await dataSource.DisposeAsync();
        }
    }
}
