using Microsoft.Playwright;

namespace Ent.Consent.Widget.Tests;

/// <summary>The in-page guard (guard.js) in Chromium: what script may write, before and after a choice.</summary>
[Collection(BrowserCollection.Name)]
public sealed class GuardTests(WidgetSite site)
{
    private const string Banner = "[data-ent-consent-banner]";
    private const string Dialog = "#ent-consent-preferences";

    // What a tracker's script tries: one write per kind of name, through every API the guard wraps.
    private const string Writes = """
        async () => {
          window.blocked = [];
          EntConsentGuard.onBlocked = b => blocked.push(b.name + ':' + (b.service || '') + ':' + b.via);
          document.cookie = 'ps_id=1; Max-Age=600; Path=/';
          document.cookie = 'ps_id=2; Max-Age=600; Path=/';
          document.cookie = 'rogue_id=1; Max-Age=600; Path=/';
          document.cookie = 'SERVERID=s1; Path=/';
          await cookieStore.set('ps_session7', '1');
          await cookieStore.set({ name: 'rogue_store', value: '1' });
          localStorage.setItem('ps_queue', '1');
          sessionStorage.setItem('ps_cache.x', '1');
          localStorage.setItem('own_key', '1');
          return blocked;
        }
        """;

    [Fact]
    public async Task After_a_refusal_script_writes_of_refused_and_undeclared_cookies_and_storage_keys_are_not_stored()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        await page.ClickAsync($"{Banner} [data-ent-consent-action=refuse-all]");
        await Assertions.Expect(page.Locator(Banner)).ToBeHiddenAsync();

        var blocked = await page.EvaluateAsync<string[]>(Writes);

        var cookies = (await page.Context.CookiesAsync()).Select(static c => c.Name).ToHashSet();
        Assert.DoesNotContain("ps_id", cookies);
        Assert.DoesNotContain("ps_session7", cookies);
        Assert.DoesNotContain("rogue_id", cookies);
        Assert.DoesNotContain("rogue_store", cookies);
        Assert.Contains("SERVERID", cookies);
        Assert.Equal(["own_key"], await page.EvaluateAsync<string[]>("() => Object.keys(localStorage)"));
        Assert.Empty(await page.EvaluateAsync<string[]>("() => Object.keys(sessionStorage)"));
        // Once per name, with the service that was not allowed (none for an undeclared name).
        Assert.Equal(["ps_id:partner-stats:cookie", "rogue_id::cookie", "ps_session7:partner-stats:cookieStore", "rogue_store::cookieStore",
            "ps_queue:partner-stats:storage", "ps_cache.x:partner-stats:storage"], blocked);
        // Reads are untouched, and a deletion always passes.
        Assert.Contains("SERVERID=s1", await page.EvaluateAsync<string>("() => document.cookie"));
        await page.EvaluateAsync("() => { document.cookie = 'SERVERID=; Max-Age=0; Path=/'; }");
        Assert.DoesNotContain(await page.Context.CookiesAsync(), static c => c.Name == "SERVERID");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Guard_follows_a_grant_and_a_withdrawal_without_a_reload()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        await page.ClickAsync($"{Banner} [data-ent-consent-action=accept-all]");
        await page.WaitForFunctionAsync("() => EntConsent.isAllowed('partner-stats')");

        Assert.Equal(["rogue_id::cookie", "rogue_store::cookieStore"], await page.EvaluateAsync<string[]>(Writes));
        var cookies = (await page.Context.CookiesAsync()).Select(static c => c.Name).ToHashSet();
        Assert.Contains("ps_id", cookies);
        Assert.Contains("ps_session7", cookies);
        Assert.Contains("ps_queue", await page.EvaluateAsync<string[]>("() => Object.keys(localStorage)"));

        await page.ClickAsync("[data-ent-consent-action=open]");
        await page.UncheckAsync($"{Dialog} input[data-ent-consent-service=partner-stats]");
        await page.ClickAsync($"{Dialog} [data-ent-consent-action=save]");
        await page.WaitForFunctionAsync("() => !EntConsent.isAllowed('partner-stats')");
        await page.EvaluateAsync("() => { localStorage.clear(); sessionStorage.clear(); }");

        await page.EvaluateAsync<string[]>(Writes);
        Assert.DoesNotContain(await page.Context.CookiesAsync(), static c => c.Name is "ps_id" or "ps_session7");
        Assert.Equal(["own_key"], await page.EvaluateAsync<string[]>("() => Object.keys(localStorage)"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Exempt_cookie_written_from_script_keeps_the_first_deposit_deadline_on_a_later_visit()
    {
        var page = await site.NewPageAsync();
        var realNow = DateTimeOffset.UtcNow;
        try
        {
            // The server lives 60 days back on the first visit and 20 days back on the second, so the browser's 13 months
            // from now end past the first-deposit deadline on both: the tracker asks for more than it may keep.
            site.Clock.Offset = TimeSpan.FromDays(-60);
            await page.GotoAsync(site.PortalUrl + "/exempt");
            await page.WaitForFunctionAsync("() => window.trackerRuns === 1");
            var firstVisitEnd = DateTimeOffset.UtcNow;
            var first = await Expiries(page);

            site.Clock.Offset = TimeSpan.FromDays(-20);
            await page.GotoAsync(site.PortalUrl + "/exempt");
            await page.WaitForFunctionAsync("() => window.trackerRuns === 1");
            var second = await Expiries(page);

            // The server's deposit cookie ends at first deposit + 13 months (Playwright reports it as a float: 256 s of
            // rounding at this magnitude); the script's cookies end there too, to the second, on both visits.
            var deposit = (long)(await page.Context.CookiesAsync()).Single(static c => c.Name == "ent_consent_audience").Expires;
            Assert.InRange(deposit, RegulatoryDurations.ExemptAudienceCookieDeadline(realNow.AddDays(-60)).ToUnixTimeSeconds() - 256,
                RegulatoryDurations.ExemptAudienceCookieDeadline(firstVisitEnd.AddDays(-60)).ToUnixTimeSeconds() + 256);
            var deadline = first["_pk_id.1.aa"];
            Assert.InRange(deadline, deposit - 256, deposit + 256);
            Assert.Equal(deadline, first["_pk_id.1.bb"]);
            Assert.Equal(deadline, second["_pk_id.1.aa"]);
            Assert.Equal(deadline, second["_pk_id.1.bb"]);
        }
        finally
        {
            site.Clock.Offset = TimeSpan.Zero;
            await page.Context.CloseAsync();
        }
    }

    // The script-visible cookies' ends in Unix seconds, to the millisecond as the browser stores them.
    private static Task<Dictionary<string, long>> Expiries(IPage page)
        => page.EvaluateAsync<Dictionary<string, long>>("async () => Object.fromEntries((await cookieStore.getAll()).map(c => [c.name, Math.round(c.expires / 1000)]))");
}
