using System.Net;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.AspNetCore.Tests;

public sealed class SetCookieEnforcementTests
{
    [Fact]
    public async Task Consent_required_cookie_written_by_raw_header_is_stripped()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_pref=abc; path=/; max-age=3600"), jar);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(CookieJar.FindSetCookie(response, "vid_pref"));
        Assert.Null(jar["vid_pref"]);
    }

    [Fact]
    public async Task Consent_required_cookie_written_through_Response_Cookies_is_stripped()
    {
        await using var app = await ConsentTestApp.StartAsync(routes: web => web.MapGet("/write", (HttpContext context) =>
        {
            context.Response.Cookies.Append("vid_session", "s1", new CookieOptions { HttpOnly = true });
            return "ok";
        }));

        var response = await app.GetAsync("/write", new CookieJar());

        Assert.Null(CookieJar.FindSetCookie(response, "vid_session"));
    }

    [Fact]
    public async Task Consent_required_cookie_passes_once_the_service_is_granted()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "accept-all" })).EnsureSuccessStatusCode();

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_pref=abc; path=/; max-age=3600"), jar);

        Assert.Equal("abc", CookieJar.FindSetCookie(response, "vid_pref")?.Value.Value);
    }

    [Fact]
    public async Task Essential_cookie_and_deletions_pass_without_any_choice()
    {
        await using var app = await ConsentTestApp.StartAsync();

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("portal_session=s; path=/; httponly")
            + "&h=" + Uri.EscapeDataString("vid_pref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/")
            + "&h=" + Uri.EscapeDataString("unknown_thing=; max-age=0"), new CookieJar());

        var names = CookieJar.SetCookies(response).Select(h => h.Split('=')[0]).ToList();
        Assert.Equal(["portal_session", "vid_pref", "unknown_thing"], names);
    }

    [Fact]
    public async Task Exempt_cookie_expiry_is_equal_on_two_visits_a_minute_apart()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        // The writer asks for 13 months from "now" on every visit, as Matomo does.
        string Url() => "/raw?h=" + Uri.EscapeDataString($"_pk_id.1.ab12=visitor; path=/; expires={app.Time.GetUtcNow().AddMonths(13).AddDays(1):R}");

        var first = CookieJar.FindSetCookie(await app.GetAsync(Url(), jar), "_pk_id.1.ab12");
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var second = CookieJar.FindSetCookie(await app.GetAsync(Url(), jar), "_pk_id.1.ab12");

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Equal(ConsentTestApp.Start.AddMonths(13), first.Expires);
        Assert.Equal(first.Expires, second.Expires);
        Assert.Null(second.MaxAge);
    }

    [Fact]
    public async Task First_deposit_cookie_is_written_once_httponly_and_ends_with_the_deadline()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        var url = "/raw?h=" + Uri.EscapeDataString("_pk_id.1.ab12=visitor; path=/; max-age=" + (400 * 24 * 3600));

        var first = CookieJar.FindSetCookie(await app.GetAsync(url, jar), "ent_consent_audience");
        app.Time.Advance(TimeSpan.FromMinutes(1));
        var second = CookieJar.FindSetCookie(await app.GetAsync(url, jar), "ent_consent_audience");

        Assert.NotNull(first);
        Assert.True(first.HttpOnly);
        Assert.Equal(ConsentTestApp.Start.AddMonths(13), first.Expires);
        Assert.Null(second);
    }

    [Fact]
    public async Task Tampered_first_deposit_cookie_is_not_trusted_and_counts_as_deleted()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        var url = "/raw?h=" + Uri.EscapeDataString("_pk_id.1.ab12=visitor; path=/; max-age=" + (400 * 24 * 3600));
        await app.GetAsync(url, jar);
        var genuine = jar["ent_consent_audience"]!;
        // Any edited date breaks the MAC: the cookie counts as deleted, and the next deposit starts a new cycle.
        jar["ent_consent_audience"] = "1." + (long.Parse(genuine.Split('.')[1]) + 86400) + "." + genuine.Split('.')[2];
        app.Time.Advance(TimeSpan.FromDays(2));

        var capped = CookieJar.FindSetCookie(await app.GetAsync(url, jar), "_pk_id.1.ab12");

        Assert.Equal(app.Time.GetUtcNow().AddMonths(13), capped?.Expires);
        Assert.NotEqual(genuine, jar["ent_consent_audience"]);
    }

    [Fact]
    public async Task Exempt_cookie_expiry_stays_on_the_first_deposit_deadline_months_later()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        string Url() => "/raw?h=" + Uri.EscapeDataString("_pk_id.1.ab12=visitor; path=/; max-age=" + (400 * 24 * 3600));

        await app.GetAsync(Url(), jar);
        Assert.NotNull(jar["ent_consent_audience"]);
        app.Time.Advance(TimeSpan.FromDays(200));
        var later = CookieJar.FindSetCookie(await app.GetAsync(Url(), jar), "_pk_id.1.ab12");

        // 31 January 2026 + 13 months = 28 February 2027, whatever the date of the later visit.
        Assert.Equal(new DateTimeOffset(2027, 2, 28, 9, 0, 0, TimeSpan.Zero), later?.Expires);
    }

    [Fact]
    public async Task Exempt_cookie_shorter_than_the_deadline_is_left_alone()
    {
        await using var app = await ConsentTestApp.StartAsync();

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("_pk_id.1.ab12=v; path=/; max-age=1800"), new CookieJar());

        Assert.Equal(TimeSpan.FromMinutes(30), CookieJar.FindSetCookie(response, "_pk_id.1.ab12")?.MaxAge);
    }

    [Fact]
    public async Task Exempt_cookie_is_dropped_after_the_user_objects()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "save", services = new { stats = false } })).EnsureSuccessStatusCode();

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("_pk_id.1.ab12=v; path=/"), jar);

        Assert.Null(CookieJar.FindSetCookie(response, "_pk_id.1.ab12"));
    }

    [Fact]
    public async Task Undeclared_cookie_is_dropped_in_Enforce_mode_and_logged_by_name_only()
    {
        await using var app = await ConsentTestApp.StartAsync();

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("mystery=secret-value-123; path=/"), new CookieJar());

        Assert.Null(CookieJar.FindSetCookie(response, "mystery"));
        Assert.Contains(app.Logs.OwnEntries, e => e.Id.Id == 101 && e.Message.Contains("'mystery'") && e.Message.Contains("dropped"));
        Assert.DoesNotContain(app.Logs.OwnEntries, e => e.Message.Contains("secret-value-123"));
    }

    [Fact]
    public async Task Undeclared_cookie_passes_in_Report_mode_with_a_warning()
    {
        await using var app = await ConsentTestApp.StartAsync(o => o.UndeclaredCookies = UndeclaredCookieMode.Report);

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("mystery=v; path=/"), new CookieJar());

        Assert.NotNull(CookieJar.FindSetCookie(response, "mystery"));
        Assert.Contains(app.Logs.OwnEntries, e => e.Id.Id == 101 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning && e.Message.Contains("Report mode"));
    }

    [Fact]
    public async Task Withdrawal_expires_an_HttpOnly_cookie_with_its_declared_domain_and_path()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "accept-all" })).EnsureSuccessStatusCode();
        await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_session=s1; path=/; httponly")
            + "&h=" + Uri.EscapeDataString("partner_id=p1; domain=.portal.test; path=/app; httponly"), jar);
        Assert.Equal("s1", jar["vid_session"]);
        Assert.Equal("p1", jar["partner_id"]);

        var response = await app.PostChoiceAsync(jar, new { action = "refuse-all" });

        response.EnsureSuccessStatusCode();
        var session = CookieJar.FindSetCookie(response, "vid_session");
        Assert.NotNull(session);
        Assert.True(session.HttpOnly);
        Assert.True(session.Expires < app.Time.GetUtcNow());
        var partner = CookieJar.FindSetCookie(response, "partner_id");
        Assert.NotNull(partner);
        Assert.Equal(".portal.test", partner.Domain.Value);
        Assert.Equal("/app", partner.Path.Value);
        Assert.True(partner.HttpOnly);
        Assert.Null(jar["vid_session"]);
        Assert.Null(jar["partner_id"]);
    }

    [Fact]
    public async Task Withdrawing_one_service_keeps_the_cookies_of_the_others()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "accept-all" })).EnsureSuccessStatusCode();
        await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_session=s1; path=/") + "&h=" + Uri.EscapeDataString("partner_id=p1; path=/"), jar);

        var response = await app.PostChoiceAsync(jar, new { action = "save", services = new { partner = false } });

        response.EnsureSuccessStatusCode();
        Assert.Null(CookieJar.FindSetCookie(response, "vid_session"));
        Assert.NotNull(CookieJar.FindSetCookie(response, "partner_id"));
        Assert.Equal("s1", jar["vid_session"]);
    }
}
