using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>
/// Joint consent for the sample portal's pupil of 13 (loi Informatique et Libertés art. 45), each person on a device
/// of their own: the pupil's grant alone leaves the service off, a parent's grant on the parents' page turns it on,
/// and a withdrawal by either turns it off on the pupil's next response, expiring the service's cookies.
/// </summary>
public sealed class JointConsentTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task Any_guardian_grant_by_the_pupil_only_is_off_with_a_parent_on_and_a_withdrawal_by_either_expires_the_cookies()
    {
        await using var pupil = await portal.NewVisitorAsync();
        await pupil.GoToAsync("/");
        await pupil.SubmitPortalFormAsync("sign-in-demo-pupil");
        await Assertions.Expect(pupil.Banner.Locator("[data-ent-consent-minor]")).ToBeVisibleAsync();
        await pupil.ChooseAsync(pupil.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));

        // Granted by the pupil only: off, and marked as waiting for a parent.
        Assert.False(await pupil.IsAllowedAsync("dnma"));
        await pupil.GoToAsync("/consent/preferences");
        await Assertions.Expect(pupil.Page.Locator("[data-ent-consent-waiting=\"dnma\"]")).ToBeVisibleAsync();
        await Assertions.Expect(pupil.Page.Locator("[data-ent-consent-minor]")).ToBeVisibleAsync();
        await pupil.GoToAsync("/");
        Assert.DoesNotContain("xtidc", (await pupil.CookiesAsync()).Keys);

        // A parent, on another device, agrees on the parents' page.
        await using var parent = await portal.NewVisitorAsync();
        await parent.GoToAsync("/");
        await parent.SubmitPortalFormAsync("sign-in-demo-parent");
        await parent.Page.Locator("[data-portal-action=\"guardian-page\"]").ClickAsync();
        await parent.Page.WaitForLoadStateAsync(LoadState.Load);
        var row = parent.Page.Locator("[data-ent-consent-service-row=\"dnma\"]");
        await Assertions.Expect(row.Locator("[data-ent-consent-minor-decision]")).ToHaveTextAsync("Accepté");
        await Assertions.Expect(row.Locator("[data-ent-consent-status]")).ToHaveAttributeAsync("data-ent-consent-status", "off");
        await DecideAsync(parent, "dnma", "grant");
        await Assertions.Expect(row.Locator("[data-ent-consent-status]")).ToHaveAttributeAsync("data-ent-consent-status", "on");

        Assert.True(await pupil.IsAllowedAsync("dnma"));
        Assert.False(await pupil.IsAllowedAsync("youtube"));
        await pupil.GoToAsync("/");
        await pupil.WaitForCookieAsync("xtidc");
        await pupil.WaitForCookieAsync("atid");

        // The parent withdraws: the pupil's next response turns the service off and expires its cookies.
        await DecideAsync(parent, "dnma", "withdraw");
        await pupil.GoToAsync("/");
        var afterParentWithdrawal = await pupil.CookiesAsync();
        Assert.DoesNotContain("xtidc", afterParentWithdrawal.Keys);
        Assert.DoesNotContain("atid", afterParentWithdrawal.Keys);
        Assert.False(await pupil.IsAllowedAsync("dnma"));

        // The parent agrees again, then the pupil withdraws: off as well.
        await DecideAsync(parent, "dnma", "grant");
        await pupil.GoToAsync("/");
        await pupil.WaitForCookieAsync("xtidc");
        await pupil.Page.Locator("footer [data-ent-consent-action=\"open\"]").ClickAsync();
        await pupil.Toggle("dnma").SetCheckedAsync(false);
        await pupil.ChooseAsync(pupil.Action("save"));
        await pupil.GoToAsync("/");
        Assert.DoesNotContain("xtidc", (await pupil.CookiesAsync()).Keys);
        Assert.False(await pupil.IsAllowedAsync("dnma"));
    }

    [Fact]
    public async Task The_parents_page_has_no_axe_violation_in_french_and_english()
    {
        await using var parent = await portal.NewVisitorAsync();
        await parent.GoToAsync("/");
        await parent.SubmitPortalFormAsync("sign-in-demo-parent-2");
        foreach (var path in new[] { "/consent/guardian/page", "/consent/guardian/page?culture=en" })
        {
            await parent.GoToAsync(path);
            await Assertions.Expect(parent.Page.Locator("[data-ent-consent-guardian] h2")).ToHaveTextAsync("Camille Martin");

            var result = await parent.Page.RunAxe();

            Assert.True(result.Violations.Length == 0,
                string.Join("\n", result.Violations.Select(static v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(static n => n.Html))})")));
        }

        Assert.Equal("en", await parent.Page.Locator("html").GetAttributeAsync("lang"));
        await Assertions.Expect(parent.Page.Locator("[data-ent-consent-guardian] h1")).ToHaveTextAsync("Cookies: parents' agreement");
    }

    [Fact]
    public async Task Someone_else_than_the_pupils_parents_gets_no_child_and_cannot_decide_for_her()
    {
        await using var officer = await portal.NewVisitorAsync();
        await officer.GoToAsync("/");
        await officer.SubmitPortalFormAsync("sign-in-demo-dpo");
        Assert.Equal(0, await officer.Page.Locator("[data-portal-action=\"guardian-page\"]").CountAsync());

        var overview = await officer.Context.APIRequest.GetAsync("/consent/guardian");
        Assert.Equal(200, overview.Status);
        Assert.Contains("\"minors\":[]", await overview.TextAsync(), StringComparison.Ordinal);
    }

    internal static async Task DecideAsync(PortalVisitor guardian, string serviceId, string action)
    {
        var response = await guardian.Page.RunAndWaitForResponseAsync(
            () => guardian.Page.Locator($"[data-ent-consent-service-row=\"{serviceId}\"] [data-ent-consent-guardian-action=\"{action}\"]").ClickAsync(),
            candidate => candidate.Request.Method == "POST" && new Uri(candidate.Url).AbsolutePath == "/consent/guardian");
        Assert.Equal(303, response.Status);
        await guardian.Page.WaitForLoadStateAsync(LoadState.Load);
    }
}

/// <summary>The sample portal with <c>EntConsent:Policy:JointConsent</c> set to <c>EveryGuardian</c>.</summary>
public sealed class EveryGuardianPortalFixture : PortalFixture
{
    protected override string[] ServerArguments() => ["--EntConsent:Policy:JointConsent=EveryGuardian"];
}

/// <summary>Every guardian on file must agree: the pupil's second parent too.</summary>
public sealed class EveryGuardianJointConsentTests(EveryGuardianPortalFixture portal) : IClassFixture<EveryGuardianPortalFixture>
{
    [Fact]
    public async Task One_parents_grant_is_not_enough_both_turn_it_on_and_the_second_parents_withdrawal_turns_it_off()
    {
        await using var pupil = await portal.NewVisitorAsync();
        await pupil.GoToAsync("/");
        await pupil.SubmitPortalFormAsync("sign-in-demo-pupil");
        await pupil.ChooseAsync(pupil.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));

        await using var first = await portal.NewVisitorAsync();
        await first.GoToAsync("/");
        await first.SubmitPortalFormAsync("sign-in-demo-parent");
        await first.GoToAsync("/consent/guardian/page");
        await JointConsentTests.DecideAsync(first, "dnma", "grant");
        Assert.False(await pupil.IsAllowedAsync("dnma"));
        await pupil.GoToAsync("/consent/preferences");
        await Assertions.Expect(pupil.Page.Locator("[data-ent-consent-waiting=\"dnma\"]")).ToBeVisibleAsync();

        await using var second = await portal.NewVisitorAsync();
        await second.GoToAsync("/");
        await second.SubmitPortalFormAsync("sign-in-demo-parent-2");
        await second.GoToAsync("/consent/guardian/page");
        await JointConsentTests.DecideAsync(second, "dnma", "grant");
        Assert.True(await pupil.IsAllowedAsync("dnma"));
        await pupil.GoToAsync("/");
        await pupil.WaitForCookieAsync("xtidc");

        await JointConsentTests.DecideAsync(second, "dnma", "withdraw");
        await pupil.GoToAsync("/");
        Assert.DoesNotContain("xtidc", (await pupil.CookiesAsync()).Keys);
        Assert.False(await pupil.IsAllowedAsync("dnma"));
    }
}
