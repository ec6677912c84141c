using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>
/// The consent-aware Content-Security-Policy: HTML pages may reach only their own origin, essential and always
/// allowed hosts, and the hosts of the services the request allows (regulation.md §1 rule 1.5, §3 rule 1).
/// </summary>
public sealed class ContentSecurityPolicyTests
{
    private const string HostPolicy = "default-src 'self'; script-src 'self' 'nonce-host'";

    private static void Hosts(EntConsentOptions o)
    {
        o.Policy.Services.Single(static s => s.Id == "videos").Hosts.Add("video.example.fr");
        o.Policy.Services.Single(static s => s.Id == "partner").Hosts.Add("https://*.partner.example");
        o.Policy.Services.Single(static s => s.Id == "stats").Hosts.Add("stats.portal.test");
        o.Policy.Services.Single(static s => s.Id == "session").Hosts.Add("login.portal.test");
    }

    private static Task<ConsentTestApp> StartAsync(Action<ConsentContentSecurityPolicyOptions>? csp = null, bool hostPolicy = false)
        => ConsentTestApp.StartAsync(
            o =>
            {
                Hosts(o);
                o.ContentSecurityPolicy.Mode = ConsentContentSecurityPolicyMode.Enforce;
                csp?.Invoke(o.ContentSecurityPolicy);
            },
            routes: app =>
            {
                app.MapGet("/page", (HttpContext context) =>
                {
                    if (hostPolicy)
                    {
                        context.Response.Headers.ContentSecurityPolicy = HostPolicy;
                    }

                    return Results.Content("<p>page</p>", "text/html; charset=utf-8");
                });
                app.MapGet("/data", static () => Results.Json(new { ok = true }));
            });

    private static string Directive(string policy, string name)
        => policy.Split("; ").Single(d => d.StartsWith(name + " ", StringComparison.Ordinal));

    private static string Policy(HttpResponseMessage response)
        => Assert.Single(response.Headers.GetValues("Content-Security-Policy"));

    [Fact]
    public async Task Is_off_unless_turned_on()
    {
        await using var app = await ConsentTestApp.StartAsync(static o => Hosts(o), routes: static app => app.MapGet("/page", static () => Results.Content("<p>x</p>", "text/html")));

        var response = await app.GetAsync("/page", new CookieJar());

        Assert.False(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task Before_a_choice_only_self_essential_and_always_allowed_hosts_are_listed_in_each_fetch_directive()
    {
        await using var app = await StartAsync(static c => c.AlwaysAllowedHosts.Add("cdn.portal.test"));

        var policy = Policy(await app.GetAsync("/page", new CookieJar()));

        Assert.Equal("script-src 'self' cdn.portal.test stats.portal.test login.portal.test", Directive(policy, "script-src"));
        Assert.Equal("connect-src 'self' cdn.portal.test stats.portal.test login.portal.test", Directive(policy, "connect-src"));
        Assert.Equal("img-src 'self' data: blob: cdn.portal.test stats.portal.test login.portal.test", Directive(policy, "img-src"));
        Assert.Equal("frame-src 'self' cdn.portal.test stats.portal.test login.portal.test", Directive(policy, "frame-src"));
        Assert.Equal("media-src 'self' data: blob: cdn.portal.test stats.portal.test login.portal.test", Directive(policy, "media-src"));
        Assert.DoesNotContain("video.example.fr", policy);
        Assert.DoesNotContain("partner.example", policy);
        Assert.Contains("stats.portal.test", policy); // exempt audience: allowed unless objected
    }

    [Fact]
    public async Task Granted_services_hosts_are_listed_and_refused_ones_are_not()
    {
        await using var app = await StartAsync();
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "save", services = new { videos = true, partner = false, stats = false } })).EnsureSuccessStatusCode();

        var policy = Policy(await app.GetAsync("/page", jar));

        Assert.Equal("frame-src 'self' video.example.fr login.portal.test", Directive(policy, "frame-src"));
        Assert.DoesNotContain("partner.example", policy);
        Assert.DoesNotContain("stats.portal.test", policy);
    }

    [Theory]
    [InlineData(ConsentContentSecurityPolicyMode.Enforce, "videos", false, true)] // not listed: a grant needs a new page
    [InlineData(ConsentContentSecurityPolicyMode.Enforce, "videos", true, false)] // granted, so listed already
    [InlineData(ConsentContentSecurityPolicyMode.Enforce, "stats", false, false)] // exempt: listed unless objected to
    [InlineData(ConsentContentSecurityPolicyMode.Enforce, "partner", false, false)] // its host is always allowed here
    [InlineData(ConsentContentSecurityPolicyMode.ReportOnly, "videos", false, false)] // reports, blocks nothing
    [InlineData(ConsentContentSecurityPolicyMode.Off, "videos", false, false)]
    public async Task A_page_says_a_grant_needs_a_new_page_only_when_its_enforced_policy_leaves_a_host_of_the_service_out(
        ConsentContentSecurityPolicyMode mode, string serviceId, bool granted, bool needsNewPage)
    {
        await using var app = await ConsentTestApp.StartAsync(
            o =>
            {
                Hosts(o);
                o.ContentSecurityPolicy.Mode = mode;
                o.ContentSecurityPolicy.AlwaysAllowedHosts.Add("https://*.partner.example");
            },
            routes: static app => app.MapGet("/needs-new-page/{id}", static (HttpContext context, string id)
                => Results.Text(Enforcement.ConsentResponse.Of(context)!.PageBlocksHostsOf(id) ? "yes" : "no")));
        var jar = new CookieJar();
        if (granted)
        {
            (await app.PostChoiceAsync(jar, new { action = "save", services = new { videos = true } })).EnsureSuccessStatusCode();
        }

        var answer = await (await app.GetAsync("/needs-new-page/" + serviceId, jar)).Content.ReadAsStringAsync();

        Assert.Equal(needsNewPage ? "yes" : "no", answer);
    }

    [Fact]
    public async Task The_hosts_own_policy_stays_and_this_one_is_added_beside_it()
    {
        await using var app = await StartAsync(hostPolicy: true);

        var response = await app.GetAsync("/page", new CookieJar());

        var policies = response.Headers.GetValues("Content-Security-Policy").ToList();
        Assert.Equal(2, policies.Count);
        Assert.Equal(HostPolicy, policies[0]);
        Assert.StartsWith("script-src 'self'", policies[1]);
    }

    [Fact]
    public async Task Only_HTML_responses_get_it()
    {
        await using var app = await StartAsync();

        var response = await app.GetAsync("/data", new CookieJar());

        Assert.False(response.Headers.Contains("Content-Security-Policy"));
    }

    [Fact]
    public async Task Report_only_mode_uses_the_report_only_header_with_its_report_uri()
    {
        await using var app = await StartAsync(static c =>
        {
            c.Mode = ConsentContentSecurityPolicyMode.ReportOnly;
            c.ReportUri = "/csp-reports";
        });

        var response = await app.GetAsync("/page", new CookieJar());

        Assert.False(response.Headers.Contains("Content-Security-Policy"));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy-Report-Only"));
        Assert.EndsWith("; report-uri /csp-reports", policy);
    }

    [Fact]
    public async Task The_hosts_nonce_and_strict_dynamic_are_in_script_src_so_its_nonced_scripts_still_run()
    {
        await using var app = await StartAsync(static c =>
        {
            c.Nonce = static context => context.Request.Query["nonce"];
            c.StrictDynamic = true;
        });

        var policy = Policy(await app.GetAsync("/page?nonce=abc%2B12%3D", new CookieJar()));
        var tampered = Policy(await app.GetAsync("/page?nonce=x'%3B%20script-src%20*", new CookieJar()));

        Assert.Equal("script-src 'self' stats.portal.test login.portal.test 'nonce-abc+12=' 'strict-dynamic'", Directive(policy, "script-src"));
        Assert.DoesNotContain("nonce", tampered);
        Assert.DoesNotContain("*", tampered);
    }

    [Fact]
    public async Task A_returning_visitor_gets_the_very_same_header_string_not_a_new_one()
    {
        var seen = new List<string>();
        await using var app = await ConsentTestApp.StartAsync(
            static o =>
            {
                Hosts(o);
                o.ContentSecurityPolicy.Mode = ConsentContentSecurityPolicyMode.Enforce;
            },
            routes: static app => app.MapGet("/page", static () => Results.Content("<p>x</p>", "text/html")),
            beforeConsent: app => app.Use(async (context, next) =>
            {
                await next(context);
                if (context.Response.Headers.ContentSecurityPolicy is { Count: 1 } value)
                {
                    lock (seen)
                    {
                        seen.Add(value[0]!);
                    }
                }
            }));
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "accept-all" })).EnsureSuccessStatusCode();

        await app.GetAsync("/page", jar);
        await app.GetAsync("/page", jar);

        Assert.Equal(2, seen.Count);
        Assert.Same(seen[0], seen[1]);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https:")]
    [InlineData("https://*")]
    [InlineData("*.fr")]
    [InlineData("cdn.example.fr/scripts/")]
    [InlineData("cdn.example.fr; script-src *")]
    [InlineData("'unsafe-inline'")]
    [InlineData("ftp://cdn.example.fr")]
    public async Task An_always_allowed_host_that_would_allow_everything_or_break_the_header_stops_start_up(string host)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => ConsentTestApp.StartAsync(o => o.ContentSecurityPolicy.AlwaysAllowedHosts.Add(host)));

        Assert.Contains($"ContentSecurityPolicy.AlwaysAllowedHosts has '{host}'", exception.Message);
    }

    [Theory]
    [InlineData("cdn.example.fr")]
    [InlineData("https://cdn.example.fr")]
    [InlineData("*.example.fr")]
    [InlineData("127.0.0.1:8443")]
    [InlineData("localhost:5080")]
    [InlineData("wss://push.example.fr:*")]
    public async Task Well_formed_host_sources_are_accepted(string host)
    {
        await using var app = await ConsentTestApp.StartAsync(o => o.ContentSecurityPolicy.AlwaysAllowedHosts.Add(host));
    }

    [Fact]
    public async Task A_service_host_the_policy_cannot_list_stops_start_up_when_the_feature_is_on()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => ConsentTestApp.StartAsync(static o =>
        {
            o.Policy.Services.Single(static s => s.Id == "videos").Hosts.Add("*");
            o.ContentSecurityPolicy.Mode = ConsentContentSecurityPolicyMode.Enforce;
        }));

        Assert.Contains("Service 'videos' declares host '*'", exception.Message);
    }

    [Fact]
    public async Task Strict_dynamic_without_a_nonce_stops_start_up()
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => ConsentTestApp.StartAsync(static o => o.ContentSecurityPolicy.StrictDynamic = true));

        Assert.Contains("StrictDynamic needs ContentSecurityPolicy.Nonce", exception.Message);
    }
}
