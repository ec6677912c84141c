using Microsoft.Playwright;

namespace Ent.Consent.Widget.Tests;

/// <summary>
/// The placeholder rendered on the server (<see cref="IConsentWidget.RenderPlaceholder"/>): without JavaScript the page
/// says what is blocked and allows it through a plain form; with JavaScript the script reuses it and swaps the embed in
/// place, without a new page.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ServerPlaceholderTests(WidgetSite site)
{
    private const string Placeholder = "[data-ent-consent-placeholder=youtube]";
    private const string Frame = "iframe[data-ent-consent=youtube]";

    [Fact]
    public async Task Without_javascript_the_page_explains_the_blocked_video_and_its_form_allows_it()
    {
        var before = site.ThirdPartyRequests.Count;
        var page = await site.NewPageAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        await page.GotoAsync(site.PortalUrl + "/embed?culture=en&ui-culture=en");

        var placeholder = page.Locator(Placeholder);
        await Assertions.Expect(placeholder).ToBeVisibleAsync();
        await Assertions.Expect(placeholder).ToContainTextAsync("This content is hosted by Google Ireland Ltd (YouTube), which sets cookies. It is shown only with your agreement.");
        await Assertions.Expect(placeholder).ToContainTextAsync("Playing embedded YouTube videos.");
        await Assertions.Expect(page.Locator(Frame)).ToBeHiddenAsync();
        var preferences = placeholder.GetByRole(AriaRole.Link, new() { Name = "See and change all my choices" });
        Assert.Equal("/consent/preferences?returnUrl=%2Fembed%3Fculture%3Den%26ui-culture%3Den", await preferences.GetAttributeAsync("href"));
        Assert.Equal(before, site.ThirdPartyRequests.Count);

        // The form posts, the server answers 303, the browser loads the page again.
        await page.RunAndWaitForResponseAsync(
            () => placeholder.GetByRole(AriaRole.Button, new() { Name = "Allow YouTube" }).ClickAsync(),
            r => r.Request.Method == "GET" && r.Request.IsNavigationRequest && new Uri(r.Url).AbsolutePath == "/embed");
        await page.WaitForLoadStateAsync(LoadState.Load);

        // Back on the page it came from, the embed is written with its address: it loads without script.
        Assert.EndsWith("/embed?culture=en&ui-culture=en", page.Url);
        await Assertions.Expect(page.Locator(Placeholder)).ToHaveCountAsync(0);
        await Assertions.Expect(page.Locator(Frame)).ToBeVisibleAsync();
        Assert.Equal(site.ThirdPartyUrl + "/embed", await page.Locator(Frame).GetAttributeAsync("src"));
        Assert.True(site.ThirdPartyRequests.Count > before, "The video host was not asked for the embed once allowed.");
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "ent_consent");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Without_javascript_the_link_opens_the_preferences_page_and_comes_back()
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        await page.GotoAsync(site.PortalUrl + "/embed");
        await page.Locator(Placeholder).GetByRole(AriaRole.Link, new() { Name = "Voir et modifier tous mes choix" }).ClickAsync();

        await Assertions.Expect(page.Locator("#ent-consent-preferences-title")).ToHaveTextAsync("Préférences de cookies");
        await page.Locator("input[data-ent-consent-service=youtube]").CheckAsync();
        await page.RunAndWaitForResponseAsync(
            () => page.Locator("[data-ent-consent-action=save]").First.ClickAsync(),
            r => r.Request.Method == "GET" && r.Request.IsNavigationRequest && new Uri(r.Url).AbsolutePath == "/embed");
        await page.GotoAsync(site.PortalUrl + "/embed");
        await Assertions.Expect(page.Locator(Frame)).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task With_javascript_the_script_reuses_the_server_placeholder_and_allows_in_place()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl + "/embed");
        await Assertions.Expect(page.Locator(Placeholder)).ToHaveCountAsync(1);
        await page.EvaluateAsync("() => window.samePage = true");

        await page.Locator(Placeholder).GetByRole(AriaRole.Button, new() { Name = "Autoriser YouTube" }).ClickAsync();

        await Assertions.Expect(page.Locator(Frame)).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator(Placeholder)).ToHaveCountAsync(0);
        Assert.Equal(site.ThirdPartyUrl + "/embed", await page.Locator(Frame).GetAttributeAsync("src"));
        Assert.True(await page.EvaluateAsync<bool>("() => window.samePage === true"), "Allowing reloaded the page: the form was submitted as well as posted by the script.");
        await page.Context.CloseAsync();
    }
}
