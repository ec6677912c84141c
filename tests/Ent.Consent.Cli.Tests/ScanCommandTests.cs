using System.Text.Json;
using Ent.Portal;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.Cli.Tests;

/// <summary><c>ent-consent scan</c> in the machine's Chromium against the sample portal and a careless site.</summary>
public sealed class ScanCommandTests
{
    [ChromiumFact]
    public async Task Sample_portal_scan_finds_dnma_cookies_only_after_acceptance_and_the_audience_cookie_capped_at_13_months()
    {
        var chromium = Environments.RequireChromium();
        using var data = new TempFolder();
        await using var portal = PortalApplication.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", "Production",
            "--Portal:DataDirectory", data.Path,
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await portal.StartAsync();
        var scannedAt = DateTimeOffset.UtcNow;
        var scanning = System.Diagnostics.Stopwatch.StartNew();

        var run = await CliRun.RunAsync("scan", portal.Urls.Single(), "--pages", "2", "--config", Repository.PortalSettings, "--browser", chromium, "--json");
        var scanDuration = scanning.Elapsed;
        await portal.StopAsync();

        var scan = run.Json();
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.Equal(0, scan.GetProperty("violationCount").GetInt32());
        Assert.All(scan.GetProperty("passes").EnumerateArray().Skip(1), static pass => Assert.Equal("ent-consent", pass.GetProperty("banner").GetString()));

        foreach (var name in new[] { "xtidc", "atid" })
        {
            var cookie = Finding(scan, "cookie", name);
            Assert.Equal("dnma", cookie.GetProperty("serviceId").GetString());
            Assert.Equal(["accept-all"], cookie.GetProperty("passes").EnumerateArray().Select(static p => p.GetString()));
        }

        Assert.True(Finding(scan, "cookie", "xtidc").GetProperty("httpOnly").GetBoolean());

        // The portal's code asks for 400 days on every visit; what reaches the browser is the 13-month cap.
        var audience = Finding(scan, "cookie", "ent_audience");
        Assert.Equal("exempt-audience", audience.GetProperty("category").GetString());
        var expires = audience.GetProperty("expires").GetDateTimeOffset();
        // The cap is the first deposit's deadline, which the deposit cookie of the same response carries. Each pass is
        // a new browser with its own first deposit, and the report keeps, per cookie, the pass where it lived longest:
        // not always the same pass for both, so the two deadlines may be as far apart as the scan is long. Both went
        // through the same browser clock and the scan is timed by a stopwatch, so this holds even if the machine's wall
        // clock is stepped mid-test (the scan itself allows for that; see ScanAnalyzerTests).
        var deposit = Finding(scan, "cookie", "ent_consent_audience").GetProperty("expires").GetDateTimeOffset();
        Assert.True((expires - deposit).Duration() <= scanDuration + TimeSpan.FromSeconds(2),
            $"ent_audience expires {expires:O}, the deposit cookie {deposit:O}, the scan took {scanDuration.TotalSeconds:0.0} s");
        Assert.True(expires > scannedAt.AddDays(360) && expires < scannedAt.AddDays(399), $"ent_audience expires {expires:O}: the cap, neither a short cookie nor the 400 days asked");
    }

    [ChromiumFact]
    public async Task A_careless_site_setting_an_undeclared_cookie_before_any_choice_is_flagged_with_exit_1()
    {
        var chromium = Environments.RequireChromium();
        using var folder = new TempFolder();
        var config = folder.File("appsettings.json");
        await File.WriteAllTextAsync(config, CarelessSite.Settings);
        await using var site = await CarelessSite.StartAsync();
        var html = folder.File("report.html");

        var run = await CliRun.RunAsync("scan", site.Address, "--pages", "2", "--config", config, "--browser", chromium, "--report", html, "--json");

        Assert.True(run.ExitCode == ExitCodes.Findings, run.ToString());
        var scan = run.Json();
        var violations = scan.GetProperty("violations").EnumerateArray()
            .Select(static v => (Rule: v.GetProperty("rule").GetString(), Name: v.GetProperty("name").GetString())).ToList();
        Assert.Contains(("undeclared", "tracker_id"), violations);
        Assert.Contains(("consent-required-before-choice", "tracker_id"), violations);
        Assert.Contains(("consent-required-after-refusal", "tracker_id"), violations);
        Assert.Contains(("exempt-cookie-over-13-months", "site_audience"), violations);
        Assert.Contains(("undeclared", "localhost"), violations);
        Assert.DoesNotContain(violations, static v => v.Name == "site_session");
        Assert.All(scan.GetProperty("passes").EnumerateArray().Skip(1), static pass => Assert.Equal("generic", pass.GetProperty("banner").GetString()));
        Assert.Equal(["/", "/suite"], scan.GetProperty("passes")[0].GetProperty("pages").EnumerateArray().Select(static p => new Uri(p.GetString()!).AbsolutePath));

        var draft = scan.GetProperty("draftServices");
        var cookies = draft.EnumerateArray().SelectMany(static s => s.GetProperty("Cookies").EnumerateArray()).Select(static c => c.GetProperty("Name").GetString());
        Assert.Contains("tracker_id", cookies);
        Assert.DoesNotContain("site_audience", cookies);

        var report = await File.ReadAllTextAsync(html);
        Assert.Contains("<code>tracker_id</code>", report);
        Assert.Contains("consent-required-before-choice", report);
    }

    [ChromiumFact]
    public async Task A_site_that_does_not_answer_exits_3()
    {
        var chromium = Environments.RequireChromium();
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        var run = await CliRun.RunAsync("scan", $"http://127.0.0.1:{port}/", "--pages", "1", "--browser", chromium, "--timeout", "5");
        Assert.True(run.ExitCode == ExitCodes.Unavailable, run.ToString());
        Assert.Contains($"cannot load http://127.0.0.1:{port}/", run.Error);
    }

    [Fact]
    public async Task A_relative_address_is_a_usage_error()
    {
        var run = await CliRun.RunAsync("scan", "example.org");
        Assert.True(run.ExitCode == ExitCodes.UsageOrConfiguration, run.ToString());
        Assert.Contains("absolute http or https", run.Error);
    }

    private static JsonElement Finding(JsonElement scan, string kind, string name)
        => scan.GetProperty("findings").EnumerateArray().SingleOrDefault(f => f.GetProperty("kind").GetString() == kind && f.GetProperty("name").GetString() == name) is { ValueKind: JsonValueKind.Object } found
            ? found
            : throw new Xunit.Sdk.XunitException($"No {kind} '{name}' in {scan.GetProperty("findings")}");

    /// <summary>
    /// A site that writes what it likes before anyone chooses: an undeclared tracker, an audience cookie declared
    /// exempt but set for two years, a pixel from another host; its banner's buttons only hide the banner.
    /// </summary>
    private sealed class CarelessSite : IAsyncDisposable
    {
        public const string Settings = """
            { "EntConsent": { "Policy": {
              "Controllers": [ "Site négligent" ],
              "Services": [
                { "Id": "site", "Name": { "fr": "Session" }, "Provider": "Site", "Purpose": "essential", "Category": "Essential",
                  "LegalBasis": "Contract", "Justification": { "fr": "Session." }, "Cookies": [ { "Name": "site_session", "HttpOnly": true } ] },
                { "Id": "site-audience", "Name": { "fr": "Audience" }, "Provider": "Site", "Purpose": "audience-measurement",
                  "Category": "ExemptAudience", "LegalBasis": "LegitimateInterests", "Justification": { "fr": "Mesure exemptée." },
                  "Cookies": [ { "Name": "site_audience", "Lifetime": "P13M" } ],
                  "Exemption": { "PurposeStrictlyAudienceMeasurement": true, "NoCrossSiteTracking": true, "AnonymousStatisticsOnly": true,
                    "NoCrossReferencingOrSharing": true, "CookieLifetimeAtMost13Months": true, "DataRetentionAtMost25Months": true, "DataRetention": "P25M" } }
              ] } } }
            """;

        private readonly WebApplication _app;

        private CarelessSite(WebApplication app) => _app = app;

        public string Address => _app.Urls.Single() + "/";

        public static async Task<CarelessSite> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            var app = builder.Build();
            var site = new CarelessSite(app);
            app.Use(async (context, next) =>
            {
                context.Response.Headers.Append("Set-Cookie", "tracker_id=t-123; Max-Age=31536000; Path=/");
                context.Response.Headers.Append("Set-Cookie", "site_audience=a-1; Max-Age=63072000; Path=/");
                context.Response.Headers.Append("Set-Cookie", "site_session=s-1; Path=/; HttpOnly");
                await next(context);
            });
            app.MapGet("/pixel.gif", static () => Results.Bytes([0x47, 0x49, 0x46], "image/gif"));
            app.MapGet("/{page?}", (HttpContext context) =>
            {
                var port = new Uri(site.Address).Port;
                return Results.Content($$"""
                    <!DOCTYPE html>
                    <html lang="fr"><head><meta charset="utf-8"><title>Négligent</title></head>
                    <body>
                    <div id="cookies">Nous utilisons des cookies.
                      <button type="button" onclick="document.getElementById('cookies').remove()">Tout refuser</button>
                      <button type="button" onclick="document.getElementById('cookies').remove()">Tout accepter</button>
                    </div>
                    <p><a href="/suite">Suite</a> <a href="https://other.example/">ailleurs</a></p>
                    <img src="http://localhost:{{port}}/pixel.gif" alt="">
                    </body></html>
                    """, "text/html; charset=utf-8");
            });
            await app.StartAsync();
            return site;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
