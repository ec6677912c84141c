using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// A returning visitor's page through the gateway carries what reopens the choice and nothing more: no preference
/// dialog, no antiforgery token or cookie, no no-cache header; the dialog comes from the gateway's prefix when opened.
/// </summary>
public sealed partial class LazyDialogTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Fact]
    public async Task A_returning_visitors_page_carries_no_dialog_nor_token_and_the_dialog_comes_from_the_prefix()
    {
        await using var visitor = await ReturningVisitorAsync(javaScriptEnabled: true);

        // The page as the browser gets it now: consent cookie and portal cookies, no antiforgery cookie.
        var page = await visitor.Context.APIRequest.GetAsync("/", new() { Headers = new Dictionary<string, string> { ["Accept"] = "text/html" } });
        var html = await page.TextAsync();
        Assert.Equal(200, page.Status);
        Assert.Contains("data-ent-consent-action=\"open\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-ent-consent-banner", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<dialog", html, StringComparison.Ordinal);
        Assert.DoesNotContain("__RequestVerificationToken", html, StringComparison.Ordinal);
        // The YouTube frame's placeholder, rendered while the page streams, leads to the preferences page instead.
        Assert.Contains($"<form method=\"get\" action=\"{GatewayServer.Prefix}/preferences\">", html, StringComparison.Ordinal);
        Assert.DoesNotContain(page.HeadersArray, h => h.Name.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase) && h.Value.StartsWith(".AspNetCore.Antiforgery", StringComparison.Ordinal));
        Assert.DoesNotContain(page.HeadersArray, h => h.Name.Equals("Cache-Control", StringComparison.OrdinalIgnoreCase) && NoCache().IsMatch(h.Value));
        Assert.DoesNotContain(page.HeadersArray, h => h.Name.Equals("Pragma", StringComparison.OrdinalIgnoreCase));

        await visitor.GoToAsync("/");
        await Assertions.Expect(visitor.Page.Locator("#ent-consent-preferences")).ToHaveCountAsync(0);
        var fetched = await visitor.Page.RunAndWaitForResponseAsync(
            () => visitor.Page.Locator("[data-ent-consent-action=\"open\"]").ClickAsync(),
            r => new Uri(r.Url).AbsolutePath == GatewayServer.Prefix + "/dialog");
        Assert.Equal(200, fetched.Status);
        await Assertions.Expect(visitor.Page.Locator("#ent-consent-preferences")).ToBeVisibleAsync();
        await visitor.Toggle("youtube").SetCheckedAsync(true);
        await visitor.ChooseAsync(visitor.Action("save"));
        await Assertions.Expect(visitor.Page.Locator("#ent-consent-preferences")).ToBeHiddenAsync();

        Assert.True(await visitor.IsAllowedAsync("youtube"));
        Assert.False(await visitor.IsAllowedAsync("google-analytics"));
        await Assertions.Expect(visitor.Page.Locator("iframe[data-ent-consent=\"youtube\"]")).ToHaveAttributeAsync("src", "https://www.youtube.com/embed/dQw4w9WgXcQ");
    }

    [Fact]
    public async Task Without_javascript_the_manage_control_and_the_placeholder_lead_to_the_preferences_page_and_back()
    {
        await using var visitor = await ReturningVisitorAsync(javaScriptEnabled: false);
        await visitor.GoToAsync("/vie-scolaire");

        await visitor.Page.Locator("[data-ent-consent-action=\"open\"]").ClickAsync();
        Assert.StartsWith(visitor.Page.Url[..visitor.Page.Url.IndexOf('/', 8)] + GatewayServer.Prefix + "/preferences?returnUrl=", visitor.Page.Url, StringComparison.Ordinal);
        await visitor.Page.Locator("input[data-ent-consent-service=\"google-analytics\"]").SetCheckedAsync(true);
        await visitor.ChooseAsync(visitor.Page.Locator("[data-ent-consent-action=\"save\"]"));
        Assert.EndsWith("/vie-scolaire", visitor.Page.Url, StringComparison.Ordinal);
        Assert.True(await visitor.IsAllowedAsync("google-analytics"));
        Assert.False(await visitor.IsAllowedAsync("youtube"));

        // The placeholder's button, rendered without a token, is one step longer: the preferences page, then back.
        await visitor.GoToAsync("/");
        await visitor.Page.Locator("[data-ent-consent-allow=\"youtube\"]").ClickAsync();
        await visitor.Page.Locator("input[data-ent-consent-service=\"youtube\"]").SetCheckedAsync(true);
        await visitor.ChooseAsync(visitor.Page.Locator("[data-ent-consent-action=\"save\"]"));
        Assert.True(await visitor.IsAllowedAsync("youtube"));
        Assert.Equal("https://www.youtube.com/embed/dQw4w9WgXcQ", await visitor.Page.Locator("iframe").GetAttributeAsync("src"));
    }

    /// <summary>A visitor who refused everything through the banner and comes back without the antiforgery cookie.</summary>
    private async Task<Visitor> ReturningVisitorAsync(bool javaScriptEnabled)
    {
        var visitor = await fixture.NewVisitorAsync(javaScriptEnabled);
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]"));
        await visitor.Context.ClearCookiesAsync(new() { NameRegex = AntiforgeryCookie() });
        Assert.DoesNotContain((await visitor.CookiesAsync()).Keys, static name => AntiforgeryCookie().IsMatch(name));
        Assert.False(await visitor.IsAllowedAsync("youtube"));
        return visitor;
    }

    [GeneratedRegex("^\\.AspNetCore\\.Antiforgery\\.")]
    private static partial Regex AntiforgeryCookie();

    [GeneratedRegex("no-cache|no-store", RegexOptions.IgnoreCase)]
    private static partial Regex NoCache();
}
