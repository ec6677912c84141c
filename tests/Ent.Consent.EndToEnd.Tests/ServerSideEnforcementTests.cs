using System.Collections.Concurrent;
using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Playwright;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>
/// Enforcement wherever a tracker writes, in a real browser: the server expires the cookies a request carries against
/// its consent (regulation.md §3 rules 1, 7, 14), and the consent-aware Content-Security-Policy stops a forgotten
/// embed of a refused service in the browser itself.
/// </summary>
public sealed class ServerSideEnforcementTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task A_refused_or_undeclared_cookie_a_script_writes_is_expired_by_the_next_response()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]"));
        // Put in the jar directly: the widget's in-page guard may refuse a document.cookie write, and the server must
        // not depend on it (an older page, another tab, a script that ran before the guard).
        var url = portal.Server.Address.ToString();
        await visitor.Context.AddCookiesAsync(
        [
            new Cookie { Name = "atid", Value = "from-a-script", Url = url },
            new Cookie { Name = "_hjid", Value = "undeclared", Url = url },
            new Cookie { Name = "xtidc", Value = "httponly", Url = url, HttpOnly = true },
        ]);

        var response = await visitor.Page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.Load });

        var setCookies = (await response!.HeaderValuesAsync("set-cookie")).ToList();
        Assert.Contains(setCookies, static h => h.StartsWith("atid=;", StringComparison.Ordinal));
        Assert.Contains(setCookies, static h => h.StartsWith("_hjid=;", StringComparison.Ordinal));
        Assert.Contains(setCookies, static h => h.StartsWith("xtidc=;", StringComparison.Ordinal));
        var cookies = await visitor.CookiesAsync();
        Assert.DoesNotContain("atid", cookies.Keys);
        Assert.DoesNotContain("_hjid", cookies.Keys);
        Assert.DoesNotContain("xtidc", cookies.Keys);
        Assert.Contains("ent_consent", cookies.Keys);
    }

    [Fact]
    public async Task After_sign_out_the_previous_users_tracker_cookies_are_gone()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.SubmitPortalFormAsync("sign-in-demo-parent");
        await visitor.AcceptAllAsync();
        await visitor.ReloadAsync();
        await visitor.WaitForCookieAsync("atid");

        await visitor.SubmitPortalFormAsync("sign-out");

        Assert.DoesNotContain("atid", (await visitor.CookiesAsync()).Keys);
        Assert.True(await visitor.Banner.IsVisibleAsync());
    }

    [Fact]
    public async Task A_forgotten_iframe_and_image_of_a_refused_service_are_blocked_by_the_browser_and_load_after_consent()
    {
        await using var thirdParty = await ThirdPartyServer.StartAsync();
        await using var site = await SiteWithForgottenEmbed.StartAsync(thirdParty.Host);
        var context = await portal.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = site.Address });
        try
        {
            var page = await context.NewPageAsync();
            await page.AddInitScriptAsync("""
                window.violations = [];
                document.addEventListener('securitypolicyviolation', e => window.violations.push(e.effectiveDirective + ' ' + e.blockedURI));
                """);

            await page.GotoAsync("/article");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

            var violations = await page.EvaluateAsync<string[]>("() => window.violations");
            Assert.Contains(violations, v => v.StartsWith("frame-src", StringComparison.Ordinal) && v.Contains(thirdParty.Host, StringComparison.Ordinal));
            Assert.Contains(violations, v => v.StartsWith("img-src", StringComparison.Ordinal) && v.Contains(thirdParty.Host, StringComparison.Ordinal));
            Assert.Empty(thirdParty.Requests);

            var grant = await page.APIRequest.PostAsync("/grant");
            Assert.True(grant.Ok, $"POST /grant answered {grant.Status}");
            await page.GotoAsync("/article");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);

            Assert.Empty(await page.EvaluateAsync<string[]>("() => window.violations"));
            Assert.Contains("/frame", thirdParty.Requests);
            Assert.Contains("/pixel", thirdParty.Requests);
            Assert.True(await page.EvaluateAsync<bool>("() => document.querySelector('img').naturalWidth === 1"));
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task The_portals_strict_nonce_policy_still_holds_beside_the_consent_aware_one_and_a_grant_brings_a_page_that_lets_its_hosts_in()
    {
        // The sample portal's own setting (appsettings.json): the consent-aware policy enforced.
        await using var server = await PortalServer.StartAsync();
        await using var visitor = await PortalVisitor.OpenAsync(portal.Browser, server.Address);
        var page = visitor.Page;

        var first = await page.GotoAsync("/");
        var policies = (await first!.HeaderValuesAsync("content-security-policy")).ToList();
        Assert.Equal(2, policies.Count);
        var nonce = policies[0].Split(' ').Single(static t => t.StartsWith("'nonce-", StringComparison.Ordinal));
        Assert.Contains(nonce, policies[1]);
        Assert.DoesNotContain("youtube", policies[1]);

        // The page's policy predates the grant and cannot be widened: the widget loads a new page rather than
        // release the YouTube frame into a policy that refuses it.
        var reloaded = await page.RunAndWaitForResponseAsync(
            () => page.Locator("[data-ent-consent-banner] [data-ent-consent-action=\"accept-all\"]").ClickAsync(),
            static r => r.Request.IsNavigationRequest && r.Request.Method == "GET");
        // The granting page never applies the grant (it reloads instead): only the new page says YouTube is allowed.
        await page.WaitForFunctionAsync("() => window.EntConsent && window.EntConsent.isAllowed('youtube') && (window.dnmaHits || 0) > 0");

        Assert.Contains("youtube", (await reloaded!.HeaderValuesAsync("content-security-policy"))[1]);
        Assert.True(await page.Locator("iframe[data-ent-consent=\"youtube\"]").First.IsVisibleAsync());
        Assert.Empty(visitor.PolicyViolations);

        // A withdrawal shrinks what may run: no new page is needed, none is loaded.
        var navigations = 0;
        page.FrameNavigated += (_, frame) => navigations += frame == page.MainFrame ? 1 : 0;
        await page.Locator("[data-ent-consent-action=\"open\"]").First.ClickAsync();
        await page.Locator("#ent-consent-preferences input[data-ent-consent-service=\"youtube\"]").UncheckAsync();
        await page.RunAndWaitForResponseAsync(
            () => page.Locator("#ent-consent-preferences button[value=\"save\"]").ClickAsync(),
            static r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/consent");
        await page.WaitForFunctionAsync("() => !window.EntConsent.isAllowed('youtube')");
        Assert.Equal(0, navigations);
        Assert.Empty(visitor.PolicyViolations);
    }

    [Fact]
    public async Task Allowing_one_embed_from_its_placeholder_brings_a_page_whose_policy_lists_its_host()
    {
        await using var server = await PortalServer.StartAsync();
        await using var visitor = await PortalVisitor.OpenAsync(portal.Browser, server.Address);
        var page = visitor.Page;

        await page.GotoAsync("/");
        await page.RunAndWaitForResponseAsync(
            () => page.Locator("[data-ent-consent-banner] [data-ent-consent-action=\"refuse-all\"]").ClickAsync(),
            static r => r.Request.Method == "POST" && new Uri(r.Url).AbsolutePath == "/consent");
        var reloaded = await page.RunAndWaitForResponseAsync(
            () => page.Locator("[data-ent-consent-allow=\"youtube\"]").First.ClickAsync(),
            static r => r.Request.IsNavigationRequest && r.Request.Method == "GET");
        await page.WaitForFunctionAsync("() => window.EntConsent && window.EntConsent.isAllowed('youtube') && document.readyState === 'complete'");

        var policy = (await reloaded!.HeaderValuesAsync("content-security-policy"))[1];
        Assert.Contains("youtube", policy);
        Assert.True(await page.Locator("iframe[data-ent-consent=\"youtube\"]").First.IsVisibleAsync());
        Assert.False(await page.EvaluateAsync<bool>("() => window.EntConsent.isAllowed('dnma')"));
        Assert.Empty(visitor.PolicyViolations);
    }

    /// <summary>A third party on 127.0.0.1 and another port: it records every request it gets.</summary>
    private sealed class ThirdPartyServer : IAsyncDisposable
    {
        private static readonly byte[] Gif = Convert.FromBase64String("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7");
        private readonly WebApplication _app;

        private ThirdPartyServer(WebApplication app, string host)
        {
            _app = app;
            Host = host;
        }

        public ConcurrentQueue<string> Requests { get; } = new();

        /// <summary><c>127.0.0.1:port</c>, as a CSP host source and as a service's declared host.</summary>
        public string Host { get; }

        public static async Task<ThirdPartyServer> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            ThirdPartyServer? server = null;
            app.Use((context, next) =>
            {
                server!.Requests.Enqueue(context.Request.Path.Value!);
                return next(context);
            });
            app.MapGet("/frame", static () => Results.Content("<p>embedded</p>", "text/html"));
            app.MapGet("/pixel", static () => Results.Bytes(Gif, "image/gif"));
            await app.StartAsync();
            server = new ThirdPartyServer(app, new Uri(app.Urls.Single()).Authority);
            return server;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }

    /// <summary>A site with the consent-aware policy and a page whose editor forgot to mark an embed and a pixel.</summary>
    private sealed class SiteWithForgottenEmbed : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private SiteWithForgottenEmbed(WebApplication app) => _app = app;

        public string Address => _app.Urls.Single();

        public static async Task<SiteWithForgottenEmbed> StartAsync(string thirdPartyHost)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddEntConsent(o =>
            {
                o.SubjectKey = "an-end-to-end-subject-key-of-32-characters";
                o.Policy.Controllers = ["Région de test"];
                o.Policy.Services =
                [
                    new ServiceDeclaration
                    {
                        Id = "videos",
                        Name = new("Vidéos", "Videos"),
                        Provider = "Vidéos SA",
                        Purpose = "video",
                        Category = ServiceCategory.ConsentRequired,
                        Hosts = [thirdPartyHost],
                    },
                ];
                o.ContentSecurityPolicy.Mode = ConsentContentSecurityPolicyMode.Enforce;
            });
            var app = builder.Build();
            app.UseEntConsent();
            app.MapGet("/article", () => Results.Content(
                $"<!doctype html><title>Article</title><p>Article</p><iframe title=\"vidéo\" src=\"http://{thirdPartyHost}/frame\"></iframe><img alt=\"\" src=\"http://{thirdPartyHost}/pixel\">",
                "text/html; charset=utf-8"));
            app.MapPost("/grant", static (HttpContext context) =>
            {
                context.Features.Get<Microsoft.AspNetCore.Http.Features.ITrackingConsentFeature>()!.GrantConsent();
                return Results.Ok();
            });
            await app.StartAsync();
            return new SiteWithForgottenEmbed(app);
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
