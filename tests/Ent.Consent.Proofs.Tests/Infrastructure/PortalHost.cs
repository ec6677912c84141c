using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.Proofs.Tests;

/// <summary>A small portal on a SQLite store in <c>folder</c>: in memory for TestServer tests, or on 127.0.0.1 for crash tests.</summary>
internal static class PortalHost
{
    public static WebApplication Build(string folder, string? url, Action<EntConsentOptions>? configure = null, TimeProvider? time = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        if (url is null)
        {
            builder.WebHost.UseTestServer();
        }
        else
        {
            builder.WebHost.UseUrls(url);
        }

        builder.Logging.ClearProviders();
        if (time is not null)
        {
            builder.Services.AddSingleton(time);
        }

        builder.Services.AddDataProtection().PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(folder, "keys")));
        builder.Services.AddEntConsent(o =>
        {
            TestPortal.Configure(o);
            o.DataDirectory = Path.Combine(folder, "data");
            configure?.Invoke(o);
        }).AddSqliteProofStore(Path.Combine(folder, "proofs.db"), o => o.BusyTimeout = TimeSpan.FromSeconds(1));
        var app = builder.Build();
        app.UseEntConsent();
        app.UseRateLimiter();
        app.MapEntConsent();
        app.MapGet("/token", (HttpContext context, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(context).RequestToken!);
        app.MapGet("/", () => Results.Content("<!doctype html><title>Portail</title>", "text/html"));
        app.MapGet("/logo.png", () => Results.Bytes([0x89, 0x50, 0x4e, 0x47], "image/png"));
        return app;
    }

    /// <summary>Posts <paramref name="action"/> as a new browser would; returns the response and the choice's consent id.</summary>
    public static async Task<(HttpResponseMessage Response, string? ConsentId)> ChooseAsync(HttpClient client, string action, string? consentCookie = null)
    {
        var tokenResponse = await client.GetAsync("/token");
        tokenResponse.EnsureSuccessStatusCode();
        var cookie = string.Join("; ", tokenResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]).Append(consentCookie).OfType<string>());
        using var request = new HttpRequestMessage(HttpMethod.Post, "/consent") { Content = System.Net.Http.Json.JsonContent.Create(new { action }) };
        request.Headers.Add("RequestVerificationToken", await tokenResponse.Content.ReadAsStringAsync());
        request.Headers.Add("Cookie", cookie);
        var response = await client.SendAsync(request);
        var consent = response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(c => c.StartsWith("ent_consent=", StringComparison.Ordinal))
            : null;
        return (response, consent?.Split(';')[0].Split('.')[2]);
    }
}
