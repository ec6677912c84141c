using System.Net;
using System.Net.Http.Json;
using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.Proofs.Tests;

/// <summary>The consent endpoint's fail-safe path with real stores: no durable proof, no grant.</summary>
public sealed class ChoiceWithRealStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-choice-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Grant_while_the_sqlite_file_is_locked_answers_503_and_sets_no_cookie_then_succeeds_once_released()
    {
        var path = Path.Combine(_folder, "proofs.db");
        await using var app = await StartAsync(s => s.AddSqliteProofStore(path, o => o.BusyTimeout = TimeSpan.FromSeconds(1)));
        var store = app.Services.GetRequiredService<IConsentProofStore>();

        HttpResponseMessage refused;
        await using (var locker = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            // Another process holds the write lock longer than the store waits.
            locker.Open();
            using var begin = locker.CreateCommand();
            begin.CommandText = "BEGIN EXCLUSIVE";
            begin.ExecuteNonQuery();
            refused = await PostAcceptAllAsync(app);
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(refused.Headers.TryGetValues("Set-Cookie", out var refusedCookies) ? refusedCookies : [], c => c.StartsWith("ent_consent=", StringComparison.Ordinal));
        Assert.Equal(0, (await store.VerifyAsync()).RecordCount);

        var accepted = await PostAcceptAllAsync(app);

        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Contains(accepted.Headers.GetValues("Set-Cookie"), c => c.StartsWith("ent_consent=", StringComparison.Ordinal));
        var verification = await store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(1, verification.RecordCount);
    }

    [Fact]
    public async Task Grant_while_postgresql_is_unreachable_answers_503_and_sets_no_cookie()
    {
        await using var app = await StartAsync(s => s.AddPostgreSqlProofStore("Host=127.0.0.1;Port=1;Username=nobody;Timeout=2"));

        var refused = await PostAcceptAllAsync(app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain(refused.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith("ent_consent=", StringComparison.Ordinal));
    }

    private static async Task<WebApplication> StartAsync(Action<EntConsentBuilder> addStore)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        addStore(builder.Services.AddEntConsent(TestPortal.Configure));
        var app = builder.Build();
        app.UseEntConsent();
        app.MapEntConsent();
        app.MapGet("/token", (HttpContext context, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(context).RequestToken!);
        await app.StartAsync();
        return app;
    }

    private static async Task<HttpResponseMessage> PostAcceptAllAsync(WebApplication app)
    {
        using var client = app.GetTestClient();
        var tokenResponse = await client.GetAsync("/token");
        tokenResponse.EnsureSuccessStatusCode();
        var cookie = string.Join("; ", tokenResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var request = new HttpRequestMessage(HttpMethod.Post, "/consent") { Content = JsonContent.Create(new { action = "accept-all" }) };
        request.Headers.Add("RequestVerificationToken", await tokenResponse.Content.ReadAsStringAsync());
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }
}
