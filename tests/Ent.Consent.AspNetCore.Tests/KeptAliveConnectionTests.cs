using System.Net;
using System.Security.Claims;
using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Enforcement;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>
/// Kestrel hands a kept-alive connection's next request the very same <c>Cookie</c> string when the browser sends
/// the same cookies, and Ent.Consent then takes the consent and the sweep of the last request again. These tests
/// pin what must still be decided afresh: the clock and the signed-in user.
/// </summary>
public sealed class KeptAliveConnectionTests
{
    private const string SubjectKey = "a-test-subject-key-of-at-least-32-characters";

    [Fact]
    public async Task The_same_cookies_on_one_connection_after_the_consent_expired_count_as_no_choice_and_are_expired()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using var portal = await Portal.StartAsync(time);
        var state = ConsentState.Create(portal.Policy, [KeyValuePair.Create("videos", ConsentDecision.Granted)], ConsentChannel.FirstLayer, time.GetUtcNow());
        var cookies = "portal_session=s1; vid_pref=hd; ent_consent=" + ConsentCookie.Write(state, null, portal.Runtime.ConsentCookieSigner);

        var first = await portal.GetAsync(cookies);
        var second = await portal.GetAsync(cookies);
        time.SetUtcNow(state.ExpiresAt.AddMinutes(1));
        var afterExpiry = await portal.GetAsync(cookies);

        Assert.Equal(("videos allowed", false), first);
        Assert.Equal(("videos allowed", false), second);
        Assert.Equal(("videos not allowed", true), afterExpiry);
        portal.AssertTheConnectionReusedTheCookieString();
    }

    [Fact]
    public async Task The_same_cookies_on_one_connection_count_for_the_user_they_were_given_by_only()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
        await using var portal = await Portal.StartAsync(time);
        var state = ConsentState.Create(portal.Policy, [KeyValuePair.Create("videos", ConsentDecision.Granted)], ConsentChannel.FirstLayer, time.GetUtcNow());
        var binding = portal.Runtime.Subjects.Bind(portal.Runtime.Subjects.Hash("parent-1"), state.ConsentId);
        var cookies = "vid_pref=hd; ent_consent=" + ConsentCookie.Write(state, binding, portal.Runtime.ConsentCookieSigner);

        var parent = await portal.GetAsync(cookies, user: "parent-1");
        var parentAgain = await portal.GetAsync(cookies, user: "parent-1");
        var pupil = await portal.GetAsync(cookies, user: "pupil-1");
        var signedOut = await portal.GetAsync(cookies, user: null);
        var parentOnceMore = await portal.GetAsync(cookies, user: "parent-1");

        Assert.Equal(("videos allowed", false), parent);
        Assert.Equal(("videos allowed", false), parentAgain);
        Assert.Equal(("videos not allowed", true), pupil);
        Assert.Equal(("videos not allowed", true), signedOut);
        Assert.Equal(("videos allowed", false), parentOnceMore);
        portal.AssertTheConnectionReusedTheCookieString();
    }

    [Fact]
    public async Task The_same_deposit_cookie_on_one_connection_caps_audience_cookies_until_its_13_months_end_then_starts_a_new_cycle()
    {
        var firstDeposit = new DateTimeOffset(2025, 3, 2, 9, 0, 0, TimeSpan.Zero);
        var time = new FakeTimeProvider(firstDeposit.AddMonths(1));
        await using var portal = await Portal.StartAsync(time);
        // No choice needed: exempt audience measurement runs without consent.
        var cookies = "portal_session=s1; " + AudienceDepositCookie.NameFor("ent_consent") + "=" + AudienceDepositCookie.Write(firstDeposit, portal.Runtime.DepositCookieSigner);

        var first = await portal.GetAudienceCookieAsync(cookies);
        var second = await portal.GetAudienceCookieAsync(cookies);
        time.SetUtcNow(firstDeposit.AddMonths(13).AddDays(1));
        var afterTheCycle = await portal.GetAudienceCookieAsync(cookies);

        var deadline = RegulatoryDurations.ExemptAudienceCookieDeadline(firstDeposit);
        Assert.Equal((deadline, false), first);
        Assert.Equal((deadline, false), second);
        // The deposit no longer holds: a new cycle starts now, with its own deposit cookie.
        Assert.Equal((RegulatoryDurations.ExemptAudienceCookieDeadline(time.GetUtcNow()), true), afterTheCycle);
        portal.AssertTheConnectionReusedTheCookieString();
    }

    private sealed class Portal : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly HttpClient _client;
        private readonly List<string> _seen;

        private Portal(WebApplication app, HttpClient client, List<string> seen)
        {
            _app = app;
            _client = client;
            _seen = seen;
            Runtime = app.Services.GetRequiredService<ConsentRuntime>();
            Policy = app.Services.GetRequiredService<ConsentPolicy>();
        }

        public ConsentRuntime Runtime { get; }

        public ConsentPolicy Policy { get; }

        public static async Task<Portal> StartAsync(TimeProvider time)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(time);
            builder.Services.AddEntConsent(o =>
            {
                TestPolicy.Configure(o.Policy);
                o.SubjectKey = SubjectKey;
            });
            var app = builder.Build();
            var cookieStrings = new List<string>();
            // Who is signed in, as an authentication handler would say it.
            app.Use((context, next) =>
            {
                if (context.Request.Headers["X-Test-User"] is [{ } user])
                {
                    context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, user)], "Test"));
                }

                cookieStrings.Add(context.Request.Headers.Cookie[0]!);
                return next(context);
            });
            app.UseEntConsent();
            app.MapGet("/page", (HttpContext context) => context.GetConsent().IsAllowed("videos") ? "videos allowed" : "videos not allowed");
            app.MapGet("/measured", (HttpContext context) =>
            {
                context.Response.Cookies.Append("_pk_id.1.ab12", "visitor", new CookieOptions { MaxAge = TimeSpan.FromDays(3650) });
                return "measured";
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            // One connection, kept alive, and the Cookie header as given (no cookie container).
            var client = new HttpClient(new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = 1 }) { BaseAddress = new Uri(address) };
            return new Portal(app, client, cookieStrings);
        }

        /// <summary>What the page said, and whether the response expired <c>vid_pref</c>.</summary>
        public async Task<(string Page, bool ExpiredVideoCookie)> GetAsync(string cookies, string? user = null)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/page");
            request.Headers.Add("Cookie", cookies);
            if (user is not null)
            {
                request.Headers.Add("X-Test-User", user);
            }

            using var response = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var setCookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
            var expired = setCookies.Any(value => value.StartsWith("vid_pref=;", StringComparison.Ordinal) && value.Contains("1970", StringComparison.Ordinal));
            return (await response.Content.ReadAsStringAsync(), expired);
        }

        /// <summary>When the audience cookie written by the page ends, and whether a deposit cookie was written.</summary>
        public async Task<(DateTimeOffset AudienceCookieEnds, bool DepositWritten)> GetAudienceCookieAsync(string cookies)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/measured");
            request.Headers.Add("Cookie", cookies);
            using var response = await _client.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var setCookies = response.Headers.GetValues("Set-Cookie").ToList();
            var audience = Assert.Single(setCookies, value => value.StartsWith("_pk_id.1.ab12=", StringComparison.Ordinal));
            var expires = audience.Split(';').Select(part => part.Trim()).Single(part => part.StartsWith("expires=", StringComparison.OrdinalIgnoreCase));
            var ends = DateTimeOffset.Parse(expires["expires=".Length..], System.Globalization.CultureInfo.InvariantCulture);
            return (ends, setCookies.Any(value => value.StartsWith(AudienceDepositCookie.NameFor("ent_consent") + "=", StringComparison.Ordinal)));
        }

        /// <summary>The tests test the reuse only if Kestrel did hand the same string again (it does unless <c>DisableStringReuse</c>).</summary>
        public void AssertTheConnectionReusedTheCookieString()
        {
            Assert.True(_seen.Count >= 3);
            for (var i = 1; i < _seen.Count; i++)
            {
                Assert.Same(_seen[0], _seen[i]);
            }
        }

        public async ValueTask DisposeAsync()
        {
            _client.Dispose();
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
