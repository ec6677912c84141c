using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Ent.Consent.Widget.Tests;

[Collection(BrowserCollection.Name)]
public sealed class AccessibilityTests(WidgetSite site)
{
    [Theory]
    [InlineData("/")]
    [InlineData("/?culture=en&ui-culture=en")]
    public async Task Banner_has_no_axe_violations(string path)
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl + path);
        await Assertions.Expect(page.Locator("[data-ent-consent-banner]")).ToBeVisibleAsync();
        AssertNoViolations(await page.RunAxe());
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Preference_centre_has_no_axe_violations(bool dsfr)
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        if (dsfr)
        {
            // The theme is only an attribute on the widget's roots (what ConsentWidgetTheme.Dsfr renders).
            await page.EvaluateAsync("() => document.querySelectorAll('.ec').forEach(e => e.setAttribute('data-ent-consent-theme', 'dsfr'))");
            Assert.Equal("rgb(0, 0, 145)", await page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('[data-ent-consent-banner] [data-ent-consent-action=refuse-all]')).backgroundColor"));
            AssertNoViolations(await page.RunAxe());
        }

        await page.ClickAsync("[data-ent-consent-banner] [data-ent-consent-action=customize]");
        await Assertions.Expect(page.Locator("#ent-consent-preferences")).ToBeVisibleAsync();
        AssertNoViolations(await page.RunAxe());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Preference_centre_fetched_from_the_manage_button_has_no_axe_violations()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        await page.ClickAsync("[data-ent-consent-banner] [data-ent-consent-action=refuse-all]");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("#ent-consent-preferences")).ToHaveCountAsync(0);
        await page.ClickAsync("footer [data-ent-consent-action=open]");
        await Assertions.Expect(page.Locator("#ent-consent-preferences")).ToBeVisibleAsync();
        AssertNoViolations(await page.RunAxe());
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("/consent/cookies")]
    [InlineData("/consent/preferences?returnUrl=%2F")]
    public async Task Stand_alone_pages_have_no_axe_violations(string path)
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl + path);
        AssertNoViolations(await page.RunAxe());
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Axe_check_reports_a_planted_violation()
    {
        // Proves the checks above can fail: the same call on a page with a known fault.
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        await page.EvaluateAsync("() => document.querySelector('[data-ent-consent-action=refuse-all]').style.color = '#bbb'");
        var result = await page.RunAxe();
        Assert.Contains(result.Violations, v => v.Id == "color-contrast");
        await page.Context.CloseAsync();
    }

    private static void AssertNoViolations(AxeResult result)
    {
        var report = string.Join("\n", result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", v.Nodes.Select(n => n.Html))));
        Assert.True(result.Violations.Length == 0, report);
    }
}
