using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// A portal whose policy is a <c>&lt;meta http-equiv="Content-Security-Policy"&gt;</c> rather than a header: the
/// gateway extends it as it extends header policies, so the widget runs under it and nothing else is let in.
/// </summary>
public sealed partial class MetaPolicyTests
{
    private const string Page = """
        <!doctype html><html lang="fr"><head><meta charset="utf-8">
        <meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'nonce-portal123'; style-src 'self'; img-src 'self' data:">
        <title>Portail</title></head>
        <body><h1>Bonjour</h1>
        <script nonce="portal123">document.body.dataset.portal = 'ran';</script>
        <script>document.body.dataset.intruder = 'ran';</script>
        </body></html>
        """;

    [Fact]
    public async Task The_meta_policy_gains_the_page_nonce_and_keeps_its_own_sources()
    {
        await using var proxy = await PortalBehindGateway.ServePageAsync(Page);

        var html = await proxy.GetPageAsync();
        var nonce = WidgetNonce().Match(html).Groups[1].Value;
        var policy = WebUtility.HtmlDecode(MetaPolicy().Match(html).Groups[1].Value);

        Assert.NotEmpty(nonce);
        Assert.Contains($"script-src 'nonce-portal123' 'nonce-{nonce}'", policy);
        Assert.StartsWith("default-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("img-src 'self' data:", policy);
        Assert.DoesNotContain("unsafe", policy);
        Assert.Single(MetaPolicy().Matches(html));
        Assert.Contains("<script>document.body.dataset.intruder = 'ran';</script>", html);
    }

    [Fact]
    public async Task In_chromium_the_widget_runs_under_the_extended_meta_policy_while_a_script_without_the_nonce_stays_blocked()
    {
        await using var proxy = await PortalBehindGateway.ServePageAsync(Page);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = proxy.Gateway.Address.ToString(), Locale = "fr-FR" });
        await context.AddInitScriptAsync("""
            window.__violations = [];
            document.addEventListener('securitypolicyviolation', e => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));
            """);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        // The preference centre opens in place only when the widget's script runs; without it the link leaves the page.
        await page.Locator("[data-ent-consent-action=\"open\"]").First.ClickAsync();
        await Assertions.Expect(page.Locator("dialog[open] input[data-ent-consent-service=\"youtube\"]")).ToBeVisibleAsync();

        var violations = await page.EvaluateAsync<string[]>("() => window.__violations");
        Assert.Equal("ran", await page.EvaluateAsync<string?>("() => document.body.dataset.portal"));
        Assert.Null(await page.EvaluateAsync<string?>("() => document.body.dataset.intruder ?? null"));
        Assert.Contains(violations, static v => v.StartsWith("script-src-elem inline", StringComparison.Ordinal));
        Assert.DoesNotContain(violations, static v => v.Contains("/.ent-consent/", StringComparison.Ordinal));
        Assert.Equal(new Uri(proxy.Gateway.Address, "/").ToString(), page.Url);
    }

    [GeneratedRegex("<meta http-equiv=\"Content-Security-Policy\" content=\"([^\"]*)\">")]
    private static partial Regex MetaPolicy();

    [GeneratedRegex("id=\"ent-consent-guard\" nonce=\"([^\"]+)\"")]
    private static partial Regex WidgetNonce();
}
