using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>
/// The automatable checks of docs/regulation.md §3, each played in headless Chromium against the real sample portal:
/// what a CNIL inspector would do by hand with a fresh browser and the developer tools.
/// </summary>
public sealed class CnilChecksTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    // What may exist before any choice: the antiforgery token (essential), the exempt first-party audience cookie and
    // the signed date of its first deposit (essential, ADR 0005).
    private static readonly string[] CookiesAllowedBeforeChoice = [".AspNetCore.Antiforgery.", "ent_audience", "ent_consent_audience"];

    [Fact]
    public async Task Nothing_non_essential_is_written_or_requested_before_a_choice()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();

        var cookies = await visitor.CookiesAsync();
        Assert.All(cookies.Keys, name => Assert.Contains(CookiesAllowedBeforeChoice, allowed => name.StartsWith(allowed, StringComparison.Ordinal)));
        Assert.DoesNotContain("atid", cookies.Keys);
        Assert.DoesNotContain("xtidc", cookies.Keys);
        Assert.Equal(0, await visitor.StorageEntryCountAsync());
        Assert.Equal(0, await visitor.DnmaScriptRunsAsync());
        Assert.Empty(visitor.ThirdPartyRequests);
        Assert.Null(await visitor.Page.Locator("iframe[data-ent-consent=\"youtube\"]").GetAttributeAsync("src"));
    }

    [Fact]
    public async Task Scrolling_escape_and_reload_leave_consent_required_services_off()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.Page.Mouse.WheelAsync(0, 2000);
        await visitor.Page.Keyboard.PressAsync("Escape");
        await visitor.Page.Locator("a[href=\"/statistiques\"]").First.ClickAsync(new LocatorClickOptions { Force = true });
        await visitor.Page.WaitForLoadStateAsync(LoadState.Load);
        await visitor.ReloadAsync();

        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();
        var state = await visitor.ConsentStateAsync();
        Assert.True(state.GetProperty("pending").GetBoolean());
        Assert.False(await visitor.IsAllowedAsync("youtube"));
        Assert.False(await visitor.IsAllowedAsync("dnma"));
        var cookies = await visitor.CookiesAsync();
        Assert.DoesNotContain("atid", cookies.Keys);
        Assert.DoesNotContain("xtidc", cookies.Keys);
        Assert.Equal(0, await visitor.DnmaScriptRunsAsync());
        Assert.Empty(visitor.ThirdPartyRequests);
    }

    [Fact]
    public async Task Accept_and_refuse_are_buttons_of_the_same_size_and_font_on_the_first_layer()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        var accept = visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]");
        var refuse = visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]");

        Assert.Equal("BUTTON", await accept.EvaluateAsync<string>("e => e.tagName"));
        Assert.Equal("BUTTON", await refuse.EvaluateAsync<string>("e => e.tagName"));
        var acceptBox = await accept.BoundingBoxAsync();
        var refuseBox = await refuse.BoundingBoxAsync();
        Assert.NotNull(acceptBox);
        Assert.NotNull(refuseBox);
        Assert.InRange(refuseBox.Width / acceptBox.Width, 0.9, 1.1);
        Assert.InRange(refuseBox.Height / acceptBox.Height, 0.9, 1.1);
        const string Font = "e => { const s = getComputedStyle(e); return s.fontFamily + '|' + s.fontSize + '|' + s.fontWeight; }";
        Assert.Equal(await accept.EvaluateAsync<string>(Font), await refuse.EvaluateAsync<string>(Font));
    }

    [Fact]
    public async Task Consent_required_toggles_start_off_and_the_audience_opt_out_starts_on()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");

        await visitor.Banner.Locator("[data-ent-consent-action=\"customize\"]").ClickAsync();

        await Assertions.Expect(visitor.Toggle("youtube")).Not.ToBeCheckedAsync();
        await Assertions.Expect(visitor.Toggle("dnma")).Not.ToBeCheckedAsync();
        await Assertions.Expect(visitor.Toggle("audience")).ToBeCheckedAsync();
    }

    [Fact]
    public async Task Refusing_all_takes_one_click_and_every_route_still_works()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");

        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]"));

        await Assertions.Expect(visitor.Banner).ToBeHiddenAsync();
        var state = await visitor.ConsentStateAsync();
        Assert.False(state.GetProperty("pending").GetBoolean());
        Assert.Equal("denied", state.GetProperty("services").GetProperty("youtube").GetProperty("decision").GetString());
        Assert.Equal("denied", state.GetProperty("services").GetProperty("dnma").GetProperty("decision").GetString());
        foreach (var path in new[] { "/", "/statistiques", "/cookies", "/consent/preferences" })
        {
            await visitor.GoToAsync(path);
        }

        var cookies = await visitor.CookiesAsync();
        Assert.DoesNotContain("atid", cookies.Keys);
        Assert.DoesNotContain("xtidc", cookies.Keys);
        Assert.Empty(visitor.ThirdPartyRequests);
    }

    [Fact]
    public async Task Withdrawing_dnma_in_the_preference_centre_deletes_atid_and_the_httponly_xtidc()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));
        await visitor.ReloadAsync();
        await visitor.WaitForCookieAsync("atid");
        var serverCookie = await visitor.WaitForCookieAsync("xtidc");
        Assert.True(serverCookie.HttpOnly);
        Assert.True(await visitor.DnmaScriptRunsAsync() >= 1);
        Assert.Contains(visitor.ThirdPartyRequests, url => url.StartsWith("https://www.youtube.com/", StringComparison.Ordinal));

        await visitor.Page.Locator("footer [data-ent-consent-action=\"open\"]").ClickAsync();
        await visitor.Toggle("dnma").SetCheckedAsync(false);
        await visitor.ChooseAsync(visitor.Action("save"));

        var cookies = await visitor.CookiesAsync();
        Assert.DoesNotContain("atid", cookies.Keys);
        Assert.DoesNotContain("xtidc", cookies.Keys);
        Assert.Equal(0, await visitor.Page.EvaluateAsync<int>("() => localStorage.getItem('pa_vid') === null ? 0 : 1"));

        await visitor.ReloadAsync();
        cookies = await visitor.CookiesAsync();
        Assert.DoesNotContain("atid", cookies.Keys);
        Assert.DoesNotContain("xtidc", cookies.Keys);
        Assert.Equal(0, await visitor.DnmaScriptRunsAsync());
        Assert.True(await visitor.IsAllowedAsync("youtube"), "withdrawing one service keeps the others");
        Assert.Empty(visitor.PolicyViolations);
    }

    [Fact]
    public async Task Audience_cookie_expiry_is_capped_at_13_months_and_identical_across_visits()
    {
        await using var visitor = await portal.NewVisitorAsync();
        var beforeFirst = DateTimeOffset.UtcNow;
        var firstResponse = await visitor.GoToAsync("/");
        var afterFirst = DateTimeOffset.UtcNow;
        var firstSent = await SentExpiryAsync(firstResponse, "ent_audience");
        await visitor.WaitForCookieAsync("ent_audience");
        var firstKept = await visitor.ExactExpiryAsync("ent_audience");

        // Long enough that a lifetime renewed on each visit would visibly move forward.
        await Task.Delay(TimeSpan.FromSeconds(3));
        var secondSent = await SentExpiryAsync(await visitor.GoToAsync("/statistiques"), "ent_audience");
        var secondKept = await visitor.ExactExpiryAsync("ent_audience");

        // What the portal sends: the first deposit (whole seconds, taken while the first page was served) + 13 months,
        // the very same date on the revisit although the portal's own code asked for 400 days again.
        Assert.InRange(firstSent, RegulatoryDurations.ExemptAudienceCookieDeadline(beforeFirst.AddSeconds(-1)), RegulatoryDurations.ExemptAudienceCookieDeadline(afterFirst));
        Assert.Equal(firstSent, secondSent);

        // What the browser keeps: that date shifted by how far the response's Date header (whole seconds, refreshed
        // once a second) was behind the browser's clock, so a second or two apart between visits, never months.
        Assert.InRange(firstKept, firstSent, firstSent.AddSeconds(5));
        Assert.InRange(secondKept, firstKept.AddSeconds(-5), firstKept.AddSeconds(5));
    }

    /// <summary>The <c>Expires</c> of the <c>Set-Cookie</c> line for <paramref name="name"/> in a response.</summary>
    private static async Task<DateTimeOffset> SentExpiryAsync(IResponse response, string name)
    {
        var lines = await response.HeaderValuesAsync("set-cookie");
        var line = Assert.Single(lines, l => l.StartsWith(name + "=", StringComparison.Ordinal));
        var expires = line.Split(';').Select(static a => a.Trim()).Single(static a => a.StartsWith("expires=", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain("max-age", line, StringComparison.OrdinalIgnoreCase);
        return DateTimeOffset.ParseExact(expires["expires=".Length..], "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
    }

    [Fact]
    public async Task Global_privacy_control_counts_as_refusal_until_the_visitor_grants_explicitly()
    {
        await using var visitor = await portal.NewVisitorAsync(globalPrivacyControl: true);
        await visitor.GoToAsync("/");
        await visitor.ReloadAsync();

        // The signal is the visitor's answer: recorded as a refusal, so the banner does not ask again.
        await Assertions.Expect(visitor.Banner).ToHaveCountAsync(0);
        var state = await visitor.ConsentStateAsync();
        Assert.Equal("privacySignal", state.GetProperty("channel").GetString());
        Assert.Equal("denied", state.GetProperty("services").GetProperty("dnma").GetProperty("decision").GetString());
        Assert.False(await visitor.IsAllowedAsync("dnma"));
        var cookies = await visitor.CookiesAsync();
        Assert.DoesNotContain("atid", cookies.Keys);
        Assert.DoesNotContain("xtidc", cookies.Keys);
        Assert.Equal(0, await visitor.DnmaScriptRunsAsync());
        Assert.Empty(visitor.ThirdPartyRequests);

        // An explicit grant afterwards wins over the signal.
        await visitor.Page.Locator("footer [data-ent-consent-action=\"open\"]").ClickAsync();
        await visitor.Toggle("dnma").SetCheckedAsync(true);
        await visitor.ChooseAsync(visitor.Action("save"));
        await visitor.ReloadAsync();
        Assert.True(await visitor.IsAllowedAsync("dnma"));
        await visitor.WaitForCookieAsync("atid");
        await visitor.WaitForCookieAsync("xtidc");
    }

    [Fact]
    public async Task Without_javascript_refuse_all_works_through_the_form()
    {
        await using var visitor = await portal.NewVisitorAsync(javaScriptEnabled: false);
        await visitor.GoToAsync("/statistiques");
        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();

        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]"));

        Assert.EndsWith("/statistiques", visitor.Page.Url, StringComparison.Ordinal);
        await Assertions.Expect(visitor.Banner).ToHaveCountAsync(0);
        Assert.False(await visitor.IsAllowedAsync("dnma"));
        Assert.DoesNotContain("xtidc", (await visitor.CookiesAsync()).Keys);
    }

    [Fact]
    public async Task Without_javascript_accept_all_works_through_the_form()
    {
        await using var visitor = await portal.NewVisitorAsync(javaScriptEnabled: false);
        await visitor.GoToAsync("/");

        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));

        await Assertions.Expect(visitor.Banner).ToHaveCountAsync(0);
        Assert.True(await visitor.IsAllowedAsync("dnma"));
        Assert.True(await visitor.IsAllowedAsync("youtube"));
        await visitor.ReloadAsync();
        Assert.True((await visitor.WaitForCookieAsync("xtidc")).HttpOnly, "the server component may set xtidc once dnma is granted");
    }

    [Fact]
    public async Task A_tampered_consent_cookie_brings_the_banner_back_and_grants_nothing()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]"));
        var genuine = (await visitor.CookiesAsync())["ent_consent"];

        // Forge a grant of every service while keeping the original signature.
        var fields = genuine.Value.Split('.');
        fields[6] = fields[6].Replace(":d", ":g", StringComparison.Ordinal);
        var forged = string.Join('.', fields);
        Assert.NotEqual(genuine.Value, forged);
        await visitor.Context.AddCookiesAsync(
        [
            new Cookie { Name = genuine.Name, Value = forged, Domain = genuine.Domain, Path = genuine.Path, Expires = genuine.Expires, SameSite = SameSiteAttribute.Lax },
        ]);
        await visitor.ReloadAsync();

        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();
        Assert.True((await visitor.ConsentStateAsync()).GetProperty("pending").GetBoolean());
        Assert.False(await visitor.IsAllowedAsync("dnma"));
        var cookies = await visitor.CookiesAsync();
        Assert.DoesNotContain("xtidc", cookies.Keys);
        Assert.DoesNotContain("atid", cookies.Keys);
        Assert.Empty(visitor.ThirdPartyRequests);
    }

    [Fact]
    public async Task A_new_service_in_the_policy_asks_again()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));
        await visitor.ReloadAsync();
        await Assertions.Expect(visitor.Banner).ToHaveCountAsync(0);

        // The same portal (same keys) after a release that adds Vimeo: the browser's valid choice is for the old policy.
        await using var nextRelease = await PortalServer.StartSiblingAsync(portal.Server, "--EntConsent:Policy:BuiltInServices:3", "vimeo");
        await visitor.GoToAsync(new Uri(nextRelease.Address, "/").ToString());

        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();
        var state = await visitor.Context.APIRequest.GetAsync(new Uri(nextRelease.Address, "/consent").ToString());
        using var json = System.Text.Json.JsonDocument.Parse(await state.TextAsync());
        Assert.True(json.RootElement.GetProperty("pending").GetBoolean());
        Assert.False(json.RootElement.GetProperty("services").GetProperty("dnma").GetProperty("allowed").GetBoolean());
        Assert.False(json.RootElement.GetProperty("services").GetProperty("vimeo").GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task The_pupil_is_asked_after_the_parent_chose_on_the_same_browser()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.SubmitPortalFormAsync("sign-in-demo-parent");
        await visitor.AcceptAllAsync();
        Assert.True(await visitor.IsAllowedAsync("youtube"));
        await visitor.SubmitPortalFormAsync("sign-out");

        await visitor.SubmitPortalFormAsync("sign-in-demo-pupil");

        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();
        Assert.True((await visitor.ConsentStateAsync()).GetProperty("pending").GetBoolean());
        Assert.False(await visitor.IsAllowedAsync("youtube"));
        Assert.False(await visitor.IsAllowedAsync("dnma"));
    }

    [Fact]
    public async Task A_page_restored_from_the_back_forward_cache_asks_the_server_and_shows_the_next_users_choice()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.SubmitPortalFormAsync("sign-in-demo-parent");
        await visitor.AcceptAllAsync();
        var video = visitor.Page.Locator("iframe[data-ent-consent=\"youtube\"]");
        await Assertions.Expect(video).ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("youtube"));

        // The parent leaves; the pupil signs in on the same browser, in another tab.
        var other = await visitor.Context.NewPageAsync();
        await other.GotoAsync("/");
        foreach (var action in new[] { "sign-out", "sign-in-demo-pupil" })
        {
            await other.RunAndWaitForResponseAsync(
                () => other.Locator($"[data-portal-action=\"{action}\"]").ClickAsync(),
                candidate => candidate.Request.Method == "POST" && candidate.Request.IsNavigationRequest);
            await other.WaitForLoadStateAsync(LoadState.Load);
        }

        // The parent's page comes back as the back-forward cache would restore it.
        await visitor.Page.RunAndWaitForResponseAsync(
            () => visitor.Page.EvaluateAsync("() => window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }))"),
            candidate => candidate.Request.IsNavigationRequest);
        await visitor.Page.WaitForLoadStateAsync(LoadState.Load);

        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();
        await Assertions.Expect(video).Not.ToHaveAttributeAsync("src", new System.Text.RegularExpressions.Regex("youtube"));
        Assert.False(await visitor.IsAllowedAsync("youtube"));
    }

    [Fact]
    public async Task Each_choice_leaves_a_proof_in_the_store()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]"));
        var afterRefusal = ConsentCookieFields((await visitor.CookiesAsync())["ent_consent"].Value);

        await visitor.Page.Locator("footer [data-ent-consent-action=\"open\"]").ClickAsync();
        await visitor.Toggle("youtube").SetCheckedAsync(true);
        await visitor.ChooseAsync(visitor.Action("save"));
        var afterGrant = ConsentCookieFields((await visitor.CookiesAsync())["ent_consent"].Value);

        var store = portal.Server.Services.GetRequiredService<IConsentProofStore>();
        var proofs = await WaitForProofsAsync(store, [afterRefusal.ConsentId, afterGrant.ConsentId], expected: 2);

        var refusal = proofs[0].Content;
        Assert.Equal(ConsentChannel.FirstLayer, refusal.Channel);
        Assert.Equal(ConsentDecision.Denied, refusal.Decisions["youtube"]);
        Assert.Equal(ConsentDecision.Denied, refusal.Decisions["dnma"]);
        var grant = proofs[^1].Content;
        Assert.Equal(ConsentChannel.PreferenceCentre, grant.Channel);
        Assert.Equal(ConsentDecision.Granted, grant.Decisions["youtube"]);
        Assert.Equal(ConsentDecision.Denied, grant.Decisions["dnma"]);
        Assert.All(proofs, proof =>
        {
            Assert.Equal(afterGrant.PolicyVersion, proof.Content.PolicyVersion);
            Assert.Equal(64, proof.Content.TextsHash.Length);
            Assert.StartsWith("fr", proof.Content.Locale, StringComparison.Ordinal);
        });
        Assert.True((await store.VerifyAsync()).IsValid);
    }

    private static (string PolicyVersion, string ConsentId) ConsentCookieFields(string value)
    {
        var fields = value.Split('.');
        return (fields[1], fields[2]);
    }

    private static async Task<IReadOnlyList<ConsentProof>> WaitForProofsAsync(IConsentProofStore store, string[] consentIds, int expected)
    {
        // A refusal is applied at once and its record may be written just after: give it a moment.
        List<ConsentProof> proofs = [];
        for (var attempt = 0; attempt < 50; attempt++)
        {
            proofs.Clear();
            foreach (var consentId in consentIds.Distinct(StringComparer.Ordinal))
            {
                proofs.AddRange(await store.ExportByConsentIdAsync(consentId));
            }

            if (proofs.Count >= expected)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Equal(expected, proofs.Count);
        return proofs.OrderBy(static proof => proof.Sequence).ToList();
    }
}
