using System.Text.RegularExpressions;
using Ent.Consent.PostgreSql;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Ent.Consent.Proofs.Tests;

/// <summary>
/// <c>CreateSchema = false</c>: an administrator creates the tables with the DDL printed in <c>docs/proofs.md</c>, and
/// the store then runs on them without creating anything. The docs' DDL is the store's own script.
/// </summary>
public sealed partial class PostgreSqlSchemaScriptTests
{
    [Fact]
    public void The_ddl_in_the_docs_is_the_script_the_store_runs()
    {
        Assert.Equal(Normalize(PostgreSqlConsentProofStore.GetSchemaScript()), Normalize(DocumentedDdl()));
    }

    [PostgresFact]
    public async Task With_CreateSchema_false_the_store_runs_on_the_documented_ddl_and_creates_nothing()
    {
        var connectionString = Postgres.RequireConnectionString();
        var schema = "t_" + Guid.NewGuid().ToString("N");
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 8, 0, 0, TimeSpan.Zero));
        await using var admin = NpgsqlDataSource.Create(connectionString);
        try
        {
            // What the administrator runs: the docs' DDL, then the month's partition as the docs show.
            await ExecuteAsync(admin, Regex.Replace(DocumentedDdl(), @"\bent_consent\b", schema));
            await ExecuteAsync(admin, $"CREATE TABLE {schema}.consent_proofs_y2026m03 PARTITION OF {schema}.consent_proofs FOR VALUES FROM ('2026-03-01T00:00:00Z') TO ('2026-04-01T00:00:00Z')");
            await using var store = new PostgreSqlConsentProofStore(new PostgreSqlConsentProofStoreOptions { ConnectionString = connectionString, Schema = schema, CreateSchema = false }, time);

            await store.InitializeAsync();
            await store.AppendAsync(Drafts.Choice("first"));
            time.Advance(TimeSpan.FromDays(2));
            await store.AppendAsync(Drafts.Choice("second"));
            var purged = await store.PurgeAsync(time.GetUtcNow().AddDays(-1));
            var verification = await store.VerifyAsync();

            Assert.Equal(1, purged);
            Assert.True(verification.IsValid, verification.Reason);
            Assert.Equal(2, verification.HeadSequence);
            Assert.Single(await store.ExportByConsentIdAsync("second"));
            // Nothing beyond the administrator's tables and partition.
            await using var count = admin.CreateCommand("SELECT count(*) FROM pg_tables WHERE schemaname = @schema");
            count.Parameters.AddWithValue("schema", schema);
            Assert.Equal(4L, await count.ExecuteScalarAsync());
        }
        finally
        {
            await ExecuteAsync(admin, $"DROP SCHEMA IF EXISTS {schema} CASCADE");
        }
    }

    private static async Task ExecuteAsync(NpgsqlDataSource dataSource, string sql)
    {
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private static string DocumentedDdl()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "proofs.md"));
        var match = DdlBlock().Match(docs);
        Assert.True(match.Success, "docs/proofs.md has no ```sql block after <!-- postgresql-ddl -->.");
        return match.Groups[1].Value;
    }

    private static string Normalize(string sql) => Regex.Replace(sql, @"\s+", " ").Trim();

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ent.Consent.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Ent.Consent.sln not found above the test assembly.");
    }

    [GeneratedRegex(@"<!-- postgresql-ddl -->\s*```sql\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex DdlBlock();
}
