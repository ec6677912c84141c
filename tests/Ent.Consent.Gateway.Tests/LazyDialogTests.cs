using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// A returning visitor's page through the gateway carries what reopens the choice and nothing more: no preference
/// dialog, no antiforgery token or cookie, no no-cache header; the dialog comes from the gateway's prefix when opened.
/// </summary>
public sealed partial class LazyDialogTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private const string Page = "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Actualités</title></head><body><h1>Actualités</h1><p>Conseils de classe.</p></body></html>";

    [Fact]
    public async Task A_returning_visitors_page_carries_no_dialog_no_token_no_antiforgery_cookie_and_no_no_cache()
    {
        await using var proxy = await PortalBehindGateway.ServePageAsync(Page);

        // First visit, for contrast: the banner's forms carry a token, which sets its cookie and forbids caching.
        using var first = await proxy.Client.SendAsync(Get("/"));
        var firstHtml = await first.Content.ReadAsStringAsync();
        Assert.Contains("data-ent-consent-banner", firstHtml, StringComparison.Ordinal);
        Assert.Matches(TokenField(), firstHtml);
        var antiforgery = first.Headers.GetValues("Set-Cookie").Single(static c => AntiforgeryCookie().IsMatch(c)).Split(';')[0];
        Assert.True(first.Headers.CacheControl is { NoCache: true, NoStore: true });
        var consent = await PortalBehindGateway.RefuseAllAsync(proxy.Client, TokenField().Match(firstHtml).Groups[1].Value, antiforgery);

        using var page = await proxy.Client.SendAsync(Get("/", consent));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("<form class=\"ec ec-manage\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"ent-consent-config\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("data-ent-consent-banner", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<dialog", html, StringComparison.Ordinal);
        Assert.DoesNotMatch(TokenField(), html);
        Assert.False(page.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(static c => AntiforgeryCookie().IsMatch(c)));
        Assert.True(page.Headers.CacheControl is { Private: true, NoCache: false, NoStore: false });
        Assert.False(page.Headers.Contains("Pragma"));
        // The widget and the page: the gateway added the head tags, the manage control and the scripts only.
        Assert.InRange(html.Length - Page.Length, 1, 6 * 1024);

        // The dialog, through the gateway's prefix, in the page's language, with the token and its cookie.
        using var dialog = await proxy.Client.SendAsync(Get(GatewayServer.Prefix + "/dialog?returnUrl=%2F&lang=en", consent));
        var dialogHtml = await dialog.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, dialog.StatusCode);
        Assert.StartsWith("<dialog class=\"ec ec-dialog\" id=\"ent-consent-preferences\"", dialogHtml, StringComparison.Ordinal);
        Assert.Contains("lang=\"en\"", dialogHtml, StringComparison.Ordinal);
        Assert.Contains($"action=\"{GatewayServer.Prefix}\"", dialogHtml, StringComparison.Ordinal);
        Assert.Matches(TokenField(), dialogHtml);
        Assert.Contains(dialog.Headers.GetValues("Set-Cookie"), static c => AntiforgeryCookie().IsMatch(c));
    }

    [Fact]
    public async Task A_placeholder_rendered_after_the_headers_left_without_an_antiforgery_cookie_leads_to_the_preferences_page()
    {
        // The frame comes after 40 KB: the gateway has written (and so started) the response before it meets it.
        var padding = string.Concat(Enumerable.Repeat("<p>Actualité du lycée, conseils de classe et sorties.</p>", 40 * 1024 / 56));
        var html = $"<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Vidéo</title></head><body>{padding}<iframe title=\"Présentation\" src=\"https://www.youtube.com/embed/x\"></iframe></body></html>";
        await using var proxy = await PortalBehindGateway.ServePageAsync(html);
        using var first = await proxy.Client.SendAsync(Get("/"));
        var firstHtml = await first.Content.ReadAsStringAsync();
        var antiforgery = first.Headers.GetValues("Set-Cookie").Single(static c => AntiforgeryCookie().IsMatch(c)).Split(';')[0];
        var consent = await PortalBehindGateway.RefuseAllAsync(proxy.Client, TokenField().Match(firstHtml).Groups[1].Value, antiforgery);

        using var page = await proxy.Client.SendAsync(Get("/", consent));
        var body = await page.Content.ReadAsStringAsync();

        var placeholder = Regex.Match(body, "<div class=\"ec ec-placeholder\" data-ent-consent-placeholder=\"youtube\".*?</div>", RegexOptions.Singleline).Value;
        Assert.Contains($"<form method=\"get\" action=\"{GatewayServer.Prefix}/preferences\"><input type=\"hidden\" name=\"returnUrl\" value=\"/\">", placeholder, StringComparison.Ordinal);
        Assert.Contains("data-ent-consent-allow=\"youtube\"", placeholder, StringComparison.Ordinal);
        Assert.DoesNotMatch(TokenField(), body);
        Assert.False(page.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(static c => AntiforgeryCookie().IsMatch(c)));

        // With the antiforgery cookie the same placeholder reuses it and posts the grant in one click.
        using var again = await proxy.Client.SendAsync(Get("/", consent + "; " + antiforgery));
        var withCookie = await again.Content.ReadAsStringAsync();
        Assert.Contains($"<form method=\"post\" action=\"{GatewayServer.Prefix}\">", withCookie, StringComparison.Ordinal);
        Assert.Matches(TokenField(), withCookie);
    }

    [Fact]
    public async Task In_chromium_manage_fetches_the_dialog_through_the_prefix_and_saving_updates_the_choice()
    {
        await using var visitor = await ReturningVisitorAsync(javaScriptEnabled: true);
        await visitor.GoToAsync("/vie-scolaire");
        await Assertions.Expect(visitor.Page.Locator("#ent-consent-preferences")).ToHaveCountAsync(0);

        var fetched = await visitor.Page.RunAndWaitForResponseAsync(
            () => visitor.Page.Locator("[data-ent-consent-action=\"open\"]").ClickAsync(),
            r => new Uri(r.Url).AbsolutePath == GatewayServer.Prefix + "/dialog");
        Assert.Equal(200, fetched.Status);
        await Assertions.Expect(visitor.Page.Locator("#ent-consent-preferences")).ToBeVisibleAsync();
        Assert.True(await visitor.Page.EvaluateAsync<bool>("() => document.getElementById('ent-consent-preferences').contains(document.activeElement)"));
        await visitor.Toggle("youtube").SetCheckedAsync(true);
        await visitor.ChooseAsync(visitor.Action("save"));
        await Assertions.Expect(visitor.Page.Locator("#ent-consent-preferences")).ToBeHiddenAsync();

        Assert.True(await visitor.IsAllowedAsync("youtube"));
        Assert.False(await visitor.IsAllowedAsync("google-analytics"));
        await Assertions.Expect(visitor.Page.Locator("iframe[data-ent-consent=\"youtube\"]")).ToHaveAttributeAsync("src", "https://www.youtube.com/embed/dQw4w9WgXcQ");
    }

    [Fact]
    public async Task Under_the_portals_strict_policy_the_dialog_is_fetched_opened_and_saved_without_a_violation()
    {
        // connect-src 'none': the gateway lets in its endpoint and the dialog's address, nothing else.
        await using var proxy = await PortalBehindGateway.ServePageAsync(Page, "default-src 'self'; script-src 'nonce-portal'; style-src 'self'; connect-src 'none'; object-src 'none'");
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = proxy.Gateway.Address.ToString(), Locale = "fr-FR" });
        try
        {
            var page = await context.NewPageAsync();
            await page.AddInitScriptAsync("window.violations = []; document.addEventListener('securitypolicyviolation', e => violations.push(e.violatedDirective + ' ' + e.blockedURI));");
            await page.GotoAsync("/");
            await page.Locator("[data-ent-consent-banner] [data-ent-consent-action=\"refuse-all\"]").ClickAsync();
            await Assertions.Expect(page.Locator("[data-ent-consent-banner]")).ToBeHiddenAsync();
            await page.ReloadAsync();
            await Assertions.Expect(page.Locator("#ent-consent-preferences")).ToHaveCountAsync(0);

            await page.Locator("[data-ent-consent-action=\"open\"]").ClickAsync();
            await Assertions.Expect(page.Locator("#ent-consent-preferences")).ToBeVisibleAsync();
            Assert.Equal("/", new Uri(page.Url).AbsolutePath);
            await page.Locator("#ent-consent-preferences input[data-ent-consent-service=\"youtube\"]").CheckAsync();
            await page.Locator("#ent-consent-preferences [data-ent-consent-action=\"save\"]").ClickAsync();
            await page.WaitForFunctionAsync("() => EntConsent.isAllowed('youtube')");
            Assert.Empty(await page.EvaluateAsync<string[]>("() => window.violations"));
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task Without_javascript_the_manage_control_leads_to_the_preferences_page_and_back()
    {
        await using var visitor = await ReturningVisitorAsync(javaScriptEnabled: false);
        await visitor.GoToAsync("/vie-scolaire");
        await Assertions.Expect(visitor.Page.Locator("#ent-consent-preferences")).ToHaveCountAsync(0);

        await visitor.Page.Locator("[data-ent-consent-action=\"open\"]").ClickAsync();
        Assert.Equal(GatewayServer.Prefix + "/preferences", new Uri(visitor.Page.Url).AbsolutePath);
        await visitor.Page.Locator("input[data-ent-consent-service=\"google-analytics\"]").SetCheckedAsync(true);
        await visitor.ChooseAsync(visitor.Page.Locator("[data-ent-consent-action=\"save\"]"));
        Assert.EndsWith("/vie-scolaire", visitor.Page.Url, StringComparison.Ordinal);
        Assert.True(await visitor.IsAllowedAsync("google-analytics"));
        Assert.False(await visitor.IsAllowedAsync("youtube"));
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

    private static HttpRequestMessage Get(string path, string? cookie = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        return request;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("^\\.AspNetCore\\.Antiforgery\\.")]
    private static partial Regex AntiforgeryCookie();
}
