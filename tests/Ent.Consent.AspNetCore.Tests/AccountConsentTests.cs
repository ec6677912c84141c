using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>
/// Choices that follow a signed-in user's account (<see cref="EntConsentOptions.PerUserConsent"/>), as CNIL
/// délibération 2025-131 frames them: same scope for refusal and withdrawal as for acceptance, a notice on a device
/// where the account's choice is applied, and the signed-out choice of a shared computer left as it was.
/// </summary>
public sealed class AccountConsentTests
{
    private static void Alice(HttpRequestMessage r) => r.Headers.Add("X-Test-User", "alice");

    private static void Bob(HttpRequestMessage r) => r.Headers.Add("X-Test-User", "bob");

    private static Task<ConsentTestApp> StartAsync(FakeProofStore store, TimeSpan? refresh = null)
        => ConsentTestApp.StartAsync(
            o =>
            {
                o.PerUserConsent = true;
                o.AccountChoiceRefreshInterval = refresh ?? o.AccountChoiceRefreshInterval;
            },
            services => services.AddSingleton<IConsentProofStore>(store),
            app => app.MapGet("/account", (HttpContext context) =>
            {
                var consent = context.GetConsent();
                return $"follows={consent.FollowsAccount};restored={consent.IsRestoredFromAccount};videos={consent.IsAllowed("videos")};pending={consent.IsPending}";
            }));

    [Fact]
    public async Task A_choice_made_signed_in_goes_to_the_account_cookie_and_leaves_the_devices_signed_out_choice_as_it_was()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store);
        var sharedComputer = new CookieJar();
        (await app.PostChoiceAsync(sharedComputer, new { action = "refuse-all" })).EnsureSuccessStatusCode();
        var signedOutChoice = sharedComputer["ent_consent"];

        // Signed in, the device's choice may be someone else's: the account has none yet, so it is asked.
        Assert.Equal("follows=True;restored=False;videos=False;pending=True", await Read(app, "/account", sharedComputer, Alice));
        (await app.PostChoiceAsync(sharedComputer, new { action = "accept-all" }, Alice)).EnsureSuccessStatusCode();
        Assert.Equal("follows=True;restored=False;videos=True;pending=False", await Read(app, "/account", sharedComputer, Alice));

        Assert.Equal(signedOutChoice, sharedComputer["ent_consent"]);
        Assert.NotNull(sharedComputer["ent_consent_account"]);
        // Signed out again: the device's own refusal, and the trackers granted while signed in are expired.
        Assert.Equal("follows=False;restored=False;videos=False;pending=False", await Read(app, "/account", sharedComputer));
        sharedComputer["vid_pref"] = "dark";
        var signedOut = await app.GetAsync("/state", sharedComputer);
        Assert.Equal(TimeSpan.Zero, CookieJar.FindSetCookie(signedOut, "vid_pref")?.MaxAge ?? TimeSpan.Zero);
        Assert.Null(sharedComputer["vid_pref"]);
    }

    [Fact]
    public async Task Another_user_on_the_same_browser_is_asked_and_never_gets_the_previous_users_account_choice()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store);
        var sharedComputer = new CookieJar();
        (await app.PostChoiceAsync(sharedComputer, new { action = "accept-all" }, Alice)).EnsureSuccessStatusCode();

        Assert.Equal("follows=True;restored=False;videos=False;pending=True", await Read(app, "/account", sharedComputer, Bob));
    }

    [Fact]
    public async Task On_a_new_device_the_accounts_choice_applies_once_with_a_notice_then_as_usual()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store);
        (await app.PostChoiceAsync(new CookieJar(), new { action = "accept-all" }, Alice)).EnsureSuccessStatusCode();

        var newDevice = new CookieJar();
        Assert.Equal("follows=True;restored=True;videos=True;pending=False", await Read(app, "/account", newDevice, Alice));
        Assert.NotNull(newDevice["ent_consent_account"]);
        Assert.Null(newDevice["ent_consent"]);
        Assert.Equal("follows=True;restored=False;videos=True;pending=False", await Read(app, "/account", newDevice, Alice));
    }

    [Theory]
    [InlineData("refuse-all")]
    [InlineData("withdraw")]
    public async Task A_refusal_or_withdrawal_on_one_device_reaches_the_others_like_a_grant(string action)
    {
        // Two nodes on one store, as two web servers behind a load balancer: each device talks to its own.
        var store = new FakeProofStore();
        await using var nodeA = await StartAsync(store, TimeSpan.FromSeconds(30));
        await using var nodeB = await StartAsync(store, TimeSpan.FromSeconds(30));
        var laptop = new CookieJar();
        var phone = new CookieJar();
        (await nodeA.PostChoiceAsync(laptop, new { action = "accept-all" }, Alice)).EnsureSuccessStatusCode();
        Assert.Equal("follows=True;restored=True;videos=True;pending=False", await Read(nodeB, "/account", phone, Alice));

        // Both nodes' clocks move on together: a choice is never taken from the future. The phone's copy is
        // confirmed against the store, then the laptop changes its mind.
        nodeA.Time.Advance(TimeSpan.FromMinutes(1));
        nodeB.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("follows=True;restored=False;videos=True;pending=False", await Read(nodeB, "/account", phone, Alice));
        nodeA.Time.Advance(TimeSpan.FromSeconds(1));
        nodeB.Time.Advance(TimeSpan.FromSeconds(1));
        object choice = action == "withdraw" ? new { action = "save", services = new { videos = false, partner = false } } : new { action };
        (await nodeA.PostChoiceAsync(laptop, choice, Alice)).EnsureSuccessStatusCode();
        await WaitUntil(() => store.Records.Count == 2);

        // Within the refresh interval the phone keeps its copy; after it, the account's newer choice applies there.
        nodeB.Time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal("follows=True;restored=False;videos=True;pending=False", await Read(nodeB, "/account", phone, Alice));
        nodeB.Time.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal("follows=True;restored=True;videos=False;pending=False", await Read(nodeB, "/account", phone, Alice));
        phone["vid_pref"] = "dark";
        await nodeB.GetAsync("/state", phone, Alice);
        Assert.Null(phone["vid_pref"]);
    }

    [Fact]
    public async Task A_device_choice_newer_than_the_stores_latest_is_kept()
    {
        // A refusal still in the spool, or made on this device after the store's latest: never replaced by an older one.
        var store = new FakeProofStore();
        await using var nodeA = await StartAsync(store, TimeSpan.Zero);
        await using var nodeB = await StartAsync(store, TimeSpan.Zero);
        (await nodeA.PostChoiceAsync(new CookieJar(), new { action = "accept-all" }, Alice)).EnsureSuccessStatusCode();
        var phone = new CookieJar();
        await Read(nodeB, "/account", phone, Alice);
        nodeB.Time.Advance(TimeSpan.FromMinutes(1));
        store.Unavailable = true;
        (await nodeB.PostChoiceAsync(phone, new { action = "refuse-all" }, Alice)).EnsureSuccessStatusCode();

        Assert.Equal("follows=True;restored=False;videos=False;pending=False", await Read(nodeB, "/account", phone, Alice));
    }

    [Fact]
    public async Task Refresh_interval_outside_zero_to_a_day_fails_at_start()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => ConsentTestApp.StartAsync(o => o.AccountChoiceRefreshInterval = TimeSpan.FromSeconds(-1)));
        Assert.Contains("AccountChoiceRefreshInterval", error.Message, StringComparison.Ordinal);
    }

    private static async Task<string> Read(ConsentTestApp app, string url, CookieJar jar, Action<HttpRequestMessage>? configure = null)
        => await (await app.GetAsync(url, jar, configure)).Content.ReadAsStringAsync();

    private static async Task WaitUntil(Func<bool> condition)
    {
        // Waits for the background writer; bounded, and never an assertion about how long it took.
        for (var i = 0; i < 2000 && !condition(); i++)
        {
            await Task.Delay(5);
        }

        Assert.True(condition());
    }
}
