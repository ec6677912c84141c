using Ent.Consent.PostgreSql;
using Ent.Consent.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ent.Consent.Cli.Tests;

/// <summary>
/// A real proof store filled by the library itself: two records six years old (past the default retention) and
/// two recent ones, then closed, so the CLI opens it as an operator would.
/// </summary>
internal abstract class FilledStore : IAsyncDisposable
{
    public static readonly DateTimeOffset Old = DateTimeOffset.UtcNow.AddYears(-6);

    public const string SubjectSecret = "a-portal-subject-key-of-at-least-32-characters";

    public static string UserSubject => ConsentSubject.Hash(SubjectSecret, "jdupont@ac-exemple.fr");

    /// <summary>The options that point the CLI at this store.</summary>
    public abstract string[] StoreArgs { get; }

    /// <summary>Changes one stored record behind the library's back.</summary>
    public abstract Task TamperAsync(long sequence);

    /// <summary>
    /// What someone with write access to the database can do: grant dnma in record <paramref name="from"/>, recompute
    /// its hash and every later record's link and hash, and move the head, so that the chain alone still verifies.
    /// </summary>
    public async Task RewriteFromAsync(long from)
    {
        var records = await ReadRecordsAsync();

        var previousHash = records.Single(r => r.Sequence == from).PreviousHash;
        foreach (var record in records.Where(r => r.Sequence >= from).OrderBy(static r => r.Sequence))
        {
            var content = record.Content;
            if (record.Sequence == from)
            {
                content = new ConsentProofDraft
                {
                    ConsentId = content.ConsentId,
                    SubjectKey = content.SubjectKey,
                    Tenant = content.Tenant,
                    Timestamp = content.Timestamp,
                    Decisions = new Dictionary<string, ConsentDecision> { ["youtube"] = ConsentDecision.Granted, ["dnma"] = ConsentDecision.Granted },
                    PolicyVersion = content.PolicyVersion,
                    TextsHash = content.TextsHash,
                    Locale = content.Locale,
                    Channel = content.Channel,
                    UserAgentFamily = content.UserAgentFamily,
                    IpPrefix = content.IpPrefix,
                };
            }

            var hash = ProofChain.ComputeRecordHash(record.Sequence, record.RecordId, record.RecordedAt, ProofChain.Normalize(content), previousHash);
            var decisions = content.Decisions["dnma"] == ConsentDecision.Granted ? "{\"dnma\":\"granted\",\"youtube\":\"granted\"}" : "{\"dnma\":\"denied\",\"youtube\":\"granted\"}";
            Assert.Equal(1, await ExecuteAsync($"UPDATE {{proofs}} SET decisions = '{decisions}', previous_hash = '{previousHash}', hash = '{hash}' WHERE sequence = {record.Sequence}"));
            previousHash = hash;
        }

        Assert.Equal(1, await ExecuteAsync($"UPDATE {{head}} SET hash = '{previousHash}' WHERE id = 1"));
    }

    /// <summary>Every record, read through the library.</summary>
    protected abstract Task<List<ConsentProof>> ReadRecordsAsync();

    protected static async Task<List<ConsentProof>> ReadRecordsAsync(IConsentProofStore store)
    {
        var records = new List<ConsentProof>();
        foreach (var id in (string[])["old-1", "old-2", "recent-1", "recent-2"])
        {
            records.AddRange(await store.ExportByConsentIdAsync(id));
        }

        return records;
    }

    /// <summary>Runs SQL on the store's database; tables are named {proofs} and {head}.</summary>
    protected abstract Task<int> ExecuteAsync(string sql);

    public abstract ValueTask DisposeAsync();

    protected static async Task FillAsync(IConsentProofStore store, FakeTimeProvider clock)
    {
        await store.AppendAsync(Draft("old-1", null, clock));
        await store.AppendAsync(Draft("old-2", UserSubject, clock));
        clock.SetUtcNow(DateTimeOffset.UtcNow);
        await store.AppendAsync(Draft("recent-1", UserSubject, clock));
        await store.AppendAsync(Draft("recent-2", "someone-else", clock));
    }

    private static ConsentProofDraft Draft(string consentId, string? subject, TimeProvider clock) => new()
    {
        ConsentId = consentId,
        SubjectKey = subject,
        Timestamp = clock.GetUtcNow(),
        Decisions = new Dictionary<string, ConsentDecision> { ["youtube"] = ConsentDecision.Granted, ["dnma"] = ConsentDecision.Denied },
        PolicyVersion = "0123456789abcdef",
        TextsHash = "fedcba9876543210fedcba9876543210",
        Locale = "fr",
        Channel = ConsentChannel.FirstLayer,
    };
}

internal sealed class FilledSqliteStore : FilledStore
{
    private readonly TempFolder _folder = new();

    private FilledSqliteStore()
    {
    }

    public string Path => _folder.File("proofs.db");

    public override string[] StoreArgs => ["--sqlite", Path];

    public static async Task<FilledSqliteStore> CreateAsync()
    {
        var filled = new FilledSqliteStore();
        var clock = new FakeTimeProvider(Old);
        using (var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = filled.Path }, clock))
        {
            await FillAsync(store, clock);
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return filled;
    }

    public override async Task TamperAsync(long sequence)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE consent_proofs SET decisions = replace(decisions, 'denied', 'granted') WHERE sequence = $sequence";
        command.Parameters.AddWithValue("$sequence", sequence);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    protected override async Task<List<ConsentProof>> ReadRecordsAsync()
    {
        using var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = Path }, TimeProvider.System);
        return await ReadRecordsAsync(store);
    }

    protected override async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql.Replace("{proofs}", "consent_proofs").Replace("{head}", "consent_proof_head");
        return await command.ExecuteNonQueryAsync();
    }

    public override ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _folder.Dispose();
        return ValueTask.CompletedTask;
    }
}

internal sealed class FilledPostgreSqlStore : FilledStore
{
    private readonly string _connectionString;

    private FilledPostgreSqlStore(string connectionString, string schema)
    {
        _connectionString = connectionString;
        Schema = schema;
    }

    public string Schema { get; }

    public override string[] StoreArgs => ["--postgres", _connectionString, "--schema", Schema];

    public static async Task<FilledPostgreSqlStore> CreateAsync()
    {
        var filled = new FilledPostgreSqlStore(Environments.RequirePostgres(), $"cli_{Guid.NewGuid():N}"[..20]);
        var clock = new FakeTimeProvider(Old);
        await using (var store = new PostgreSqlConsentProofStore(new PostgreSqlConsentProofStoreOptions { ConnectionString = filled._connectionString, Schema = filled.Schema }, clock))
        {
            await FillAsync(store, clock);
        }

        return filled;
    }

    public override async Task TamperAsync(long sequence)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand($"UPDATE {Schema}.consent_proofs SET locale = 'en' WHERE sequence = @sequence");
        command.Parameters.AddWithValue("sequence", sequence);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }

    protected override async Task<List<ConsentProof>> ReadRecordsAsync()
    {
        await using var store = new PostgreSqlConsentProofStore(new PostgreSqlConsentProofStoreOptions { ConnectionString = _connectionString, Schema = Schema, CreateSchema = false }, TimeProvider.System);
        return await ReadRecordsAsync(store);
    }

    protected override async Task<int> ExecuteAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand(sql.Replace("{proofs}", $"{Schema}.consent_proofs").Replace("{head}", $"{Schema}.consent_proof_head"));
        return await command.ExecuteNonQueryAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}
