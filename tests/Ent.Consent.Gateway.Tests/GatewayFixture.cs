using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Playwright;

namespace Ent.Consent.Gateway.Tests;

/// <summary>The careless Python portal, the gateway in front of it (session cookie as subject) and headless Chromium.</summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private IPlaywright? _playwright;

    public PythonPortal Portal { get; private set; } = null!;

    public GatewayServer Gateway { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}; run `bash eng/test-deps.sh install` as root.");
        }

        Portal = await PythonPortal.StartAsync();
        Gateway = await GatewayServer.StartAsync(Portal.Address, new Dictionary<string, string?> { ["Gateway:SessionCookie"] = "PORTALSESSID" });
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    public Task<Visitor> NewVisitorAsync(bool javaScriptEnabled = true, bool globalPrivacyControl = false)
        => Visitor.OpenAsync(this, javaScriptEnabled, globalPrivacyControl);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Gateway is not null)
        {
            await Gateway.DisposeAsync();
        }

        if (Portal is not null)
        {
            await Portal.DisposeAsync();
        }
    }
}

/// <summary>One person at one browser on the gateway; every request off 127.0.0.1 is recorded and aborted.</summary>
public sealed class Visitor : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _thirdParty = new();

    private Visitor(IBrowserContext context, IPage page)
    {
        Context = context;
        Page = page;
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    public IReadOnlyCollection<string> ThirdPartyRequests => _thirdParty;

    public ILocator Banner => Page.Locator("[data-ent-consent-banner]");

    public ILocator Action(string action) => Page.Locator($"[data-ent-consent-action=\"{action}\"]:visible").First;

    public ILocator Toggle(string serviceId) => Page.Locator($"input[data-ent-consent-service=\"{serviceId}\"]:visible").First;

    internal static async Task<Visitor> OpenAsync(GatewayFixture fixture, bool javaScriptEnabled, bool globalPrivacyControl)
    {
        var options = new BrowserNewContextOptions
        {
            BaseURL = fixture.Gateway.Address.ToString(),
            Locale = "fr-FR",
            JavaScriptEnabled = javaScriptEnabled,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        };
        if (globalPrivacyControl)
        {
            options.ExtraHTTPHeaders = new Dictionary<string, string> { ["Sec-GPC"] = "1" };
        }

        var context = await fixture.Browser.NewContextAsync(options);
        var page = await context.NewPageAsync();
        var visitor = new Visitor(context, page);
        await context.RouteAsync("**/*", async route =>
        {
            var url = new Uri(route.Request.Url);
            if (url.Scheme is "http" or "https" && url.Host != "127.0.0.1")
            {
                visitor._thirdParty.Enqueue(route.Request.Url);
                await route.AbortAsync();
                return;
            }

            await route.ContinueAsync();
        });
        return visitor;
    }

    public async Task GoToAsync(string path = "/")
    {
        var response = await Page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.True(response is { Ok: true }, $"GET {path} answered {response?.Status}");
    }

    public async Task ReloadAsync()
    {
        var response = await Page.ReloadAsync(new PageReloadOptions { WaitUntil = WaitUntilState.Load });
        Assert.True(response is { Ok: true }, $"reload answered {response?.Status}");
    }

    /// <summary>Clicks a control that posts a choice to the gateway and waits for its answer.</summary>
    public async Task ChooseAsync(ILocator control)
    {
        var response = await Page.RunAndWaitForResponseAsync(
            () => control.ClickAsync(),
            candidate => candidate.Request.Method == "POST" && new Uri(candidate.Url).AbsolutePath == GatewayServer.Prefix);
        Assert.True(response.Status is 200 or 303, $"POST {GatewayServer.Prefix} answered {response.Status}");
        await Page.WaitForLoadStateAsync(LoadState.Load);
    }

    /// <summary>Clicks a button of the portal's own forms (sign-in, sign-out) and waits for the page it leads to.</summary>
    public async Task SubmitPortalFormAsync(string action)
    {
        var response = await Page.RunAndWaitForResponseAsync(
            () => Page.Locator($"[data-portal-action=\"{action}\"]").ClickAsync(),
            candidate => candidate.Request.Method == "POST" && candidate.Request.IsNavigationRequest);
        Assert.Equal(302, response.Status);
        await Page.WaitForLoadStateAsync(LoadState.Load);
    }

    public async Task<IReadOnlyDictionary<string, BrowserContextCookiesResult>> CookiesAsync()
        => (await Context.CookiesAsync()).ToDictionary(static c => c.Name, StringComparer.Ordinal);

    public async Task<JsonElement> ConsentStateAsync()
    {
        var response = await Context.APIRequest.GetAsync(GatewayServer.Prefix);
        Assert.Equal(200, response.Status);
        using var document = JsonDocument.Parse(await response.TextAsync());
        return document.RootElement.Clone();
    }

    public async Task<bool> IsAllowedAsync(string serviceId)
        => (await ConsentStateAsync()).GetProperty("services").GetProperty(serviceId).GetProperty("allowed").GetBoolean();

    public async ValueTask DisposeAsync() => await Context.CloseAsync();
}
