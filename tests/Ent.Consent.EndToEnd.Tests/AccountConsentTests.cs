using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>
/// Choices that follow a signed-in account on the sample portal (<c>PerUserConsent</c>), played in two Chromium
/// contexts as two devices, against CNIL délibération 2025-131 (docs/regulation.md §6).
/// </summary>
public sealed class AccountConsentTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task A_signed_in_user_is_told_on_the_first_layer_that_the_choice_applies_on_every_device()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await Assertions.Expect(visitor.Banner.Locator("#ent-consent-banner-scope")).ToHaveCountAsync(0);

        // An account no other test of this class chooses for, so its first layer shows.
        await visitor.SubmitPortalFormAsync("sign-in-demo-dpo");

        var scope = visitor.Banner.Locator("#ent-consent-banner-scope");
        await Assertions.Expect(scope).ToBeVisibleAsync();
        await Assertions.Expect(scope).ToContainTextAsync("tous les appareils");
        await Assertions.Expect(scope).ToContainTextAsync("refuser");
        Assert.Contains("ent-consent-banner-scope", await visitor.Banner.GetAttributeAsync("aria-describedby") ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_second_device_the_accounts_choice_applies_with_a_notice_and_sign_out_brings_back_the_devices_own_choice()
    {
        await using var laptop = await portal.NewVisitorAsync();
        await laptop.GoToAsync("/");
        await laptop.SubmitPortalFormAsync("sign-in-demo-parent");
        await laptop.AcceptAllAsync();

        // The family computer: someone refused there, signed out, before the parent signs in.
        await using var familyComputer = await portal.NewVisitorAsync();
        await familyComputer.GoToAsync("/");
        await familyComputer.ChooseAsync(familyComputer.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]"));
        var signedOutChoice = (await familyComputer.CookiesAsync())["ent_consent"].Value;
        await familyComputer.SubmitPortalFormAsync("sign-in-demo-parent");

        var notice = familyComputer.Page.Locator("#ent-consent-account-notice");
        await Assertions.Expect(notice).ToBeVisibleAsync();
        await Assertions.Expect(notice).ToHaveAttributeAsync("role", "status");
        await Assertions.Expect(familyComputer.Banner).ToBeHiddenAsync();
        await Assertions.Expect(familyComputer.Page.Locator("iframe[data-ent-consent=\"youtube\"]")).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("youtube"));
        var axe = await familyComputer.Page.RunAxe();
        Assert.True(axe.Violations.Length == 0, string.Join("\n", axe.Violations.Select(static v => $"{v.Id}: {v.Help}")));

        // One click to change it: the preference centre, saying the choice is the account's.
        await notice.Locator("[data-ent-consent-action=\"open\"]").ClickAsync();
        var dialog = familyComputer.Page.Locator("#ent-consent-preferences");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("tous les appareils");
        await dialog.Locator("[data-ent-consent-action=\"close\"]").ClickAsync();
        await notice.Locator("[data-ent-consent-action=\"dismiss\"]").ClickAsync();
        await Assertions.Expect(notice).ToHaveCountAsync(0);
        await familyComputer.ReloadAsync();
        await Assertions.Expect(familyComputer.Page.Locator("#ent-consent-account-notice")).ToHaveCountAsync(0);

        // Signed out, the computer is back to its own refusal, untouched, and the parent's trackers are gone.
        await familyComputer.SubmitPortalFormAsync("sign-out");
        var cookies = await familyComputer.CookiesAsync();
        Assert.Equal(signedOutChoice, cookies["ent_consent"].Value);
        await Assertions.Expect(familyComputer.Banner).ToBeHiddenAsync();
        Assert.False(await familyComputer.IsAllowedAsync("youtube"));
        Assert.Null(await familyComputer.Page.Locator("iframe[data-ent-consent=\"youtube\"]").GetAttributeAsync("src"));
    }

    [Fact]
    public async Task A_withdrawal_on_one_device_reaches_the_other_like_the_grant_did()
    {
        await using var laptop = await portal.NewVisitorAsync();
        await laptop.GoToAsync("/");
        await laptop.SubmitPortalFormAsync("sign-in-demo-parent");
        await laptop.AcceptAllAsync();
        await using var phone = await portal.NewVisitorAsync();
        await phone.GoToAsync("/");
        await phone.SubmitPortalFormAsync("sign-in-demo-parent");
        Assert.True(await phone.IsAllowedAsync("youtube"));

        // Withdrawn on the laptop from the preference centre.
        await laptop.Action("open").ClickAsync();
        await laptop.Toggle("youtube").UncheckAsync();
        await laptop.ChooseAsync(laptop.Page.Locator("#ent-consent-preferences [data-ent-consent-action=\"save\"]"));
        Assert.False(await laptop.IsAllowedAsync("youtube"));

        // The sample portal is one node: the phone's next page has it at once (other nodes: within the refresh interval).
        await phone.ReloadAsync();
        Assert.False(await phone.IsAllowedAsync("youtube"));
        Assert.Null(await phone.Page.Locator("iframe[data-ent-consent=\"youtube\"]").GetAttributeAsync("src"));
    }
}
