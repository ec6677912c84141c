using Ent.Consent.AspNetCore;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Ent.Consent.Proofs.Tests;

/// <summary>The health check both store registrations add: healthy while the chain can be written, unhealthy with the reason otherwise.</summary>
public sealed class StoreHealthTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-health-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Sqlite_store_is_healthy_then_unhealthy_once_its_file_is_deleted()
    {
        var path = Path.Combine(_folder, "proofs.db");
        using var host = BuildHost(s => s.AddSqliteProofStore(path));
        await host.StartAsync();
        var store = host.Services.GetRequiredService<IConsentProofStore>();
        await store.AppendAsync(Drafts.Choice("one"));

        var healthy = await CheckAsync(host);
        File.Delete(path);
        var deleted = await CheckAsync(host);

        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal(1L, healthy.Data["headSequence"]);
        Assert.Equal(HealthStatus.Unhealthy, deleted.Status);
        Assert.Contains("deleted or replaced", deleted.Description, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public async Task Sqlite_store_locked_by_another_process_is_unhealthy()
    {
        var path = Path.Combine(_folder, "proofs.db");
        using var host = BuildHost(s => s.AddSqliteProofStore(path, o => o.BusyTimeout = TimeSpan.FromSeconds(1)));
        await host.StartAsync();
        await using var locker = new SqliteConnection($"Data Source={path};Pooling=False");
        locker.Open();
        await using (var begin = locker.CreateCommand())
        {
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();
        }

        var locked = await CheckAsync(host);

        Assert.Equal(HealthStatus.Unhealthy, locked.Status);
        Assert.Contains("locked", locked.Description, StringComparison.OrdinalIgnoreCase);
        await host.StopAsync();
    }

    [PostgresFact]
    public async Task PostgreSql_store_is_healthy_on_a_server_that_answers()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        var connectionString = Postgres.RequireConnectionString();
        using var host = BuildHost(s => s.AddPostgreSqlProofStore(connectionString, o => o.Schema = schema));
        try
        {
            await host.StartAsync();

            var report = await CheckAsync(host);

            Assert.Equal(HealthStatus.Healthy, report.Status);
            Assert.Equal(0L, report.Data["headSequence"]);
            await host.StopAsync();
        }
        finally
        {
            await DropSchemaAsync(connectionString, schema);
        }
    }

    [Fact]
    public async Task PostgreSql_store_that_cannot_be_reached_is_unhealthy()
    {
        using var host = BuildHost(s => s.AddPostgreSqlProofStore("Host=127.0.0.1;Port=1;Username=nobody;Timeout=2"));
        await host.StartAsync();

        var report = await CheckAsync(host);

        Assert.Equal(HealthStatus.Unhealthy, report.Status);
        Assert.Contains("PostgreSQL proof store", report.Description, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [PostgresFact]
    public async Task PostgreSql_store_uses_the_data_source_the_host_registered()
    {
        var schema = "t_" + Guid.NewGuid().ToString("N");
        var connectionString = Postgres.RequireConnectionString();
        var hostDataSource = NpgsqlDataSource.Create(connectionString);
        using var host = BuildHost(s =>
        {
            s.Services.AddSingleton(hostDataSource);
            s.AddPostgreSqlProofStore(o => o.Schema = schema);
        });
        try
        {
            await host.StartAsync();
            var store = host.Services.GetRequiredService<IConsentProofStore>();

            await store.AppendAsync(Drafts.Choice("through-the-host-pool"));

            Assert.Single(await store.ExportByConsentIdAsync("through-the-host-pool"));
            Assert.Equal(HealthStatus.Healthy, (await CheckAsync(host)).Status);
            await host.StopAsync();
        }
        finally
        {
            await DropSchemaAsync(connectionString, schema);
        }
    }

    private static async Task<HealthReportEntry> CheckAsync(IHost host)
    {
        var report = await host.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Tags.Contains(ChainedProofStore.HealthCheckTag));
        return report.Entries[ChainedProofStore.HealthCheckName];
    }

    private static async Task DropSchemaAsync(string connectionString, string schema)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static IHost BuildHost(Action<EntConsentBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        configure(builder.Services.AddEntConsent(TestPortal.Configure));
        return builder.Build();
    }
}
