using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>
/// One person at one browser: a fresh context (no cookies, no storage) and a page on the portal. Every request to a
/// host other than the portal is recorded and aborted, so a test can both see and stop third-party traffic.
/// </summary>
public sealed class PortalVisitor : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _thirdPartyRequests = new();
    private readonly ConcurrentQueue<string> _policyViolations = new();

    private readonly bool _javaScriptEnabled;

    private PortalVisitor(IBrowserContext context, IPage page, bool javaScriptEnabled)
    {
        Context = context;
        Page = page;
        _javaScriptEnabled = javaScriptEnabled;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyCollection<string> ThirdPartyRequests => _thirdPartyRequests;

    /// <summary>Content-Security-Policy violations the browser reported on this visitor's pages.</summary>
    public IReadOnlyCollection<string> PolicyViolations => _policyViolations;

    /// <summary>The banner (first layer).</summary>
    public ILocator Banner => Page.Locator("[data-ent-consent-banner]");

    /// <summary>A button or link of the widget by its stable action hook, the visible one when several exist.</summary>
    public ILocator Action(string action) => Page.Locator($"[data-ent-consent-action=\"{action}\"]:visible").First;

    /// <summary>The visible toggle of a service in the preference centre.</summary>
    public ILocator Toggle(string serviceId) => Page.Locator($"input[data-ent-consent-service=\"{serviceId}\"]:visible").First;

    internal static Task<PortalVisitor> OpenAsync(PortalFixture fixture, bool javaScriptEnabled, bool globalPrivacyControl)
        => OpenAsync(fixture.Browser, fixture.Server.Address, javaScriptEnabled, globalPrivacyControl);

    /// <summary>A visitor of the portal at <paramref name="address"/>, for a test that runs a portal of its own.</summary>
    /// <param name="firstPartyDomain">A parent domain whose hosts are first party too (sibling subdomains of the portal).</param>
    internal static async Task<PortalVisitor> OpenAsync(IBrowser browser, Uri address, bool javaScriptEnabled = true, bool globalPrivacyControl = false, string? firstPartyDomain = null)
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = address.ToString(),
            Locale = "fr-FR",
            JavaScriptEnabled = javaScriptEnabled,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        };
        if (globalPrivacyControl)
        {
            options.ExtraHTTPHeaders = new Dictionary<string, string> { ["Sec-GPC"] = "1" };
        }

        var context = await browser.NewContextAsync(options);
        var page = await context.NewPageAsync();
        var visitor = new PortalVisitor(context, page, javaScriptEnabled);
        page.Console += (_, message) =>
        {
            if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                visitor._policyViolations.Enqueue(message.Text);
            }
        };
        // Any port of the portal's host is first party (a second portal node in a test runs on another port).
        var portalHost = address.Host;
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" && url.Host != portalHost && (firstPartyDomain is null || !url.Host.EndsWith("." + firstPartyDomain, StringComparison.Ordinal)))
            {
                visitor._thirdPartyRequests.Enqueue(route.Request.Url);
                await route.AbortAsync();
                return;
            }

            await route.ContinueAsync();
        });
        return visitor;
    }

    public async Task<IResponse> GoToAsync(string path = "/")
    {
        var response = await Page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.True(response is { Ok: true }, $"GET {path} answered {response?.Status}");
        return response!;
    }

    public async Task ReloadAsync()
    {
        var response = await Page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.Load });
        Assert.True(response is { Ok: true }, $"reload answered {response?.Status}");
    }

    /// <summary>Clicks a control that posts a choice and waits until the portal has answered it.</summary>
    public async Task ChooseAsync(ILocator control)
    {
        if (_javaScriptEnabled)
        {
            // The widget applies the choice in the page, or loads a new page when the page's enforced policy must let
            // newly allowed hosts in: wait for either, so that the next step does not race the widget's reload.
            await Page.EvaluateAsync("() => { window.__entChoice = 'pending'; document.addEventListener('entconsent:change', () => { window.__entChoice = 'applied'; }, { once: true }); }");
        }

        var response = await Page.RunAndWaitForResponseAsync(
            () => control.ClickAsync(),
            candidate => candidate.Request.Method == "POST" && new Uri(candidate.Url).AbsolutePath == "/consent");
        Assert.True(response.Status is 200 or 303, $"POST /consent answered {response.Status}: {await SafeTextAsync(response)}");
        if (_javaScriptEnabled)
        {
            await Page.WaitForFunctionAsync("() => window.__entChoice !== 'pending' && document.readyState === 'complete'");
        }

        await Page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>
    /// Accepts every service: from the banner, or from the preference centre when there is no banner because the
    /// signed-in account's choice, made in an earlier test of the same portal, was restored (PerUserConsent).
    /// </summary>
    public async Task AcceptAllAsync()
    {
        if (await Banner.IsVisibleAsync())
        {
            await ChooseAsync(Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));
            return;
        }

        await Action("open").ClickAsync();
        await ChooseAsync(Page.Locator("#ent-consent-preferences [data-ent-consent-action=\"accept-all\"]"));
    }

    /// <summary>Clicks a portal form button (sign-in, sign-out, language) and waits for the page it leads to.</summary>
    public async Task SubmitPortalFormAsync(string portalAction)
    {
        var response = await Page.RunAndWaitForResponseAsync(
            () => Page.Locator($"[data-portal-action=\"{portalAction}\"]").ClickAsync(),
            candidate => candidate.Request.Method == "POST" && candidate.Request.IsNavigationRequest);
        Assert.True(response.Status == 302, $"{portalAction} answered {response.Status}");
        await Page.WaitForLoadStateAsync(LoadState.Load);
    }

    public async Task<IReadOnlyDictionary<string, BrowserContextCookiesResult>> CookiesAsync()
    {
        var cookies = await Context.CookiesAsync();
        return cookies.ToDictionary(static cookie => cookie.Name, StringComparer.Ordinal);
    }

    /// <summary>
    /// When a cookie ends, to the microsecond, from Chromium's DevTools protocol: Playwright's own
    /// <see cref="BrowserContextCookiesResult.Expires"/> is a single-precision float, 128 s apart at today's dates.
    /// </summary>
    public async Task<DateTimeOffset> ExactExpiryAsync(string name)
    {
        var session = await Context.NewCDPSessionAsync(Page);
        try
        {
            var cookies = (await session.SendAsync("Network.getAllCookies"))!.Value.GetProperty("cookies");
            var cookie = cookies.EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
            return DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(cookie.GetProperty("expires").GetDouble() * 1000));
        }
        finally
        {
            await session.DetachAsync();
        }
    }

    /// <summary>Waits until a cookie exists (a script sets it after the page loaded), or fails.</summary>
    public async Task<BrowserContextCookiesResult> WaitForCookieAsync(string name)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if ((await CookiesAsync()).TryGetValue(name, out var cookie))
            {
                return cookie;
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException($"cookie {name} never appeared; cookies: {string.Join(", ", (await CookiesAsync()).Keys)}");
    }

    /// <summary>The consent state as the portal sees it for this browser (GET /consent with this browser's cookies).</summary>
    public async Task<JsonElement> ConsentStateAsync()
    {
        var response = await Context.APIRequest.GetAsync("/consent");
        Assert.Equal(200, response.Status);
        using var document = JsonDocument.Parse(await response.TextAsync());
        return document.RootElement.Clone();
    }

    /// <summary>Whether the portal lets a service run for this browser now.</summary>
    public async Task<bool> IsAllowedAsync(string serviceId)
        => (await ConsentStateAsync()).GetProperty("services").GetProperty(serviceId).GetProperty("allowed").GetBoolean();

    public async Task<int> StorageEntryCountAsync()
        => await Page.EvaluateAsync<int>("() => localStorage.length + sessionStorage.length");

    /// <summary>How many times the emulated national audience script ran on this page.</summary>
    public async Task<int> DnmaScriptRunsAsync()
        => await Page.EvaluateAsync<int>("() => window.dnmaHits || 0");

    public async ValueTask DisposeAsync() => await Context.CloseAsync();

    private static async Task<string> SafeTextAsync(IResponse response)
    {
        try
        {
            return await response.TextAsync();
        }
        catch (PlaywrightException)
        {
            return "(no body)";
        }
    }
}
