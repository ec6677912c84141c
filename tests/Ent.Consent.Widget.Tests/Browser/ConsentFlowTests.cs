using System.Text.Json;
using Microsoft.Playwright;

namespace Ent.Consent.Widget.Tests;

[Collection(BrowserCollection.Name)]
public sealed class ConsentFlowTests(WidgetSite site)
{
    private const string Banner = "[data-ent-consent-banner]";
    private const string Dialog = "#ent-consent-preferences";

    [Theory]
    [InlineData(1280, 800)]
    [InlineData(640, 800)]
    [InlineData(320, 640)]
    public async Task Accept_and_refuse_boxes_are_equal_within_ten_percent(int width, int height)
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height } });
        await page.GotoAsync(site.PortalUrl);
        var accept = await page.Locator($"{Banner} [data-ent-consent-action=accept-all]").BoundingBoxAsync();
        var refuse = await page.Locator($"{Banner} [data-ent-consent-action=refuse-all]").BoundingBoxAsync();
        Assert.NotNull(accept);
        Assert.NotNull(refuse);
        Assert.InRange(refuse.Width / accept.Width, 0.9, 1.1);
        Assert.InRange(refuse.Height / accept.Height, 0.9, 1.1);
        var styles = await page.EvaluateAsync<string[]>(@"() => ['accept-all', 'refuse-all'].map(a => {
            const s = getComputedStyle(document.querySelector(`[data-ent-consent-banner] [data-ent-consent-action=${a}]`));
            return [s.fontSize, s.fontWeight, s.color, s.backgroundColor, s.borderTopWidth, s.paddingTop].join('|'); })");
        Assert.Equal(styles[0], styles[1]);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Nothing_consent_required_runs_or_loads_before_a_choice_nor_on_escape_scroll_or_reload()
    {
        var thirdPartyBefore = site.ThirdPartyRequests.Count;
        var partnerBefore = site.PartnerScriptRequests.Count;
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        await page.Keyboard.PressAsync("Escape");
        await page.Mouse.WheelAsync(0, 2000);
        await page.ClickAsync("[data-ent-consent-banner] [data-ent-consent-action=customize]");
        // The dialog is fetched when opened: Escape once it is there.
        await Assertions.Expect(page.Locator(Dialog)).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator(Dialog)).ToBeHiddenAsync();
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(Banner)).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-ent-consent-placeholder=youtube]")).ToBeVisibleAsync();
        Assert.Equal(thirdPartyBefore, site.ThirdPartyRequests.Count);
        Assert.Equal(partnerBefore, site.PartnerScriptRequests.Count);
        Assert.Null(await page.EvaluateAsync<int?>("() => window.partnerRuns ?? null"));
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "ent_consent");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Blocked_iframe_loads_only_after_its_service_is_allowed_from_its_placeholder()
    {
        // Tests of this collection run one after another, so the third party's request log grows only by this test.
        var before = site.ThirdPartyRequests.Count;
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        await page.ClickAsync($"{Banner} [data-ent-consent-action=refuse-all]");
        await Assertions.Expect(page.Locator(Banner)).ToBeHiddenAsync();
        var placeholder = page.Locator("[data-ent-consent-placeholder=youtube]");
        await Assertions.Expect(placeholder).ToContainTextAsync("hébergé par Google Ireland Ltd (YouTube)");
        Assert.Equal(before, site.ThirdPartyRequests.Count);

        await placeholder.GetByRole(AriaRole.Button, new() { Name = "Autoriser YouTube" }).ClickAsync();
        var frame = page.FrameLocator("iframe[data-ent-consent=youtube]");
        await Assertions.Expect(frame.Locator("p")).ToHaveTextAsync("Video player");
        await Assertions.Expect(placeholder).ToHaveCountAsync(0);
        Assert.Equal("/embed", site.ThirdPartyRequests.Skip(before).First());
        Assert.True(await page.EvaluateAsync<bool>("() => EntConsent.isAllowed('youtube') && !EntConsent.isAllowed('dailymotion')"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Accept_all_runs_the_blocked_script_once_and_announces_the_change_without_reload()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        await page.EvaluateAsync("() => { window.changes = []; document.addEventListener('entconsent:change', e => changes.push(e.detail)); window.marker = 1; }");
        await page.ClickAsync($"{Banner} [data-ent-consent-action=accept-all]");
        await Assertions.Expect(page.Locator(Banner)).ToBeHiddenAsync();
        await page.WaitForFunctionAsync("() => window.partnerRuns === 1");
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.marker"));
        var change = await page.EvaluateAsync<JsonElement>("() => changes[0]");
        Assert.False(change.GetProperty("pending").GetBoolean());
        Assert.Equal("granted", change.GetProperty("services").GetProperty("youtube").GetProperty("decision").GetString());
        var cookie = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "ent_consent");
        Assert.StartsWith("1." + site.Policy.Version + ".", Uri.UnescapeDataString(cookie.Value));

        await page.ReloadAsync();
        await Assertions.Expect(page.Locator(Banner)).ToHaveCountAsync(0);
        await page.WaitForFunctionAsync("() => window.partnerRuns === 1");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Elements_added_later_are_blocked_and_then_released_too()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        await page.EvaluateAsync($"() => {{ const f = document.createElement('iframe'); f.title = 'Late'; f.id = 'late'; f.dataset.entConsent = 'dailymotion'; f.dataset.src = '{site.ThirdPartyUrl}/embed?late'; document.querySelector('main').appendChild(f); }}");
        await Assertions.Expect(page.Locator("[data-ent-consent-placeholder=dailymotion]")).ToBeVisibleAsync();
        Assert.Null(await page.GetAttributeAsync("#late", "src"));
        await page.ClickAsync($"{Banner} [data-ent-consent-action=accept-all]");
        await Assertions.Expect(page.Locator("#late")).ToHaveAttributeAsync("src", site.ThirdPartyUrl + "/embed?late");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Withdrawal_deletes_the_service_cookies_and_storage_keys_script_can_reach_and_blocks_the_frame_again()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        await page.ClickAsync($"{Banner} [data-ent-consent-action=accept-all]");
        await page.WaitForFunctionAsync("() => window.partnerRuns === 1");
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == "ps_id");

        await page.ClickAsync("[data-ent-consent-action=open]");
        await page.UncheckAsync($"{Dialog} input[data-ent-consent-service=partner-stats]");
        await page.UncheckAsync($"{Dialog} input[data-ent-consent-service=youtube]");
        await page.ClickAsync($"{Dialog} [data-ent-consent-action=save]");
        await Assertions.Expect(page.Locator(Dialog)).ToBeHiddenAsync();

        await page.WaitForFunctionAsync("() => !EntConsent.isAllowed('partner-stats')");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), c => c.Name == "ps_id");
        Assert.Equal(["own_key"], await page.EvaluateAsync<string[]>("() => Object.keys(localStorage)"));
        await Assertions.Expect(page.Locator("[data-ent-consent-placeholder=youtube]")).ToBeVisibleAsync();
        Assert.Null(await page.GetAttributeAsync("iframe[data-ent-consent=youtube]", "src"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Keyboard_alone_refuses_reopens_grants_one_service_and_focus_follows()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        Assert.Equal("ent-consent-banner", await ActiveId(page));

        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("accept-all", await ActiveAction(page));
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("refuse-all", await ActiveAction(page));
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(Banner)).ToBeHiddenAsync();
        Assert.Equal("open", await ActiveAction(page));

        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(Dialog)).ToBeVisibleAsync();
        Assert.True(await page.EvaluateAsync<bool>("() => document.getElementById('ent-consent-preferences').contains(document.activeElement)"));
        for (var i = 0; i < 40 && await ActiveId(page) != "ent-consent-service-youtube"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        Assert.Equal("ent-consent-service-youtube", await ActiveId(page));
        await page.Keyboard.PressAsync("Space");
        for (var i = 0; i < 40 && await ActiveAction(page) != "save"; i++)
        {
            await page.Keyboard.PressAsync("Tab");
        }

        var outline = await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle");
        Assert.Equal("solid", outline);
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(Dialog)).ToBeHiddenAsync();
        await page.WaitForFunctionAsync("() => EntConsent.isAllowed('youtube')");
        Assert.Equal("open", await ActiveAction(page));
        Assert.False(await page.EvaluateAsync<bool>("() => EntConsent.isAllowed('dailymotion')"));

        // Not trapped once closed: Tab leaves the control for the rest of the page.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("A", await page.EvaluateAsync<string>("() => document.activeElement.tagName"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Closing_the_preference_centre_returns_focus_to_the_button_that_opened_it()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        await page.FocusAsync($"{Banner} [data-ent-consent-action=customize]");
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(Dialog)).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.Locator(Dialog)).ToBeHiddenAsync();
        Assert.Equal("customize", await ActiveAction(page));
        Assert.True(await page.EvaluateAsync<bool>("() => EntConsent.state.pending"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Without_javascript_the_forms_post_and_bring_the_user_back()
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        await page.GotoAsync(site.PortalUrl + "/?page=2");
        await page.ClickAsync($"{Banner} [data-ent-consent-action=refuse-all]");
        Assert.Equal(site.PortalUrl + "/?page=2", page.Url);
        await Assertions.Expect(page.Locator(Banner)).ToHaveCountAsync(0);
        Assert.Contains("youtube:d", Uri.UnescapeDataString(Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "ent_consent").Value));

        await page.ClickAsync("[data-ent-consent-action=open]");
        Assert.StartsWith(site.PortalUrl + "/consent/preferences?returnUrl=", page.Url);
        await Assertions.Expect(page.Locator("input[data-ent-consent-service=youtube]")).Not.ToBeCheckedAsync();
        await page.CheckAsync("input[data-ent-consent-service=youtube]");
        await page.ClickAsync("[data-ent-consent-action=save]");
        Assert.Equal(site.PortalUrl + "/?page=2", page.Url);
        var cookie = Uri.UnescapeDataString(Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "ent_consent").Value);
        Assert.Contains("youtube:g", cookie);
        Assert.Contains("dailymotion:d", cookie);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Without_javascript_customize_opens_the_preferences_page_and_saving_there_comes_back()
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        await page.GotoAsync(site.PortalUrl);
        await page.ClickAsync($"{Banner} [data-ent-consent-action=customize]");
        Assert.Equal(site.PortalUrl + "/consent/preferences?returnUrl=%2F", page.Url);
        await Assertions.Expect(page.Locator("input[data-ent-consent-service=matomo-exempt]")).ToBeCheckedAsync();
        await page.UncheckAsync("input[data-ent-consent-service=matomo-exempt]");
        await page.ClickAsync("[data-ent-consent-action=save]");
        Assert.Equal(site.PortalUrl + "/", page.Url);
        await Assertions.Expect(page.Locator(Banner)).ToHaveCountAsync(0);
        Assert.Contains("matomo-exempt:d", Uri.UnescapeDataString(Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "ent_consent").Value));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Cookie_page_is_one_link_away_offers_the_audience_opt_out_and_leads_back()
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { JavaScriptEnabled = false });
        await page.GotoAsync(site.PortalUrl + "/?page=2");
        await page.ClickAsync($"{Banner} .ec-more a");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Cookies et traceurs");
        await Assertions.Expect(page.Locator("#ent-consent-about-partner-stats")).ToHaveTextAsync("Statistiques de l'éditeur partenaire");
        var optOut = page.Locator("input[data-ent-consent-service=matomo-exempt]");
        await Assertions.Expect(optOut).ToBeCheckedAsync();
        await optOut.UncheckAsync();
        await page.Locator(".ec-optout [data-ent-consent-action=save]").ClickAsync();
        Assert.StartsWith(site.PortalUrl + "/consent/cookies", page.Url);
        await Assertions.Expect(page.Locator("input[data-ent-consent-service=matomo-exempt]")).Not.ToBeCheckedAsync();
        Assert.Contains("matomo-exempt:d", Uri.UnescapeDataString(Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "ent_consent").Value));
        await page.ClickAsync(".ec-back a");
        Assert.Equal(site.PortalUrl + "/?page=2", page.Url);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(320, 640, 1)]
    [InlineData(640, 400, 2)]
    public async Task Banner_and_preference_centre_reflow_at_320_pixels_and_200_percent_zoom(int width, int height, float scale)
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = height }, DeviceScaleFactor = scale });
        await page.GotoAsync(site.PortalUrl);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "The banner scrolls sideways.");
        foreach (var action in new[] { "accept-all", "refuse-all", "customize" })
        {
            var box = await page.Locator($"{Banner} [data-ent-consent-action={action}]").BoundingBoxAsync();
            Assert.NotNull(box);
            Assert.True(box.X >= 0 && box.X + box.Width <= width, $"{action} is cut at {width}px.");
        }

        await page.ClickAsync($"{Banner} [data-ent-consent-action=customize]");
        await Assertions.Expect(page.Locator(Dialog)).ToBeVisibleAsync();
        var dialog = await page.Locator(Dialog).BoundingBoxAsync();
        Assert.NotNull(dialog);
        Assert.True(dialog.X >= 0 && dialog.X + dialog.Width <= width);
        Assert.True(await page.EvaluateAsync<bool>("() => { const d = document.getElementById('ent-consent-preferences'); return d.scrollWidth <= d.clientWidth; }"));
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(ReducedMotion.Reduce, "none")]
    [InlineData(ReducedMotion.NoPreference, "ec-in")]
    public async Task Preference_centre_animates_only_without_a_reduced_motion_preference(ReducedMotion motion, string animation)
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { ReducedMotion = motion });
        await page.GotoAsync(site.PortalUrl);
        await page.ClickAsync($"{Banner} [data-ent-consent-action=customize]");
        await Assertions.Expect(page.Locator(Dialog)).ToBeVisibleAsync();
        Assert.Equal(animation, await page.EvaluateAsync<string>("() => getComputedStyle(document.getElementById('ent-consent-preferences')).animationName"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Api_reads_the_state_opens_the_preferences_and_subscribes_to_changes()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        Assert.True(await page.EvaluateAsync<bool>("() => EntConsent.state.pending && EntConsent.isAllowed('matomo-exempt') && EntConsent.isAllowed('ent-session') && !EntConsent.isAllowed('youtube') && !EntConsent.isAllowed('unknown')"));
        await page.EvaluateAsync("() => { window.seen = 0; window.stop = EntConsent.onChange(() => seen++); }");
        Assert.True(await page.EvaluateAsync<bool>("() => EntConsent.open()"));
        await Assertions.Expect(page.Locator(Dialog)).ToBeVisibleAsync();
        await page.ClickAsync($"{Dialog} [data-ent-consent-action=refuse-all]");
        await page.WaitForFunctionAsync("() => seen === 1");
        await page.EvaluateAsync("() => stop()");
        await page.ClickAsync("[data-ent-consent-action=open]");
        await page.ClickAsync($"{Dialog} [data-ent-consent-action=accept-all]");
        await page.WaitForFunctionAsync("() => EntConsent.isAllowed('youtube')");
        Assert.Equal(1, await page.EvaluateAsync<int>("() => seen"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Widget_works_under_a_strict_content_security_policy_and_runs_nonced_blocked_scripts_after_consent()
    {
        var page = await site.NewPageAsync();
        await page.AddInitScriptAsync("window.violations = []; document.addEventListener('securitypolicyviolation', e => violations.push(e.violatedDirective + ' ' + e.blockedURI));");
        await page.GotoAsync(site.PortalUrl + "/strict");
        Assert.Null(await page.EvaluateAsync<int?>("() => window.inlineRuns ?? null"));
        await page.ClickAsync($"{Banner} [data-ent-consent-action=customize]");
        await Assertions.Expect(page.Locator(Dialog)).ToBeVisibleAsync();
        await page.ClickAsync($"{Dialog} [data-ent-consent-action=accept-all]");
        await page.WaitForFunctionAsync("() => window.inlineRuns === 1 && window.partnerRuns === 1");
        await Assertions.Expect(page.FrameLocator("iframe[data-ent-consent=youtube]").Locator("p")).ToHaveTextAsync("Video player");
        Assert.Empty(await page.EvaluateAsync<string[]>("() => window.violations"));
        await page.Context.CloseAsync();
    }

    private static Task<string?> ActiveId(IPage page) => page.EvaluateAsync<string?>("() => document.activeElement && document.activeElement.id");

    private static Task<string?> ActiveAction(IPage page) => page.EvaluateAsync<string?>("() => document.activeElement && document.activeElement.getAttribute('data-ent-consent-action')");
}
