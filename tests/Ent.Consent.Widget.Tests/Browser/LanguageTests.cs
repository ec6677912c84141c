using System.Globalization;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Ent.Consent.Widget.Tests;

/// <summary>
/// The widget in each of the nine built-in languages, picked by ASP.NET Core request localization: the texts shown are
/// that language's, the roots say so with <c>lang</c> and <c>dir</c>, axe finds nothing, and the layout holds in Arabic
/// (right to left) and in German (long words) at desktop and phone widths. Screenshots go to
/// <c>screenshots/</c> in the test output folder for a person to look at; the checks below do not depend on them.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class LanguageTests(WidgetSite site)
{
    private const string Banner = "[data-ent-consent-banner]";
    private const string Dialog = "#ent-consent-preferences";

    public static TheoryData<string> Languages => new(LocalizedText.BuiltInCultures);

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task Banner_is_in_the_language_asked_and_has_no_axe_violations(string language)
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync($"{site.PortalUrl}/?culture={language}&ui-culture={language}");
        var banner = page.Locator(Banner);
        await Assertions.Expect(banner).ToBeVisibleAsync();

        var culture = CultureInfo.GetCultureInfo(language);
        Assert.Equal(language, await banner.GetAttributeAsync("lang"));
        Assert.Equal(culture.TextInfo.IsRightToLeft ? "rtl" : "ltr", await banner.GetAttributeAsync("dir"));
        await Assertions.Expect(banner.Locator("h2")).ToHaveTextAsync(site.Policy.Texts.BannerTitle[language]);
        await Assertions.Expect(banner.Locator("[data-ent-consent-action=refuse-all]")).ToHaveTextAsync(site.Policy.Texts.RefuseAll[language]);
        AssertNoViolations(await page.RunAxe(), language);
        await page.Context.CloseAsync();
    }

    [Theory]
    [MemberData(nameof(Languages))]
    public async Task Cookie_page_is_in_the_language_asked_and_has_no_axe_violations(string language)
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync($"{site.PortalUrl}/consent/cookies?culture={language}&ui-culture={language}");

        var html = page.Locator("html");
        Assert.Equal(language, await html.GetAttributeAsync("lang"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(site.Policy.Texts.CookiePageTitle[language]);
        // The built-in catalogue's texts too, not only the widget's own.
        var youtube = site.Policy.FindService("youtube")!;
        await Assertions.Expect(page.Locator("#ent-consent-about-youtube + p")).ToHaveTextAsync(youtube.Description[language]);
        AssertNoViolations(await page.RunAxe(), language);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("ar", 1280)]
    [InlineData("ar", 375)]
    [InlineData("de", 1280)]
    [InlineData("de", 375)]
    public async Task Banner_and_preference_centre_hold_their_layout(string language, int width)
    {
        var page = await site.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = width, Height = 800 } });
        await page.GotoAsync($"{site.PortalUrl}/?culture={language}&ui-culture={language}");
        var banner = page.Locator(Banner);
        await Assertions.Expect(banner).ToBeVisibleAsync();
        var rtl = CultureInfo.GetCultureInfo(language).TextInfo.IsRightToLeft;
        Assert.Equal(rtl ? "rtl" : "ltr", await banner.EvaluateAsync<string>("e => getComputedStyle(e).direction"));

        await Screenshot(page, $"banner.{language}.{width}");
        await AssertNothingOverflows(page, Banner, width);
        var accept = (await banner.Locator("[data-ent-consent-action=accept-all]").BoundingBoxAsync())!;
        var refuse = (await banner.Locator("[data-ent-consent-action=refuse-all]").BoundingBoxAsync())!;
        Assert.InRange(refuse.Width / accept.Width, 0.9, 1.1);
        Assert.InRange(refuse.Height / accept.Height, 0.9, 1.1);
        if (accept.Y == refuse.Y)
        {
            // Side by side, the first button is at the start of the line: the right in Arabic.
            Assert.True(rtl ? accept.X > refuse.X : accept.X < refuse.X, $"accept at x={accept.X}, refuse at x={refuse.X} in {language}");
        }

        await banner.Locator("[data-ent-consent-action=customize]").ClickAsync();
        var dialog = page.Locator(Dialog);
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        Assert.Equal(language, await dialog.GetAttributeAsync("lang"));
        // Opened details show the longest lines: cookie names and lifetimes in words.
        await page.EvaluateAsync("() => document.querySelectorAll('#ent-consent-preferences details').forEach(d => d.open = true)");
        await Screenshot(page, $"preferences.{language}.{width}");
        await AssertNothingOverflows(page, Dialog, width);
        var box = (await dialog.BoundingBoxAsync())!;
        Assert.True(box.X >= 0 && box.X + box.Width <= width, $"The dialog spans x={box.X}..{box.X + box.Width} in a {width} px viewport");
        var save = (await dialog.Locator("[data-ent-consent-action=accept-all]").BoundingBoxAsync())!;
        var refuseAll = (await dialog.Locator("[data-ent-consent-action=refuse-all]").BoundingBoxAsync())!;
        Assert.InRange(refuseAll.Width / save.Width, 0.9, 1.1);
        if (rtl)
        {
            // The close button sits at the start of the head line, which is the left in Arabic.
            var close = (await dialog.Locator("[data-ent-consent-action=close]").BoundingBoxAsync())!;
            var title = (await dialog.Locator("#ent-consent-preferences-title").BoundingBoxAsync())!;
            Assert.True(close.X < title.X, $"close at x={close.X}, title at x={title.X}");
        }

        AssertNoViolations(await page.RunAxe(), language);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task The_overflow_check_fails_on_a_planted_overflow()
    {
        // Proves the layout check above can fail: a word too wide for the phone screen.
        var page = await site.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 375, Height = 800 } });
        await page.GotoAsync($"{site.PortalUrl}/?culture=ar&ui-culture=ar");
        await page.EvaluateAsync("() => { const b = document.querySelector('[data-ent-consent-banner] h2'); b.style.overflowWrap = 'normal'; b.style.whiteSpace = 'nowrap'; b.textContent = 'x'.repeat(200); }");
        await Assert.ThrowsAnyAsync<Exception>(() => AssertNothingOverflows(page, Banner, 375));
        await page.Context.CloseAsync();
    }

    // Neither the page nor any element of the widget reaches past the viewport, and no element is wider than its box.
    private static async Task AssertNothingOverflows(IPage page, string root, int width)
    {
        var report = await page.EvaluateAsync<string[]>(@"([root, width]) => {
            const out = [];
            const doc = document.documentElement;
            if (doc.scrollWidth > doc.clientWidth + 1) out.push(`page scrolls sideways: ${doc.scrollWidth} > ${doc.clientWidth}`);
            for (const e of [document.querySelector(root), ...document.querySelectorAll(root + ' *')]) {
              if (!e.getClientRects().length || e.closest('details:not([open])') && e.tagName !== 'SUMMARY' && e.tagName !== 'DETAILS') continue;
              const r = e.getBoundingClientRect();
              if (r.left < -1 || r.right > width + 1) out.push(`${e.tagName}.${e.className} spans ${Math.round(r.left)}..${Math.round(r.right)}`);
              if (e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === 'visible' && e.clientWidth > 0) out.push(`${e.tagName}.${e.className} content ${e.scrollWidth} > box ${e.clientWidth}`);
            }
            return out;
        }", new object[] { root, width });
        Assert.True(report.Length == 0, string.Join("\n", report));
    }

    private static async Task Screenshot(IPage page, string name)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, name + ".png");
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Assert.True(new FileInfo(path).Length > 1000, $"The screenshot {path} is empty");
    }

    private static void AssertNoViolations(AxeResult result, string language)
    {
        var report = string.Join("\n", result.Violations.Select(v => $"{v.Id} ({v.Impact}): {v.Help}\n    " + string.Join("\n    ", v.Nodes.Select(n => n.Html))));
        Assert.True(result.Violations.Length == 0, $"[{language}] " + report);
    }
}
