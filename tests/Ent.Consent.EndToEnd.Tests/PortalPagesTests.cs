using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>The portal shell around the widget: accessible, French by default, English on request.</summary>
public sealed class PortalPagesTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Theory]
    [InlineData("/")]
    [InlineData("/cookies")]
    [InlineData("/statistiques")]
    [InlineData("/?culture=en")]
    public async Task Portal_page_has_no_axe_violation_with_the_banner_shown(string path)
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync(path);
        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();

        var result = await visitor.Page.RunAxe();

        Assert.True(result.Violations.Length == 0,
            string.Join("\n", result.Violations.Select(static v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(static n => n.Html))})")));
    }

    [Fact]
    public async Task Portal_is_french_by_default_and_the_language_button_switches_banner_and_page_to_english()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        Assert.Equal("fr", await visitor.Page.Locator("html").GetAttributeAsync("lang"));
        await Assertions.Expect(visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]")).ToHaveTextAsync("Tout refuser");

        await visitor.SubmitPortalFormAsync("language-en");

        Assert.Equal("en", await visitor.Page.Locator("html").GetAttributeAsync("lang"));
        await Assertions.Expect(visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]")).ToHaveTextAsync("Refuse all");
        await Assertions.Expect(visitor.Page.Locator("footer [data-ent-consent-action=\"open\"]")).ToHaveTextAsync("Manage cookies");
        Assert.Contains(".AspNetCore.Culture", (await visitor.CookiesAsync()).Keys);
    }

    [Fact]
    public async Task The_style_sheet_is_served_from_wwwroot_when_the_portal_runs_in_another_entry_assembly()
    {
        // The tests are the entry assembly and the content root is their output folder: the portal finds its Razor
        // pages and its wwwroot only through its application name and the static web assets manifest.
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        var response = await visitor.Context.APIRequest.GetAsync("/portal.css");

        Assert.Equal(200, response.Status);
        Assert.StartsWith("text/css", response.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("--portal-blue", await response.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await visitor.Page.EvaluateAsync<int>("() => [...document.styleSheets].filter(s => s.href && s.href.endsWith('/portal.css') && s.cssRules.length > 0).length"));
    }

    [Fact]
    public async Task Only_the_data_protection_officer_reads_the_consent_proofs()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));
        var noRedirect = new APIRequestContextOptions { MaxRedirects = 0 };
        Assert.NotEqual(200, (await visitor.Context.APIRequest.GetAsync("/consent/proofs/verification", noRedirect)).Status);

        await visitor.SubmitPortalFormAsync("sign-in-demo-pupil");
        Assert.NotEqual(200, (await visitor.Context.APIRequest.GetAsync("/consent/proofs/verification", noRedirect)).Status);
        await visitor.SubmitPortalFormAsync("sign-out");

        await visitor.SubmitPortalFormAsync("sign-in-demo-dpo");
        var verification = await visitor.Context.APIRequest.GetAsync("/consent/proofs/verification", noRedirect);
        Assert.Equal(200, verification.Status);
        Assert.Contains("\"isValid\":true", await verification.TextAsync(), StringComparison.OrdinalIgnoreCase);
        await Assertions.Expect(visitor.Page.Locator("a[href=\"/consent/proofs/verification\"]")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Portal_and_widget_run_under_a_strict_content_security_policy()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));
        await visitor.ReloadAsync();
        await visitor.WaitForCookieAsync("atid");
        Assert.Empty(visitor.PolicyViolations);

        // The policy is in force: an inline script injected into the page is refused and reported.
        await visitor.Page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.appendChild(s); }");
        Assert.Equal(0, await visitor.Page.EvaluateAsync<int>("() => window.injected || 0"));
        await Task.Delay(200);
        Assert.NotEmpty(visitor.PolicyViolations);
    }
}
