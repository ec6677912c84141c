using System.Xml.Linq;
using Ent.Consent.PostgreSql;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Ent.Consent.Proofs.Tests;

/// <summary>The Data Protection key ring in a real PostgreSQL: what one node protects, another reads.</summary>
public sealed class PostgreSqlKeyRingTests : IAsyncDisposable
{
    private readonly string _schema = "k_" + Guid.NewGuid().ToString("N");

    [PostgresFact]
    public void Payload_protected_on_one_node_is_read_on_another_sharing_the_database()
    {
        using var nodeA = Node();
        var protectedOnA = nodeA.GetRequiredService<IDataProtectionProvider>().CreateProtector("Ent.Consent.Cookie").Protect("granted:youtube");
        using var nodeB = Node();

        var readOnB = nodeB.GetRequiredService<IDataProtectionProvider>().CreateProtector("Ent.Consent.Cookie").Unprotect(protectedOnA);

        Assert.Equal("granted:youtube", readOnB);
        using var dataSource = NpgsqlDataSource.Create(Postgres.RequireConnectionString());
        Assert.Single(new PostgreSqlXmlRepository(dataSource, _schema).GetAllElements());
    }

    [PostgresFact]
    public async Task Elements_stored_at_once_by_many_writers_on_an_empty_database_are_all_kept()
    {
        await using var dataSource = NpgsqlDataSource.Create(Postgres.RequireConnectionString());
        var repositories = Enumerable.Range(0, 8).Select(_ => new PostgreSqlXmlRepository(dataSource, _schema)).ToList();

        // Each writer creates the table if missing and stores 10 elements, all at the same time.
        await Task.WhenAll(repositories.Select((repository, writer) => Task.Run(() =>
        {
            for (var i = 0; i < 10; i++)
            {
                repository.StoreElement(new XElement("key", new XAttribute("id", $"{writer}-{i}")), $"key-{writer}-{i}");
            }
        })));

        var ids = new PostgreSqlXmlRepository(dataSource, _schema).GetAllElements().Select(static e => (string)e.Attribute("id")!).ToList();
        Assert.Equal(80, ids.Count);
        Assert.Equal(80, ids.Distinct().Count());
    }

    [Fact]
    public void Unsafe_schema_name_is_refused()
    {
        using var dataSource = NpgsqlDataSource.Create("Host=127.0.0.1;Port=1");
        var error = Assert.Throws<ArgumentException>(() => new PostgreSqlXmlRepository(dataSource, "keys; DROP TABLE x"));
        Assert.Contains("The Data Protection schema", error.Message);
    }

    public async ValueTask DisposeAsync()
    {
        if (Postgres.ConnectionString is { } connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    private ServiceProvider Node()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().SetApplicationName("Ent.Portal").PersistKeysToPostgreSql(Postgres.RequireConnectionString(), _schema);
        return services.BuildServiceProvider();
    }
}
