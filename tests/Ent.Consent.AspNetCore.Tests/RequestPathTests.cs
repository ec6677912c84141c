using System.Net;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>
/// The request path's guarantees, over HTTP only (public API), so each test also runs against older builds: order
/// of registration, the started response, cookie dates as browsers read them, the unlinkable subject field.
/// </summary>
public sealed class RequestPathTests
{
    /// <summary>
    /// A middleware placed before UseEntConsent that writes cookies from an OnStarting callback registered before the
    /// consent middleware runs (as the cookie authentication handler renews its cookie): its callback runs last.
    /// </summary>
    internal static void WritesCookiesWhenTheResponseStarts(WebApplication app)
        => app.Use((context, next) =>
        {
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                http.Response.Headers.Append("Set-Cookie", "vid_pref=late-raw; path=/; max-age=3600");
                http.Response.Cookies.Append("vid_session", "late-api", new CookieOptions { Path = "/", HttpOnly = true });
                return Task.CompletedTask;
            }, context);
            return next(context);
        });

    [Fact]
    public async Task Cookies_written_by_an_OnStarting_callback_registered_before_UseEntConsent_are_stripped_without_consent()
    {
        await using var app = await ConsentTestApp.StartAsync(beforeConsent: WritesCookiesWhenTheResponseStarts);

        var response = await app.GetAsync("/state", new CookieJar());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(CookieJar.FindSetCookie(response, "vid_pref"));
        Assert.Null(CookieJar.FindSetCookie(response, "vid_session"));
    }

    [Fact]
    public async Task Cookies_written_by_an_OnStarting_callback_registered_before_UseEntConsent_are_kept_with_consent()
    {
        await using var app = await ConsentTestApp.StartAsync(beforeConsent: WritesCookiesWhenTheResponseStarts);
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "accept-all" })).EnsureSuccessStatusCode();

        var response = await app.GetAsync("/state", jar);

        Assert.Equal("late-raw", CookieJar.FindSetCookie(response, "vid_pref")?.Value.Value);
        Assert.Equal("late-api", CookieJar.FindSetCookie(response, "vid_session")?.Value.Value);
    }

    [Fact]
    public async Task A_choice_is_applied_when_UseCookiePolicy_later_stands_in_for_the_cookie_and_tracking_features()
    {
        await using var app = await ConsentTestApp.StartAsync(routes: static app => app.UseCookiePolicy());
        var jar = new CookieJar();

        var response = await app.PostChoiceAsync(jar, new { action = "accept-all" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(CookieJar.FindSetCookie(response, "ent_consent"));
        Assert.Equal("pending=False;videos=True;stats=True;channel=FirstLayer", await (await app.GetAsync("/state", jar)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_raw_header_written_before_a_Response_Cookies_append_is_still_decided()
    {
        await using var app = await ConsentTestApp.StartAsync(routes: web => web.MapGet("/mixed", (HttpContext context) =>
        {
            context.Response.Headers.Append("Set-Cookie", "vid_pref=raw; path=/; max-age=3600");
            context.Response.Cookies.Append("portal_session", "s1");
            return "ok";
        }));

        var response = await app.GetAsync("/mixed", new CookieJar());

        Assert.Null(CookieJar.FindSetCookie(response, "vid_pref"));
        Assert.Equal("s1", CookieJar.FindSetCookie(response, "portal_session")?.Value.Value);
    }

    [Fact]
    public async Task WithdrawConsent_after_the_response_started_throws_and_changes_nothing()
    {
        var store = new FakeProofStore();
        string? outcome = null;
        await using var app = await ConsentTestApp.StartAsync(
            services: s => s.AddSingleton<IConsentProofStore>(store),
            routes: web => web.MapGet("/late-withdrawal", async (HttpContext context) =>
            {
                await context.Response.WriteAsync("started");
                await context.Response.Body.FlushAsync();
                try
                {
                    context.Features.Get<ITrackingConsentFeature>()!.WithdrawConsent();
                    outcome = "no exception";
                }
                catch (InvalidOperationException exception)
                {
                    outcome = exception.Message + "|state=" + (context.GetConsent().State is null ? "none" : "changed");
                }
            }));

        var response = await app.GetAsync("/late-withdrawal", new CookieJar());
        await Task.Delay(200); // the refusal writer would have taken a queued proof by now

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(outcome);
        Assert.Contains("response has already started", outcome);
        Assert.EndsWith("|state=none", outcome);
        Assert.Empty(store.Records);
        Assert.Null(CookieJar.FindSetCookie(response, "ent_consent"));
    }

    [Theory]
    [InlineData("vid_pref=abc; Expires=Sun, 01 Jan 50 00:00:00 GMT; path=/")]
    [InlineData("vid_pref=abc; Expires=Sunday, 01-Jan-50 00:00:00 GMT; path=/")]
    [InlineData("vid_pref=abc; expires=Thu, 01 Jan 1970 00:00:00 GMT; expires=Sun, 01 Jan 50 00:00:00 GMT")]
    [InlineData("vid_pref=abc; Expires=2050-01-01")]
    [InlineData("vid_pref=abc; Max-Age=abc; Expires=Sun, 01 Jan 50 00:00:00 GMT")]
    public async Task A_cookie_a_browser_keeps_is_not_taken_for_a_deletion_after_a_refusal(string header)
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "refuse-all" })).EnsureSuccessStatusCode();

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString(header), jar);

        Assert.DoesNotContain(CookieJar.SetCookies(response), h => h.StartsWith("vid_pref=", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("vid_pref=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/")]
    [InlineData("vid_pref=; Max-Age=0; path=/")]
    [InlineData("vid_pref=; max-age=-1; expires=Sun, 01 Jan 50 00:00:00 GMT")]
    [InlineData("vid_pref=; Path=/; EXPIRES=Thu, 01 Jan 1970 00:00:01 GMT")]
    public async Task A_genuine_deletion_still_passes_without_consent(string header)
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "refuse-all" })).EnsureSuccessStatusCode();

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString(header), jar);

        Assert.Equal(header, Assert.Single(CookieJar.SetCookies(response), h => h.StartsWith("vid_pref=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_deletion_through_Response_Cookies_passes_without_consent()
    {
        await using var app = await ConsentTestApp.StartAsync(routes: web => web.MapGet("/delete", (HttpContext context) =>
        {
            context.Response.Cookies.Delete("vid_pref");
            return "ok";
        }));

        var response = await app.GetAsync("/delete", new CookieJar());

        var deletion = CookieJar.FindSetCookie(response, "vid_pref");
        Assert.NotNull(deletion);
        Assert.True(deletion.Expires < ConsentTestApp.Start);
    }

    [Theory]
    [InlineData("_pk_id.1.ab12=v; path=/; Expires=Sun, 01 Jan 50 00:00:00 GMT")]
    [InlineData("_pk_id.1.ab12=v; path=/; Expires=2050-01-01")]
    [InlineData("_pk_id.1.ab12=v; path=/; expires=Thu, 01 Jan 1970 00:00:00 GMT; Expires=01 Jan 50 00:00:00")]
    public async Task An_exempt_cookie_with_a_date_browsers_read_far_ahead_is_capped_at_the_first_deposit_deadline(string header)
    {
        await using var app = await ConsentTestApp.StartAsync();

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString(header), new CookieJar());

        var written = Assert.Single(CookieJar.SetCookies(response), h => h.StartsWith("_pk_id.1.ab12=", StringComparison.Ordinal));
        Assert.Equal("_pk_id.1.ab12=v; path=/; expires=" + ConsentTestApp.Start.AddMonths(13).ToString("R"), written);
    }

    [Fact]
    public async Task An_exempt_cookie_with_a_two_digit_year_is_dropped_after_an_objection()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "save", services = new { stats = false } })).EnsureSuccessStatusCode();

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("_pk_id.1.ab12=v; path=/; Expires=Sun, 01 Jan 50 00:00:00 GMT"), jar);

        Assert.Null(CookieJar.FindSetCookie(response, "_pk_id.1.ab12"));
    }

    [Fact]
    public async Task The_same_user_on_two_devices_gets_two_subject_fields_neither_of_which_is_the_subject_hash()
    {
        var store = new FakeProofStore();
        await using var app = await ConsentTestApp.StartAsync(services: s => s.AddSingleton<IConsentProofStore>(store));
        var laptop = new CookieJar();
        var phone = new CookieJar();
        static void Signed(HttpRequestMessage r) => r.Headers.Add("X-Test-User", "eleve.42");

        (await app.PostChoiceAsync(laptop, new { action = "accept-all" }, Signed)).EnsureSuccessStatusCode();
        (await app.PostChoiceAsync(phone, new { action = "accept-all" }, Signed)).EnsureSuccessStatusCode();

        var onLaptop = laptop["ent_consent"]!.Split('.')[7];
        var onPhone = phone["ent_consent"]!.Split('.')[7];
        var subjectHash = store.Records[0].Content.SubjectKey;
        Assert.Equal(22, onLaptop.Length);
        Assert.Equal(22, onPhone.Length);
        Assert.NotEqual(onLaptop, onPhone);
        Assert.NotNull(subjectHash);
        Assert.Equal(subjectHash, store.Records[1].Content.SubjectKey);
        Assert.NotEqual(subjectHash, onLaptop);
        Assert.NotEqual(subjectHash, onPhone);
        // Each cookie still holds for its user, on its device.
        Assert.StartsWith("pending=False;videos=True", await (await app.GetAsync("/state", phone, Signed)).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Asking_about_an_undeclared_service_is_refused_and_warned_once_per_id_naming_the_fix()
    {
        await using var app = await ConsentTestApp.StartAsync(routes: web => web.MapGet("/typo", (HttpContext context)
            => $"{context.GetConsent().IsAllowed("vidoes")}|{context.GetConsent().IsAllowed("vidoes")}"));

        var first = await (await app.GetAsync("/typo", new CookieJar())).Content.ReadAsStringAsync();
        var second = await (await app.GetAsync("/typo", new CookieJar())).Content.ReadAsStringAsync();

        Assert.Equal("False|False", first);
        Assert.Equal("False|False", second);
        var warning = Assert.Single(app.Logs.OwnEntries, e => e.Message.Contains("vidoes", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Warning, warning.Level);
        Assert.Contains("Declare it", warning.Message);
    }
}
