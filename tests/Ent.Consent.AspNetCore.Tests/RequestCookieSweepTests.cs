using System.Diagnostics.Metrics;
using Ent.Consent.AspNetCore.Enforcement;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>
/// Every response expires the cookies the request carries against its consent, whoever wrote them (a script, a
/// previous user of the same computer): regulation.md §3 rules 1, 7 and 14.
/// </summary>
public sealed class RequestCookieSweepTests
{
    private static List<SetCookieHeaderValue> Expiring(HttpResponseMessage response, string name)
        => [.. CookieJar.SetCookies(response).Select(static h => SetCookieHeaderValue.Parse(h)).Where(c => c.Name.Value == name)];

    private static void AssertExpired(SetCookieHeaderValue cookie, DateTimeOffset now)
        => Assert.True(cookie.MaxAge <= TimeSpan.Zero && cookie.Expires < now, cookie.ToString());

    [Fact]
    public async Task A_refused_services_cookie_carried_by_the_request_is_expired_on_an_ordinary_page()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "refuse-all" })).EnsureSuccessStatusCode();
        jar["vid_pref"] = "written-by-a-script";

        var response = await app.GetAsync("/state", jar);

        var expiring = Assert.Single(Expiring(response, "vid_pref"));
        AssertExpired(expiring, app.Time.GetUtcNow());
        Assert.Equal("/", expiring.Path.Value);
        Assert.Null(jar["vid_pref"]);
    }

    [Fact]
    public async Task A_consent_required_cookie_is_expired_before_any_choice()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar { ["vid_session"] = "s1" };

        var response = await app.GetAsync("/state", jar);

        var expiring = Assert.Single(Expiring(response, "vid_session"));
        Assert.True(expiring.HttpOnly);
        Assert.Null(jar["vid_session"]);
    }

    [Fact]
    public async Task Allowed_and_essential_cookies_get_no_Set_Cookie_at_all()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "accept-all" })).EnsureSuccessStatusCode();
        jar["vid_pref"] = "p";
        jar["partner_id"] = "x";
        jar["_pk_id.1.ab12"] = "v";
        jar["portal_session"] = "s";
        jar["ent_consent_audience"] = "not-even-valid";

        var response = await app.GetAsync("/state", jar);

        Assert.Empty(CookieJar.SetCookies(response));
    }

    [Fact]
    public async Task An_objected_exempt_audience_cookie_is_expired()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "save", services = new { stats = false } })).EnsureSuccessStatusCode();
        jar["_pk_id.1.ab12"] = "v";

        var response = await app.GetAsync("/state", jar);

        Assert.NotEmpty(Expiring(response, "_pk_id.1.ab12"));
    }

    [Fact]
    public async Task Essential_cookies_are_never_expired_even_without_a_choice()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        await app.TokenAsync(jar);
        var antiforgery = Assert.Single(jar.Names, static n => n.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        jar["ent_consent"] = "tampered";
        jar["ent_consent_audience"] = "tampered";
        jar["portal_session"] = "s";

        var response = await app.GetAsync("/state", jar);

        Assert.Empty(CookieJar.SetCookies(response));
        Assert.NotNull(jar[antiforgery]);
    }

    [Fact]
    public async Task An_undeclared_cookie_is_expired_in_Enforce_mode()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar { ["_hjSessionUser_123"] = "x" };

        var response = await app.GetAsync("/state", jar);

        Assert.NotEmpty(Expiring(response, "_hjSessionUser_123"));
        Assert.Null(jar["_hjSessionUser_123"]);
    }

    [Fact]
    public async Task An_undeclared_cookie_is_only_logged_and_counted_in_Report_mode()
    {
        await using var app = await ConsentTestApp.StartAsync(static o => o.UndeclaredCookies = UndeclaredCookieMode.Report);
        using var blocked = new BlockedCookies(app.Services.GetRequiredService<IMeterFactory>());
        var jar = new CookieJar { ["_hjSessionUser_123"] = "x" };

        var response = await app.GetAsync("/state", jar);
        await app.GetAsync("/state", jar);

        Assert.Empty(CookieJar.SetCookies(response));
        Assert.Equal("x", jar["_hjSessionUser_123"]);
        var logs = app.Logs.OwnEntries.Where(static e => e.Id.Id == 107).ToList();
        Assert.Equal([LogLevel.Information, LogLevel.Debug], logs.Select(static e => e.Level));
        Assert.Equal(2, blocked.Of("reported").Count(static n => n == "_hjSessionUser_123"));
    }

    [Fact]
    public async Task Ignored_cookies_of_other_applications_are_left_exact_or_by_prefix()
    {
        await using var app = await ConsentTestApp.StartAsync(static o =>
        {
            o.IgnoredCookies.Add("SimpleSAMLSessionID");
            o.IgnoredCookies.Add("moodle_*");
        });
        var jar = new CookieJar { ["SimpleSAMLSessionID"] = "a", ["moodle_session"] = "b", ["moodle"] = "c" };

        var response = await app.GetAsync("/state", jar);

        Assert.Empty(Expiring(response, "SimpleSAMLSessionID"));
        Assert.Empty(Expiring(response, "moodle_session"));
        Assert.NotEmpty(Expiring(response, "moodle"));
    }

    [Fact]
    public async Task A_declared_cookie_is_expired_with_its_declared_domain_and_path_host_only_and_each_parent_domain()
    {
        await using var app = await ConsentTestApp.StartAsync(static o => o.CookieDomains.Add("portal.test"));
        var jar = new CookieJar { ["partner_id"] = "p", ["vid_pref"] = "v" };

        var response = await app.GetAsync("/app/pages/one", jar);

        var partner = Expiring(response, "partner_id").Select(static c => (c.Domain.Value, c.Path.Value)).ToList();
        Assert.Equal(
            [(".portal.test", "/app"), (".portal.test", "/"), (".portal.test", "/app/pages"), (null, "/app"), (null, "/"), (null, "/app/pages")],
            partner);
        Assert.All(Expiring(response, "partner_id"), static c => Assert.True(c.HttpOnly));
        var video = Expiring(response, "vid_pref").Select(static c => (c.Domain.Value, c.Path.Value)).ToList();
        Assert.Equal([(null, "/"), (null, "/app/pages"), (".portal.test", "/"), (".portal.test", "/app/pages")], video);
    }

    [Fact]
    public async Task A_parent_domain_that_does_not_cover_the_host_is_not_used()
    {
        await using var app = await ConsentTestApp.StartAsync(static o => o.CookieDomains.Add("other.test"));
        var jar = new CookieJar { ["vid_pref"] = "v" };

        var response = await app.GetAsync("/state", jar);

        var expiring = Assert.Single(Expiring(response, "vid_pref"));
        Assert.Null(expiring.Domain.Value);
    }

    [Fact]
    public async Task A_name_carried_twice_is_expired_once()
    {
        await using var app = await ConsentTestApp.StartAsync();

        var response = await app.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/state")
        {
            Headers = { { "Cookie", "vid_pref=a; vid_pref=b; vid_pref=c" } },
        });

        Assert.Single(Expiring(response, "vid_pref"));
    }

    [Fact]
    public async Task Each_name_is_logged_at_Information_once_per_process_then_at_Debug_and_told_to_OnCookieBlocked()
    {
        var told = new List<(string Name, string? Service, ConsentCookieBlockReason Reason)>();
        await using var app = await ConsentTestApp.StartAsync(o => o.Events.OnCookieBlocked = c =>
        {
            lock (told)
            {
                told.Add((c.CookieName, c.ServiceId, c.Reason));
            }
        });
        var jar = new CookieJar { ["vid_pref"] = "v" };
        await app.GetAsync("/state", jar);
        jar["vid_pref"] = "v";
        await app.GetAsync("/state", jar);

        var logs = app.Logs.OwnEntries.Where(static e => e.Id.Id == 105).ToList();
        Assert.Equal([LogLevel.Information, LogLevel.Debug], logs.Select(static e => e.Level));
        Assert.Contains("'vid_pref'", logs[0].Message);
        Assert.DoesNotContain("\"v\"", logs[0].Message);
        Assert.Equal([("vid_pref", "videos", ConsentCookieBlockReason.Expired), ("vid_pref", "videos", ConsentCookieBlockReason.Expired)], told);
    }

    [Fact]
    public async Task Expiries_are_counted_with_the_expired_reason()
    {
        await using var app = await ConsentTestApp.StartAsync();
        using var blocked = new BlockedCookies(app.Services.GetRequiredService<IMeterFactory>());

        await app.GetAsync("/state", new CookieJar { ["vid_pref"] = "v", ["unknown"] = "u" });

        Assert.Equal(["unknown", "vid_pref"], blocked.Of("expired").Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("=;;; ;=x; ent_consent; a==b; vid_pref")]
    [InlineData(";;;;;;;;")]
    [InlineData("\"vid\"=1; vid pref=2; vid,pref=3; vid\\pref=4")]
    [InlineData("   ")]
    public async Task A_malformed_Cookie_header_expires_nothing_and_throws_nothing(string header)
    {
        await using var app = await ConsentTestApp.StartAsync();
        var context = await app.App.GetTestServer().SendAsync(c =>
        {
            c.Request.Path = "/state";
            c.Request.Headers.Cookie = header;
        });

        Assert.Equal(200, context.Response.StatusCode);
        Assert.DoesNotContain(context.Response.Headers.SetCookie, static v => !v!.StartsWith("a=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Names_with_control_or_non_ASCII_characters_are_left_alone()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var context = await app.App.GetTestServer().SendAsync(static c =>
        {
            c.Request.Path = "/state";
            c.Request.Headers.Cookie = "trac\u00e9ur=1; tab\tname=2; nul\u0000=3; " + new string('x', RequestCookieSweep.MaxNameLength + 1) + "=4; ent_consent=x";
        });

        Assert.Equal(200, context.Response.StatusCode);
        Assert.Equal(0, context.Response.Headers.SetCookie.Count);
    }

    [Fact]
    public async Task Thousands_of_cookies_expire_a_bounded_number_of_names_per_response_and_the_rest_later()
    {
        await using var app = await ConsentTestApp.StartAsync(static o => o.CookieDomains.Add("portal.test"));
        var header = "ent_consent=x; portal_session=s; " + string.Join("; ", Enumerable.Range(0, 3000).Select(static i => $"t{i}=v"));
        var context = await app.App.GetTestServer().SendAsync(c =>
        {
            c.Request.Path = "/state";
            c.Request.Host = new HostString("ent.portal.test");
            c.Request.Headers.Cookie = header;
        });

        var setCookies = context.Response.Headers.SetCookie;
        Assert.Equal(200, context.Response.StatusCode);
        Assert.InRange(setCookies.Count, 1, RequestCookieSweep.MaxHeadersPerResponse);
        var names = setCookies.Select(static v => v![..v!.IndexOf('=')]).Distinct().ToList();
        Assert.InRange(names.Count, 1, RequestCookieSweep.MaxNamesPerResponse);
        Assert.DoesNotContain("ent_consent", names);
        Assert.DoesNotContain("portal_session", names);
        Assert.Equal("t0", names[0]);
    }

    [Fact]
    public async Task After_sign_out_on_a_shared_computer_the_previous_users_granted_trackers_are_expired()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        static void AsA(HttpRequestMessage r) => r.Headers.Add("X-Test-User", "pupil-a");
        (await app.PostChoiceAsync(jar, new { action = "accept-all" }, AsA)).EnsureSuccessStatusCode();
        await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_session=s1; path=/; httponly") + "&h=" + Uri.EscapeDataString("vid_pref=p; path=/"), jar, AsA);
        Assert.Equal("s1", jar["vid_session"]);
        var stillA = await app.GetAsync("/state", jar, AsA);
        Assert.Empty(CookieJar.SetCookies(stillA));

        // A signs out: the next request is anonymous, then another pupil signs in.
        var anonymous = await app.GetAsync("/state", jar);

        Assert.NotEmpty(Expiring(anonymous, "vid_session"));
        Assert.NotEmpty(Expiring(anonymous, "vid_pref"));
        Assert.Null(jar["vid_session"]);
        Assert.Null(jar["vid_pref"]);
        Assert.NotNull(jar["ent_consent"]);
    }

    [Fact]
    public async Task Another_signed_in_user_gets_the_previous_users_trackers_expired()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "accept-all" }, static r => r.Headers.Add("X-Test-User", "parent"))).EnsureSuccessStatusCode();
        jar["vid_pref"] = "p";

        var response = await app.GetAsync("/state", jar, static r => r.Headers.Add("X-Test-User", "pupil"));

        Assert.NotEmpty(Expiring(response, "vid_pref"));
    }

    [Fact]
    public async Task A_grant_in_the_request_keeps_the_cookies_it_allows()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        var token = await app.TokenAsync(jar);
        jar["vid_pref"] = "p";

        var response = await app.SendAsync(HttpMethod.Post, "/consent", jar, System.Net.Http.Json.JsonContent.Create(new { action = "accept-all" }), r => r.Headers.Add("RequestVerificationToken", token));

        response.EnsureSuccessStatusCode();
        Assert.Empty(Expiring(response, "vid_pref"));
        Assert.Equal("p", jar["vid_pref"]);
    }

    [Theory]
    [InlineData("*", "IgnoredCookies has '*'")]
    [InlineData("", "IgnoredCookies has ''")]
    [InlineData("a*b", "'*' may only end a prefix")]
    [InlineData("bad name", "which no cookie can be named")]
    public async Task Ignored_cookies_that_would_exempt_everything_or_cannot_be_names_stop_start_up(string name, string expected)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => ConsentTestApp.StartAsync(o => o.IgnoredCookies.Add(name)));

        Assert.Contains(expected, exception.Message);
    }

    [Theory]
    [InlineData("https://example.fr")]
    [InlineData("fr")]
    [InlineData("*.example.fr")]
    [InlineData("example.fr:443")]
    [InlineData("example.fr/path")]
    [InlineData("")]
    public async Task A_cookie_domain_that_is_not_a_parent_domain_name_stops_start_up(string domain)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => ConsentTestApp.StartAsync(o => o.CookieDomains.Add(domain)));

        Assert.Contains($"CookieDomains has '{domain}'", exception.Message);
    }

    [Fact]
    public async Task More_than_four_cookie_domains_stop_start_up()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => ConsentTestApp.StartAsync(static o =>
        {
            foreach (var d in new[] { "a.fr", "b.fr", "c.fr", "d.fr", "e.fr" })
            {
                o.CookieDomains.Add(d);
            }
        }));

        Assert.Contains("CookieDomains lists 5 domains; at most 4", exception.Message);
    }

    /// <summary>The cookie names counted by <c>ent_consent.cookies.blocked</c>, by reason.</summary>
    private sealed class BlockedCookies : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Cookie, string Reason)> _measurements = [];

        public BlockedCookies(IMeterFactory meters)
        {
            var meter = meters.Create("Ent.Consent");
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter) && instrument.Name == "ent_consent.cookies.blocked")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
            {
                string? cookie = null, reason = null;
                foreach (var tag in tags)
                {
                    if (tag.Key == "cookie")
                    {
                        cookie = (string?)tag.Value;
                    }
                    else if (tag.Key == "reason")
                    {
                        reason = (string?)tag.Value;
                    }
                }

                lock (_measurements)
                {
                    _measurements.Add((cookie!, reason!));
                }
            });
            _listener.Start();
        }

        public List<string> Of(string reason)
        {
            lock (_measurements)
            {
                return [.. _measurements.Where(m => m.Reason == reason).Select(static m => m.Cookie)];
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
