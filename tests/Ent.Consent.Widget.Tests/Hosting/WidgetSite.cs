using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Ent.Consent.AspNetCore;
using Microsoft.Playwright;

namespace Ent.Consent.Widget.Tests;

/// <summary>
/// A portal on Kestrel (127.0.0.1) that uses the widget, a "third-party" video host on another port that counts the
/// requests it gets, and one headless Chromium shared by every browser test.
/// </summary>
public sealed class WidgetSite : IAsyncLifetime
{
    private WebApplication? _portal;
    private WebApplication? _thirdParty;
    private IPlaywright? _playwright;

    /// <summary>Paths the third party and the partner script were asked for, in order.</summary>
    public ConcurrentQueue<string> ThirdPartyRequests { get; } = new();

    public ConcurrentQueue<string> PartnerScriptRequests { get; } = new();

    public string PortalUrl { get; private set; } = string.Empty;

    public string ThirdPartyUrl { get; private set; } = string.Empty;

    public IBrowser Browser { get; private set; } = null!;

    public ConsentPolicy Policy { get; private set; } = null!;

    /// <summary>The portal's clock: real time moved by <see cref="ShiftedClock.Offset"/>.</summary>
    public ShiftedClock Clock { get; } = new();

    public async Task InitializeAsync()
    {
        _thirdParty = CreateBuilder().Build();
        _thirdParty.Use(async (context, next) =>
        {
            ThirdPartyRequests.Enqueue(context.Request.Path);
            await next(context);
        });
        _thirdParty.MapGet("/embed", () => Results.Content("<!DOCTYPE html><html lang=\"en\"><title>Video</title><p>Video player</p></html>", "text/html"));
        await _thirdParty.StartAsync();
        ThirdPartyUrl = Address(_thirdParty);

        var builder = CreateBuilder();
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Services.AddEntConsent(o => o.Policy = TestPolicies.PortalOptions()).AddWidget();
        // Names of the host's own choosing: every form and script post below must use them, not ASP.NET Core's defaults.
        builder.Services.AddAntiforgery(o =>
        {
            o.FormFieldName = "__portal_csrf";
            o.HeaderName = "X-Portal-Csrf";
        });
        builder.Services.AddRequestLocalization(o => o.SetDefaultCulture("fr").AddSupportedCultures([.. LocalizedText.BuiltInCultures]).AddSupportedUICultures([.. LocalizedText.BuiltInCultures]));
        _portal = builder.Build();
        _portal.UseRequestLocalization();
        _portal.UseEntConsent();
        _portal.MapEntConsent();
        _portal.MapEntConsentWidget();
        _portal.MapGet("/", (HttpContext context, IConsentWidget widget) => Results.Content(Page(context, widget), "text/html; charset=utf-8"));
        _portal.MapGet("/strict", (HttpContext context, IConsentWidget widget) =>
        {
            // A page under a strict Content-Security-Policy: only the nonce'd scripts and the site's own stylesheets.
            var nonce = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
            context.Response.Headers.ContentSecurityPolicy = $"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'self'; frame-src {ThirdPartyUrl}; object-src 'none'; base-uri 'none'";
            return Results.Content(StrictPage(context, widget, nonce), "text/html; charset=utf-8");
        });
        // A host that is not Razor: the server placeholder, then the embed hidden until allowed, with its src once allowed.
        _portal.MapGet("/embed", (HttpContext context, IConsentWidget widget) =>
        {
            var allowed = context.GetConsent().IsAllowed("youtube");
            return Results.Content($"""
                <!DOCTYPE html>
                <html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Vidéo</title>{widget.RenderHeadTags(context)}</head>
                <body>{widget.RenderBanner(context)}<main><h1>Vidéo</h1>
                {widget.RenderPlaceholder(context, "youtube")}<iframe title="Vidéo de présentation" data-ent-consent="youtube" data-src="{ThirdPartyUrl}/embed" {(allowed ? $"src=\"{ThirdPartyUrl}/embed\"" : "hidden")} width="560" height="315"></iframe>
                </main>{widget.RenderScriptTags(context)}</body></html>
                """, "text/html; charset=utf-8");
        });
        _portal.MapGet("/partner.js", () =>
        {
            PartnerScriptRequests.Enqueue("/partner.js");
            return Results.Text("document.cookie='ps_id=42; Path=/';localStorage.setItem('ps_queue','1');localStorage.setItem('ps_cache.a','1');localStorage.setItem('own_key','1');window.partnerRuns=(window.partnerRuns||0)+1;", "text/javascript");
        });
        _portal.MapGet("/exempt", (HttpContext context, IConsentWidget widget) => Results.Content($"""
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><title>Audience</title>{widget.RenderHeadTags(context)}</head>
            <body>{widget.RenderBanner(context)}<main><h1>Audience</h1></main>
            <script src="/exempt-tracker.js"></script>{widget.RenderScriptTags(context)}</body></html>
            """, "text/html; charset=utf-8"));
        // An exempt tracker that pushes its expiry forward on every page, once as Max-Age and once as an Expires date.
        _portal.MapGet("/exempt-tracker.js", () => Results.Text("""
            document.cookie = '_pk_id.1.aa=v; Max-Age=34128000; Path=/; SameSite=Lax';
            document.cookie = '_pk_id.1.bb=v; Expires=' + new Date(Date.now() + 395 * 864e5).toUTCString() + '; Path=/; SameSite=Lax';
            window.trackerRuns = (window.trackerRuns || 0) + 1;
            """, "text/javascript"));
        await _portal.StartAsync();
        PortalUrl = Address(_portal);
        Policy = _portal.Services.GetRequiredService<ConsentPolicy>();

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }

        if (_thirdParty is not null)
        {
            await _thirdParty.DisposeAsync();
        }
    }

    /// <summary>A fresh browser context (no cookies, French unless told otherwise) and a page in it.</summary>
    public async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.Locale ??= "fr-FR";
        var context = await Browser.NewContextAsync(options);
        return await context.NewPageAsync();
    }

    private string Page(HttpContext context, IConsentWidget widget)
    {
        var english = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";
        return $"""
            <!DOCTYPE html>
            <html lang="{(english ? "en" : "fr")}">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Portail</title>{widget.RenderHeadTags(context)}</head>
            <body>
            {widget.RenderBanner(context)}
            <header><h1>Portail de l'établissement</h1></header>
            <main>
            <p>Bienvenue sur le portail. <a href="/?page=2">Page suivante</a></p>
            <iframe title="Vidéo de présentation" data-ent-consent="youtube" data-src="{ThirdPartyUrl}/embed" width="560" height="315"></iframe>
            <script type="text/plain" data-ent-consent="partner-stats" src="/partner.js"></script>
            </main>
            <footer>{widget.RenderManageButton(context)} <a href="/consent/cookies">Cookies</a></footer>
            {widget.RenderScriptTags(context)}
            </body>
            </html>
            """;
    }

    private string StrictPage(HttpContext context, IConsentWidget widget, string nonce) => $"""
        <!DOCTYPE html>
        <html lang="fr">
        <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Page stricte</title>{widget.RenderHeadTags(context, nonce)}</head>
        <body>
        {widget.RenderBanner(context)}
        <main><h1>Page stricte</h1>
        <iframe title="Vidéo" data-ent-consent="youtube" data-src="{ThirdPartyUrl}/embed"></iframe>
        <script type="text/plain" data-ent-consent="partner-stats" nonce="{nonce}">window.inlineRuns = (window.inlineRuns || 0) + 1;</script>
        <script type="text/plain" data-ent-consent="partner-stats" src="/partner.js" nonce="{nonce}"></script>
        </main>
        <footer>{widget.RenderManageButton(context)}</footer>
        {widget.RenderScriptTags(context, nonce)}
        </body>
        </html>
        """;

    private static WebApplicationBuilder CreateBuilder()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        return builder;
    }

    private static string Address(WebApplication app)
        => app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
}

/// <summary>The system clock moved by <see cref="Offset"/>, so a test can play a visit months later.</summary>
public sealed class ShiftedClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<WidgetSite>
{
    public const string Name = "browser";
}
