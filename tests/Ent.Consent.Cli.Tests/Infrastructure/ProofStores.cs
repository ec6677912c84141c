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

    public override ValueTask DisposeAsync()
    {
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

    public override async ValueTask DisposeAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(_connectionString);
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
        await command.ExecuteNonQueryAsync();
    }
}
