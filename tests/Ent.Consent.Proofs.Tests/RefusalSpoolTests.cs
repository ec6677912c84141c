using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

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

    [Fact]
    public async Task A_grant_made_after_a_spooled_refusal_of_the_same_browser_reaches_the_chain_after_it()
    {
        // The spool's writer backs off on the portal's clock; frozen, it stays backed off until a grant wakes it.
        var app = PortalHost.Build(_folder, url: null, time: new FakeTimeProvider(DateTimeOffset.UtcNow));
        await app.StartAsync();
        using var client = app.GetTestClient();
        string refusalId;
        string consentCookie;
        await using (var locker = new SqliteConnection($"Data Source={Path.Combine(_folder, "proofs.db")};Pooling=False"))
        {
            locker.Open();
            using var begin = locker.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();
            var (refusal, consentId) = await PortalHost.ChooseAsync(client, "refuse-all");
            Assert.Equal(HttpStatusCode.OK, refusal.StatusCode);
            refusalId = consentId!;
            consentCookie = refusal.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("ent_consent=", StringComparison.Ordinal)).Split(';')[0];
            Assert.Contains(refusalId, await File.ReadAllTextAsync(Path.Combine(_folder, "data", "refusal-proofs.spool")));
            // Another browser's refusal waits in the spool too, but holds nobody else back.
            Assert.Equal(HttpStatusCode.OK, (await PortalHost.ChooseAsync(client, "refuse-all")).Response.StatusCode);
            // Longer than the store's busy timeout (1 s): the writer's first drain fails and it starts backing off.
            await Task.Delay(TimeSpan.FromSeconds(2.5));
        }

        // The store is free again, but the spool's writer is backing off: the same browser's grant must not overtake
        // its refusal.
        var (grant, grantId) = await PortalHost.ChooseAsync(client, "accept-all", consentCookie);

        Assert.Equal(HttpStatusCode.OK, grant.StatusCode);
        var store = app.Services.GetRequiredService<IConsentProofStore>();
        var proofs = (await store.ExportByConsentIdAsync(refusalId)).Concat(await store.ExportByConsentIdAsync(grantId!)).DistinctBy(p => p.Sequence).ToList();
        var refusalProof = Assert.Single(proofs, p => p.Content.Decisions.Values.All(d => d != ConsentDecision.Granted));
        var grantProof = Assert.Single(proofs, p => p.Content.Decisions.Values.Any(d => d == ConsentDecision.Granted));
        Assert.True(refusalProof.Sequence < grantProof.Sequence, $"refusal at {refusalProof.Sequence}, grant at {grantProof.Sequence}");
        await app.StopAsync();
        await app.DisposeAsync();
    }

    [Fact]
    public async Task A_second_portal_on_the_same_data_directory_stops_at_start_instead_of_sharing_the_spool()
    {
        var first = PortalHost.Build(_folder, url: null);
        await first.StartAsync();

        // The spool opens as the pipeline is built (UseEntConsent), so the second portal never starts.
        var exception = Assert.Throws<InvalidOperationException>(() => PortalHost.Build(_folder, url: null));

        Assert.Contains("in use by another process", exception.Message, StringComparison.Ordinal);
        await first.StopAsync();
        await first.DisposeAsync();

        // Once the first has stopped, the directory is free.
        var third = PortalHost.Build(_folder, url: null);
        await third.StartAsync();
        await third.StopAsync();
        await third.DisposeAsync();
    }
}
