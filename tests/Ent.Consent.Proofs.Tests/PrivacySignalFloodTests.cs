using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.Proofs.Tests;

/// <summary>A flood of requests carrying <c>Sec-GPC: 1</c> writes a proof per browser, not per request.</summary>
public sealed class PrivacySignalFloodTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-flood-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Ten_thousand_cookieless_privacy_signal_requests_write_a_handful_of_proofs_and_a_genuine_refusal_is_still_recorded()
    {
        var app = PortalHost.Build(_folder, url: null);
        await app.StartAsync();
        var store = app.Services.GetRequiredService<IConsentProofStore>();
        using var client = app.GetTestClient();

        await Parallel.ForAsync(0, 10_000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            using var request = (i % 3) switch
            {
                0 => new HttpRequestMessage(HttpMethod.Get, "/logo.png") { Headers = { { "Sec-Fetch-Dest", "image" }, { "Sec-Fetch-Mode", "no-cors" } } },
                1 => new HttpRequestMessage(HttpMethod.Head, "/missing"),
                _ => new HttpRequestMessage(HttpMethod.Get, "/") { Headers = { { "Sec-Fetch-Dest", "document" }, { "Sec-Fetch-Mode", "navigate" }, { "Accept", "text/html" } } },
            };
            request.Headers.Add("Sec-GPC", "1");
            request.Headers.UserAgent.ParseAdd("Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0");
            using var response = await client.SendAsync(request);
        });

        var (refusal, consentId) = await PortalHost.ChooseAsync(client, "refuse-all");
        await app.StopAsync(); // Drains the refusal spool.

        Assert.Equal(HttpStatusCode.OK, refusal.StatusCode);
        var verification = await store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.InRange(verification.RecordCount, 2, 4);
        var proof = Assert.Single(await store.ExportByConsentIdAsync(consentId!));
        Assert.Equal(ConsentChannel.FirstLayer, proof.Content.Channel);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Privacy_signal_on_a_static_file_or_a_probe_writes_no_proof()
    {
        var app = PortalHost.Build(_folder, url: null);
        await app.StartAsync();
        using var client = app.GetTestClient();
        foreach (var (method, path) in new[] { (HttpMethod.Get, "/logo.png"), (HttpMethod.Head, "/missing"), (HttpMethod.Get, "/missing") })
        {
            using var request = new HttpRequestMessage(method, path) { Headers = { { "Sec-GPC", "1" } } };
            using var response = await client.SendAsync(request);
        }

        await app.StopAsync();
        Assert.Equal(0, (await app.Services.GetRequiredService<IConsentProofStore>().VerifyAsync()).RecordCount);
        await app.DisposeAsync();
    }

    [Fact]
    public async Task Consent_endpoint_answers_429_beyond_the_rate_limit_of_one_address()
    {
        var app = PortalHost.Build(_folder, url: null, o => o.EndpointRequestsPerMinute = 3);
        await app.StartAsync();
        using var client = app.GetTestClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            statuses.Add((await client.GetAsync("/consent")).StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
        await app.DisposeAsync();
    }
}
