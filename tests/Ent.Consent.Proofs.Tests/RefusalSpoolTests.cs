using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.Proofs.Tests;

/// <summary>A refusal is answered at once even with the store down; its proof waits on disk, survives a restart and reaches the store.</summary>
public sealed class RefusalSpoolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-spool-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task With_the_store_locked_a_grant_gets_503_a_refusal_is_spooled_and_a_restart_stores_it()
    {
        string refusalId;
        var app = PortalHost.Build(_folder, url: null);
        await app.StartAsync();
        await using (var locker = new SqliteConnection($"Data Source={Path.Combine(_folder, "proofs.db")};Pooling=False"))
        {
            locker.Open();
            using var begin = locker.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();
            using var client = app.GetTestClient();

            var (grant, _) = await PortalHost.ChooseAsync(client, "accept-all");
            var (refusal, consentId) = await PortalHost.ChooseAsync(client, "refuse-all");

            Assert.Equal(HttpStatusCode.ServiceUnavailable, grant.StatusCode);
            Assert.Equal(HttpStatusCode.OK, refusal.StatusCode);
            refusalId = consentId!;
            Assert.Contains(refusalId, await File.ReadAllTextAsync(Path.Combine(_folder, "data", "refusal-proofs.spool")));
            await app.StopAsync(); // The store is still locked: the proof stays on disk.
            await app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        var restarted = PortalHost.Build(_folder, url: null);
        await restarted.StartAsync();
        await restarted.StopAsync();
        var store = restarted.Services.GetRequiredService<IConsentProofStore>();
        var proof = Assert.Single(await store.ExportByConsentIdAsync(refusalId));
        Assert.All(proof.Content.Decisions.Values, d => Assert.Equal(ConsentDecision.Denied, d));
        Assert.True((await store.VerifyAsync()).IsValid);
        Assert.Equal(0, new FileInfo(Path.Combine(_folder, "data", "refusal-proofs.spool")).Length);
        await restarted.DisposeAsync();
    }
}
