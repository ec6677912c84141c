using Ent.Consent.AspNetCore;
using Ent.Consent.PostgreSql;
using Ent.Consent.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ent.Consent.Proofs.Tests;

/// <summary>What <c>AddSqliteProofStore</c> and <c>AddPostgreSqlProofStore</c> register and do at start-up.</summary>
public sealed class RegistrationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-registration-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Sqlite_store_creates_its_file_and_tables_when_the_host_starts()
    {
        var path = Path.Combine(_folder, "nested", "proofs.db");
        using var host = BuildHost(s => s.AddSqliteProofStore(path));

        await host.StartAsync();

        Assert.IsType<SqliteConsentProofStore>(host.Services.GetRequiredService<IConsentProofStore>());
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=False");
        connection.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('consent_proofs', 'consent_proof_anchors', 'consent_proof_head')";
        Assert.Equal(3L, await command.ExecuteScalarAsync());
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync());
        await host.StopAsync();
    }

    [Fact]
    public async Task Sqlite_store_resolves_a_relative_path_against_the_content_root_not_the_working_directory()
    {
        // A service manager starts the process wherever it likes; the proofs must stay with the application.
        var contentRoot = Directory.CreateDirectory(Path.Combine(_folder, "app")).FullName;
        using var host = BuildHost(s => s.AddSqliteProofStore(Path.Combine("App_Data", "proofs.db")), contentRoot);

        await host.StartAsync();

        var store = host.Services.GetRequiredService<SqliteConsentProofStore>();
        Assert.Equal(Path.Combine(contentRoot, "App_Data", "proofs.db"), store.Path);
        Assert.True(File.Exists(store.Path));
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "App_Data", "proofs.db")));
        await host.StopAsync();
    }

    [Fact]
    public async Task Sqlite_store_without_a_path_stops_the_host_at_start()
    {
        using var host = BuildHost(s => s.AddSqliteProofStore(" "));

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Contains("SqliteConsentProofStoreOptions.Path is required", exception.Message);
    }

    [PostgresFact]
    public async Task PostgreSql_store_creates_its_schema_when_the_host_starts()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        var connectionString = Postgres.RequireConnectionString();
        using var host = BuildHost(s => s.AddPostgreSqlProofStore(connectionString, o => o.Schema = schema));
        try
        {
            await host.StartAsync();

            Assert.IsType<PostgreSqlConsentProofStore>(host.Services.GetRequiredService<IConsentProofStore>());
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("SELECT count(*) FROM information_schema.tables WHERE table_schema = @schema", connection);
            command.Parameters.AddWithValue("schema", schema);
            // The chain's three tables and the consent console's two (admin actions, policy versions).
            Assert.Equal(5L, await command.ExecuteScalarAsync());
            await host.StopAsync();
        }
        finally
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task PostgreSql_store_that_cannot_be_reached_at_start_lets_the_host_start_and_refuses_appends()
    {
        using var host = BuildHost(s => s.AddPostgreSqlProofStore("Host=127.0.0.1;Port=1;Username=nobody;Timeout=2"));

        await host.StartAsync();

        var store = host.Services.GetRequiredService<IConsentProofStore>();
        await Assert.ThrowsAsync<ConsentProofStoreUnavailableException>(() => store.AppendAsync(Drafts.Choice()));
        await host.StopAsync();
    }

    private static IHost BuildHost(Action<EntConsentBuilder> configure, string? contentRoot = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot });
        // The unreachable-store test logs an error on purpose; keep it out of the test output.
        builder.Logging.ClearProviders();
        configure(builder.Services.AddEntConsent(TestPortal.Configure));
        return builder.Build();
    }
}
