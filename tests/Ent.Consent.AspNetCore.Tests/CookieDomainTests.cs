using System.Net.Http.Json;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>EntConsent:Cookie:Domain: one choice for www., cas. and mediacentre. of a portal, and only for them.</summary>
public sealed class CookieDomainTests
{
    private static void SharedDomain(EntConsentOptions options)
    {
        options.Cookie.Domain = "ent.test";
        // mediacentre runs another policy (another controller): another version, sharing the same cookie.
        var other = new ConsentPolicyOptions();
        TestPolicy.Configure(other);
        other.Controllers = ["Médiacentre régional"];
        options.Tenants["mediacentre"] = new ConsentTenantOptions { Hosts = ["mediacentre.ent.test"], Policy = other };
    }

    private static void Routes(WebApplication app)
        => app.MapGet("/who", static (HttpContext context) =>
        {
            var consent = context.GetConsent();
            return $"pending={consent.IsPending};videos={consent.IsAllowed("videos")}";
        });

    private static async Task<HttpResponseMessage> ChooseAsync(ConsentTestApp app, string origin, CookieJar jar, object choice)
    {
        var token = await (await app.GetAsync(origin + "/token", jar)).Content.ReadAsStringAsync();
        var response = await app.SendAsync(HttpMethod.Post, origin + "/consent", jar, JsonContent.Create(choice), request => request.Headers.Add("RequestVerificationToken", token));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return response;
    }

    private static SetCookieHeaderValue Consent(HttpResponseMessage response)
        => CookieJar.SetCookies(response).Select(static h => SetCookieHeaderValue.Parse(h)).Single(static c => c.Name == "ent_consent" && c.Domain.HasValue);

    private static async Task<string> WhoAsync(ConsentTestApp app, string url, CookieJar jar)
        => await (await app.GetAsync(url, jar)).Content.ReadAsStringAsync();

    [Fact]
    public async Task A_choice_made_on_www_is_honoured_on_cas_and_asked_again_where_the_policy_version_differs()
    {
        await using var app = await ConsentTestApp.StartAsync(SharedDomain, routes: Routes);
        // The jar stands for the browser's cookies of ent.test: every sibling host receives them.
        var jar = new CookieJar();

        var chosen = await ChooseAsync(app, "http://www.ent.test", jar, new { action = "accept-all" });

        Assert.Equal("ent.test", Consent(chosen).Domain.Value);
        Assert.Equal("pending=False;videos=True", await WhoAsync(app, "http://cas.ent.test/who", jar));
        Assert.Equal("pending=True;videos=False", await WhoAsync(app, "http://mediacentre.ent.test/who", jar));
    }

    [Fact]
    public async Task Withdrawing_on_a_sibling_host_rewrites_the_shared_cookie_with_the_same_domain()
    {
        await using var app = await ConsentTestApp.StartAsync(SharedDomain, routes: Routes);
        var jar = new CookieJar();
        await ChooseAsync(app, "http://www.ent.test", jar, new { action = "accept-all" });

        var withdrawn = await ChooseAsync(app, "http://cas.ent.test", jar, new { action = "refuse-all" });

        // Same name, path and domain as the cookie it replaces, or the browser would keep the acceptance beside it.
        var cookie = Consent(withdrawn);
        Assert.Equal("ent.test", cookie.Domain.Value);
        Assert.Equal("/", cookie.Path.Value);
        // This jar knows no domains: the host-only expiry sent beside it (see below) removed its only copy.
        jar["ent_consent"] = cookie.Value.Value;
        Assert.Equal("pending=False;videos=False", await WhoAsync(app, "http://www.ent.test/who", jar));
    }

    [Fact]
    public async Task A_host_only_consent_cookie_from_before_the_domain_was_set_is_expired_when_the_choice_is_written()
    {
        await using var app = await ConsentTestApp.StartAsync(SharedDomain, routes: Routes);
        var jar = new CookieJar();
        await ChooseAsync(app, "http://www.ent.test", jar, new { action = "accept-all" });

        var again = await ChooseAsync(app, "http://www.ent.test", jar, new { action = "refuse-all" });

        var headers = CookieJar.SetCookies(again).Select(static h => SetCookieHeaderValue.Parse(h)).Where(static c => c.Name == "ent_consent").ToList();
        Assert.Equal(2, headers.Count);
        var hostOnly = Assert.Single(headers, static c => !c.Domain.HasValue);
        Assert.True(hostOnly.Expires < DateTimeOffset.UnixEpoch.AddDays(1));
        Assert.Equal("/", hostOnly.Path.Value);
    }

    [Fact]
    public async Task A_host_outside_the_domain_gets_a_host_only_cookie_and_a_warning()
    {
        await using var app = await ConsentTestApp.StartAsync(SharedDomain, routes: Routes);
        var jar = new CookieJar();

        var chosen = await ChooseAsync(app, "http://ent-autre.example.fr", jar, new { action = "accept-all" });
        await ChooseAsync(app, "http://ent-autre.example.fr", jar, new { action = "accept-all" });

        var cookie = CookieJar.SetCookies(chosen).Select(static h => SetCookieHeaderValue.Parse(h)).Single(static c => c.Name == "ent_consent");
        Assert.False(cookie.Domain.HasValue);
        Assert.Single(app.Logs.OwnEntries, static e => e.Id.Id == 122 && e.Level == LogLevel.Warning && e.Message.Contains("ent-autre.example.fr", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_first_deposit_cookie_of_exempt_audience_goes_to_the_same_domain()
    {
        await using var app = await ConsentTestApp.StartAsync(SharedDomain, routes: Routes);

        var response = await app.GetAsync("http://www.ent.test/raw?h=" + Uri.EscapeDataString("_pk_id.1=abc; path=/; max-age=3600"), new CookieJar());

        var deposit = CookieJar.SetCookies(response).Select(static h => SetCookieHeaderValue.Parse(h)).Single(static c => c.Name == "ent_consent_audience");
        Assert.Equal("ent.test", deposit.Domain.Value);
    }
}
