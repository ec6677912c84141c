using Microsoft.Playwright;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>
/// The portal's YouTube embed behind the placeholder the server renders: without JavaScript the page says what is
/// blocked and a plain form allows it; with JavaScript the same placeholder's button still allows it.
/// </summary>
public sealed class BlockedEmbedTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private const string Placeholder = "[data-ent-consent-placeholder=\"youtube\"]";
    private const string Frame = "iframe[data-ent-consent=\"youtube\"]";

    [Fact]
    public async Task Without_javascript_the_video_placeholder_explains_and_allows_youtube()
    {
        await using var visitor = await portal.NewVisitorAsync(javaScriptEnabled: false);
        await visitor.GoToAsync("/");

        var placeholder = visitor.Page.Locator(Placeholder);
        await Assertions.Expect(placeholder).ToBeVisibleAsync();
        await Assertions.Expect(placeholder).ToContainTextAsync("Ce contenu est hébergé par Google Ireland Ltd (YouTube), qui dépose des cookies.");
        await Assertions.Expect(placeholder.Locator("a[href^=\"/consent/preferences?returnUrl=\"]")).ToHaveTextAsync("Voir et modifier tous mes choix");
        await Assertions.Expect(visitor.Page.Locator(Frame)).ToBeHiddenAsync();
        Assert.DoesNotContain(visitor.ThirdPartyRequests, url => url.Contains("youtube.com", StringComparison.Ordinal));

        await visitor.ChooseAsync(placeholder.Locator("[data-ent-consent-allow=\"youtube\"]"));

        Assert.Equal("/", new Uri(visitor.Page.Url).AbsolutePath);
        await Assertions.Expect(visitor.Page.Locator(Placeholder)).ToHaveCountAsync(0);
        Assert.Equal("https://www.youtube.com/embed/aqz-KE-bpKQ", await visitor.Page.Locator(Frame).GetAttributeAsync("src"));
        Assert.Contains(visitor.ThirdPartyRequests, url => url.StartsWith("https://www.youtube.com/embed/", StringComparison.Ordinal));
        Assert.True(await visitor.IsAllowedAsync("youtube"));
    }

    [Fact]
    public async Task With_javascript_the_same_placeholder_still_allows_youtube()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        var placeholder = visitor.Page.Locator(Placeholder);
        await Assertions.Expect(placeholder).ToHaveCountAsync(1);

        await visitor.ChooseAsync(placeholder.Locator("[data-ent-consent-allow=\"youtube\"]"));

        await Assertions.Expect(visitor.Page.Locator(Frame)).ToBeVisibleAsync();
        await Assertions.Expect(visitor.Page.Locator(Placeholder)).ToHaveCountAsync(0);
        Assert.Equal("https://www.youtube.com/embed/aqz-KE-bpKQ", await visitor.Page.Locator(Frame).GetAttributeAsync("src"));
        Assert.True(await visitor.IsAllowedAsync("youtube"));
    }

    [Theory]
    [InlineData("ar", "rtl")]
    [InlineData("br", "ltr")]
    public async Task The_portal_offers_every_language_and_the_widget_follows(string language, string direction)
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");

        await visitor.SubmitPortalFormAsync("language-" + language);

        Assert.Equal(language, await visitor.Banner.GetAttributeAsync("lang"));
        Assert.Equal(direction, await visitor.Banner.GetAttributeAsync("dir"));
        Assert.Equal(language, await visitor.Page.Locator(Placeholder).GetAttributeAsync("lang"));
        // The portal's own pages exist in French and English: the page says it is French, the widget says its language.
        Assert.Equal("fr", await visitor.Page.Locator("html").GetAttributeAsync("lang"));
    }
}
