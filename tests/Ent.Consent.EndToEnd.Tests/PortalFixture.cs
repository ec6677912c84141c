using Microsoft.Playwright;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>One portal and one headless Chromium per test class; each test opens its own fresh browser context.</summary>
public class PortalFixture : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;

    public PortalServer Server { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            // Never skipped: a missing browser is a broken test machine, not a passing suite.
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}; run `bash eng/test-deps.sh install` as root.");
        }

        Server = await PortalServer.StartAsync(ServerArguments());
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>Extra configuration arguments for the portal.</summary>
    protected virtual string[] ServerArguments() => [];

    /// <summary>A fresh browser (no cookies, no storage) on the portal, recording and blocking third-party requests.</summary>
    public Task<PortalVisitor> NewVisitorAsync(bool javaScriptEnabled = true, bool globalPrivacyControl = false)
        => PortalVisitor.OpenAsync(this, javaScriptEnabled, globalPrivacyControl);

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }
    }
}
