using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// The end-to-end scenarios of the sample portal (first visit, refuse, accept, withdraw, no-JavaScript form, Global
/// Privacy Control, shared computer, accessibility) played in headless Chromium against the gateway in front of the
/// careless Python portal, which knows nothing of consent: every guarantee here comes from the gateway.
/// </summary>
public sealed class CarelessPortalTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly string[] Trackers = ["_ga", "_pk_id.1.a1b2"];

    private static void AssertNoTracker(IReadOnlyDictionary<string, BrowserContextCookiesResult> cookies)
    {
        foreach (var tracker in Trackers)
        {
            Assert.DoesNotContain(tracker, cookies.Keys);
        }
    }

    [Fact]
    public async Task First_visit_shows_the_banner_stores_no_tracker_and_loads_nothing_from_third_parties()
    {
        await using var visitor = await fixture.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();
        AssertNoTracker(await visitor.CookiesAsync());
        Assert.Empty(visitor.ThirdPartyRequests);
        var frame = visitor.Page.Locator("iframe[data-ent-consent=\"youtube\"]");
        Assert.Null(await frame.GetAttributeAsync("src"));
        await Assertions.Expect(frame).ToBeHiddenAsync();
        await Assertions.Expect(visitor.Page.Locator("[data-ent-consent-placeholder=\"youtube\"]")).ToBeVisibleAsync();
        Assert.Equal("text/plain", await visitor.Page.Locator("script[data-ent-consent=\"google-analytics\"]").GetAttributeAsync("type"));
    }

    [Fact]
    public async Task Refusing_all_hides_the_banner_and_the_portal_trackers_never_reach_the_browser()
    {
        await using var visitor = await fixture.NewVisitorAsync();
        await visitor.GoToAsync("/");

        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]"));
        await visitor.ReloadAsync();
        await visitor.GoToAsync("/vie-scolaire");

        await Assertions.Expect(visitor.Banner).ToHaveCountAsync(0);
        AssertNoTracker(await visitor.CookiesAsync());
        Assert.False(await visitor.IsAllowedAsync("youtube"));
        Assert.Empty(visitor.ThirdPartyRequests);
    }

    [Fact]
    public async Task Accepting_all_releases_the_video_the_tag_and_the_portal_cookies()
    {
        await using var visitor = await fixture.NewVisitorAsync();
        await visitor.GoToAsync("/");

        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));
        await Assertions.Expect(visitor.Page.Locator("iframe[title=\"Présentation du lycée\"]")).ToHaveAttributeAsync("src", "https://www.youtube.com/embed/dQw4w9WgXcQ");
        await visitor.ReloadAsync();

        var cookies = await visitor.CookiesAsync();
        Assert.Contains("_ga", cookies.Keys);
        Assert.Contains("_pk_id.1.a1b2", cookies.Keys);
        // Allowed now, the gateway leaves the portal's markup as it is.
        Assert.Equal("https://www.youtube.com/embed/dQw4w9WgXcQ", await visitor.Page.Locator("iframe").GetAttributeAsync("src"));
        Assert.Contains(visitor.ThirdPartyRequests, static url => url.StartsWith("https://www.youtube.com/embed/", StringComparison.Ordinal));
        Assert.Contains(visitor.ThirdPartyRequests, static url => url.StartsWith("https://www.googletagmanager.com/gtag/js", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_placeholder_button_allows_youtube_alone()
    {
        await using var visitor = await fixture.NewVisitorAsync();
        await visitor.GoToAsync("/");

        await visitor.ChooseAsync(visitor.Page.Locator("[data-ent-consent-allow=\"youtube\"]"));

        await Assertions.Expect(visitor.Page.Locator("iframe[data-ent-consent=\"youtube\"]")).ToHaveAttributeAsync("src", "https://www.youtube.com/embed/dQw4w9WgXcQ");
        Assert.True(await visitor.IsAllowedAsync("youtube"));
        Assert.False(await visitor.IsAllowedAsync("google-analytics"));
    }

    [Fact]
    public async Task Withdrawing_google_analytics_expires_its_cookie_and_keeps_matomo()
    {
        await using var visitor = await fixture.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));
        await visitor.ReloadAsync();
        Assert.Contains("_ga", (await visitor.CookiesAsync()).Keys);

        await visitor.Page.Locator("[data-ent-consent-action=\"open\"]").ClickAsync();
        await visitor.Toggle("google-analytics").SetCheckedAsync(false);
        await visitor.ChooseAsync(visitor.Action("save"));
        await visitor.ReloadAsync();

        var cookies = await visitor.CookiesAsync();
        Assert.DoesNotContain("_ga", cookies.Keys);
        Assert.Contains("_pk_id.1.a1b2", cookies.Keys);
        Assert.Equal("text/plain", await visitor.Page.Locator("script[data-ent-consent=\"google-analytics\"]").GetAttributeAsync("type"));
    }

    [Fact]
    public async Task Without_javascript_the_banner_forms_post_and_come_back()
    {
        await using var visitor = await fixture.NewVisitorAsync(javaScriptEnabled: false);
        await visitor.GoToAsync("/vie-scolaire");

        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));

        Assert.EndsWith("/vie-scolaire", visitor.Page.Url, StringComparison.Ordinal);
        await Assertions.Expect(visitor.Banner).ToHaveCountAsync(0);
        Assert.Equal("https://www.youtube.com/embed/dQw4w9WgXcQ", await visitor.Page.Locator("iframe").GetAttributeAsync("src"));
    }

    [Fact]
    public async Task Global_privacy_control_keeps_every_tracker_off()
    {
        await using var visitor = await fixture.NewVisitorAsync(globalPrivacyControl: true);
        await visitor.GoToAsync("/");
        await visitor.ReloadAsync();

        Assert.False(await visitor.IsAllowedAsync("google-analytics"));
        Assert.False(await visitor.IsAllowedAsync("youtube"));
        AssertNoTracker(await visitor.CookiesAsync());
        Assert.Null(await visitor.Page.Locator("iframe[data-ent-consent=\"youtube\"]").GetAttributeAsync("src"));
    }

    [Fact]
    public async Task On_a_shared_computer_the_next_person_does_not_inherit_the_choice_nor_the_trackers()
    {
        await using var visitor = await fixture.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.SubmitPortalFormAsync("sign-in");
        await Assertions.Expect(visitor.Page.Locator("[data-portal-user]")).ToHaveTextAsync("eleve1");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));
        await visitor.ReloadAsync();
        Assert.Contains("_ga", (await visitor.CookiesAsync()).Keys);

        await visitor.SubmitPortalFormAsync("sign-out");

        // The choice was bound to that session: signed out, it no longer applies and its trackers are expired.
        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();
        AssertNoTracker(await visitor.CookiesAsync());
        Assert.False(await visitor.IsAllowedAsync("youtube"));
    }

    [Fact]
    public async Task The_page_with_the_injected_banner_has_no_axe_violation()
    {
        await using var visitor = await fixture.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();

        var result = await visitor.Page.RunAxe();

        Assert.True(result.Violations.Length == 0,
            string.Join("\n", result.Violations.Select(static v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(static n => n.Html))})")));
    }
}
