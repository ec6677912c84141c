using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Json;
using Ent.Consent.AspNetCore.Tenants;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>EntConsent:Tenants: which school a request belongs to, its policy, and what is recorded and restored for it.</summary>
public sealed class TenantTests
{
    private const string CollegeA = "0750001A";
    private const string LyceeB = "0910002B";

    private static ConsentPolicyOptions PolicyOf(params string[] controllers)
    {
        var policy = new ConsentPolicyOptions();
        TestPolicy.Configure(policy);
        policy.Controllers = [.. controllers];
        return policy;
    }

    private static void TwoSchools(EntConsentOptions options)
    {
        options.TenantClaimType = "ent_uai";
        options.Tenants[CollegeA] = new ConsentTenantOptions
        {
            Hosts = ["college-a.ent.test"],
            PathPrefix = "/college-a",
            Claim = CollegeA,
            Policy = PolicyOf("Région de test", "Collège A"),
        };
        options.Tenants[LyceeB] = new ConsentTenantOptions
        {
            Hosts = ["lycee-b.ent.test"],
            PathPrefix = "/lycees/lycee-b",
            Claim = LyceeB,
            Policy = PolicyOf("Région de test", "Lycée B"),
        };
    }

    private static void Routes(WebApplication app)
        => app.MapGet("/{**rest}", static (HttpContext context) =>
        {
            var consent = context.GetConsent();
            return $"{consent.Tenant ?? "-"}|{string.Join("+", consent.Policy.Controllers)}|pending={consent.IsPending}|videos={consent.IsAllowed("videos")}";
        });

    // A claim of the signed-in user, as an ENT's identity provider would send the school's UAI.
    private static void UaiClaim(WebApplication app)
        => app.Use((context, next) =>
        {
            if (context.Request.Headers.TryGetValue("X-Test-Uai", out var uai) && context.User.Identity is ClaimsIdentity identity)
            {
                identity.AddClaim(new Claim("ent_uai", uai.ToString()));
            }

            return next(context);
        });

    private static Task<ConsentTestApp> StartAsync(Action<EntConsentOptions> configure, FakeProofStore? store = null)
        => ConsentTestApp.StartAsync(configure, services: store is null ? null : s => s.AddSingleton<IConsentProofStore>(store), routes: Routes, beforeConsent: UaiClaim);

    private static async Task<string> WhoAsync(ConsentTestApp app, string url, CookieJar? jar = null, Action<HttpRequestMessage>? configure = null)
    {
        var response = await app.GetAsync(url, jar ?? new CookieJar(), configure);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpResponseMessage> ChooseAsync(ConsentTestApp app, string origin, CookieJar jar, object choice, Action<HttpRequestMessage>? configure = null)
    {
        var token = await (await app.GetAsync(origin + "/token", jar, configure)).Content.ReadAsStringAsync();
        var response = await app.SendAsync(HttpMethod.Post, origin + "/consent", jar, JsonContent.Create(choice), request =>
        {
            request.Headers.Add("RequestVerificationToken", token);
            configure?.Invoke(request);
        });
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        return response;
    }

    [Fact]
    public async Task A_host_a_path_prefix_and_a_claim_each_pick_their_school_and_its_controllers()
    {
        await using var app = await StartAsync(TwoSchools);

        Assert.StartsWith($"{CollegeA}|Région de test+Collège A|", await WhoAsync(app, "http://college-a.ent.test/"), StringComparison.Ordinal);
        Assert.StartsWith($"{LyceeB}|Région de test+Lycée B|", await WhoAsync(app, "http://LYCEE-B.ent.test:8443/page"), StringComparison.Ordinal);
        Assert.StartsWith($"{CollegeA}|", await WhoAsync(app, "http://www.ent.test/college-a"), StringComparison.Ordinal);
        Assert.StartsWith($"{CollegeA}|", await WhoAsync(app, "http://www.ent.test/College-A/cahier/2"), StringComparison.Ordinal);
        Assert.StartsWith($"{LyceeB}|", await WhoAsync(app, "http://www.ent.test/lycees/lycee-b/notes"), StringComparison.Ordinal);
        // A prefix ends at a segment boundary: /college-ab is not /college-a, /lycees alone is nobody's.
        Assert.StartsWith("-|Région de test et académie de test|", await WhoAsync(app, "http://www.ent.test/college-ab"), StringComparison.Ordinal);
        Assert.StartsWith("-|", await WhoAsync(app, "http://www.ent.test/lycees/autre"), StringComparison.Ordinal);
        Assert.StartsWith($"{LyceeB}|", await WhoAsync(app, "http://www.ent.test/", configure: static r =>
        {
            r.Headers.Add("X-Test-User", "eleve");
            r.Headers.Add("X-Test-Uai", LyceeB);
        }), StringComparison.Ordinal);
        Assert.StartsWith("-|", await WhoAsync(app, "http://www.ent.test/", configure: static r =>
        {
            r.Headers.Add("X-Test-User", "eleve");
            r.Headers.Add("X-Test-Uai", "0000000X");
        }), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_host_wins_over_the_path_and_the_path_over_the_claim()
    {
        await using var app = await StartAsync(TwoSchools);
        static void SignedInAtB(HttpRequestMessage r)
        {
            r.Headers.Add("X-Test-User", "eleve");
            r.Headers.Add("X-Test-Uai", LyceeB);
        }

        Assert.StartsWith($"{CollegeA}|", await WhoAsync(app, "http://college-a.ent.test/lycees/lycee-b", configure: SignedInAtB), StringComparison.Ordinal);
        Assert.StartsWith($"{CollegeA}|", await WhoAsync(app, "http://www.ent.test/college-a/", configure: SignedInAtB), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", "http://www.ent.test/lycees/lycee-b/notes", LyceeB)]
    [InlineData("/ent", "http://www.ent.test/ent/lycees/lycee-b/notes", LyceeB)]
    [InlineData("/ent", "http://www.ent.test/lycees/lycee-b/notes", null)]
    [InlineData("", "http://other.test/lycees/lycee-b/notes", null)]
    [InlineData("", "/lycees/lycee-b/notes", null)]
    public async Task Under_a_path_base_the_consent_endpoint_matches_the_referers_path_after_it(string pathBase, string referer, string? expected)
    {
        await using var app = await StartAsync(TwoSchools);
        var resolver = app.Services.GetRequiredService<IConsentPolicyResolver>();
        var context = new DefaultHttpContext();
        context.Request.Host = new HostString("www.ent.test");
        context.Request.PathBase = pathBase;
        context.Request.Path = "/consent";
        context.Request.Headers.Referer = referer;

        Assert.Equal(expected, resolver.Resolve(context).Tenant);
    }

    [Fact]
    public async Task The_consent_endpoint_of_a_path_prefix_school_takes_the_school_of_the_page_that_called_it_if_same_origin()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(TwoSchools, store);
        var jar = new CookieJar();

        var chosen = await ChooseAsync(app, "http://www.ent.test", jar, new { action = "accept-all" }, static r => r.Headers.Referrer = new Uri("http://www.ent.test/college-a/accueil?x=1"));
        var state = await chosen.Content.ReadFromJsonAsync<JsonElement>();
        var fromElsewhere = await app.GetAsync("http://www.ent.test/consent", new CookieJar(), static r => r.Headers.Referrer = new Uri("https://attacker.example/college-a/"));
        var elsewhere = await fromElsewhere.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(CollegeA, Assert.Single(store.Records).Content.Tenant);
        Assert.Equal(state.GetProperty("policyVersion").GetString(), store.Records[0].Content.PolicyVersion);
        Assert.NotEqual(state.GetProperty("policyVersion").GetString(), elsewhere.GetProperty("policyVersion").GetString());
        Assert.Contains("pending=False|videos=True", await WhoAsync(app, "http://www.ent.test/college-a/cahier", jar), StringComparison.Ordinal);
        // Lycée B runs another policy version: the same cookie is asked again there, not read as B's consent.
        Assert.Contains("pending=True|videos=False", await WhoAsync(app, "http://www.ent.test/lycees/lycee-b", jar), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Proofs_carry_the_tenant_and_a_users_choice_is_restored_in_their_school_only()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(o =>
        {
            TwoSchools(o);
            o.PerUserConsent = true;
            o.Tenants[LyceeB].Policy = null; // Lycée B runs the portal's policy: same version as the portal's.
        }, store);
        static void Alice(HttpRequestMessage r) => r.Headers.Add("X-Test-User", "alice");

        await ChooseAsync(app, "http://college-a.ent.test", new CookieJar(), new { action = "accept-all" }, Alice);
        await ChooseAsync(app, "http://www.ent.test", new CookieJar(), new { action = "refuse-all" }, Alice);

        Assert.Equal([CollegeA, null], store.Records.Select(static r => r.Content.Tenant));
        // A new device: at Collège A her acceptance comes back; at Lycée B, same policy version as the portal but
        // another tenant, her refusal on the portal does not follow her, nor her acceptance at A.
        Assert.Contains("pending=False|videos=True", await WhoAsync(app, "http://college-a.ent.test/", configure: Alice), StringComparison.Ordinal);
        Assert.Contains("pending=True", await WhoAsync(app, "http://lycee-b.ent.test/", configure: Alice), StringComparison.Ordinal);
        Assert.Contains("pending=False|videos=False", await WhoAsync(app, "http://www.ent.test/", configure: Alice), StringComparison.Ordinal);
        // The user's export holds both, each with its tenant.
        var export = await store.ExportBySubjectAsync(store.Records[0].Content.SubjectKey!);
        Assert.Equal([CollegeA, null], export.Select(static r => r.Content.Tenant));
    }

    [Fact]
    public async Task Every_proof_path_records_the_tenant_of_the_request()
    {
        var store = new FakeProofStore { Unavailable = true };
        await using var app = await ConsentTestApp.StartAsync(
            TwoSchools,
            services: s => s.AddSingleton<IConsentProofStore>(store),
            routes: static app =>
            {
                app.MapGet("/withdraw", static (HttpContext context) =>
                {
                    context.Features.Get<ITrackingConsentFeature>()!.WithdrawConsent();
                    return "withdrawn";
                });
                Routes(app);
            },
            beforeConsent: UaiClaim);

        // A refusal while the store is down goes through the spool file, then to the store.
        await ChooseAsync(app, "http://lycee-b.ent.test", new CookieJar(), new { action = "refuse-all" });
        await WaitUntil(() => store.FailedAttempts >= 1, () => app.Time.Advance(TimeSpan.FromSeconds(1)));
        store.Unavailable = false;
        await WaitUntil(() => store.Records.Count == 1, () => app.Time.Advance(TimeSpan.FromMinutes(1)));
        // A Global Privacy Control refusal, on a page load at the collège's path.
        await app.GetAsync("http://www.ent.test/college-a/accueil", new CookieJar(), static r =>
        {
            r.Headers.Add("Sec-GPC", "1");
            r.Headers.Add("Sec-Fetch-Dest", "document");
            r.Headers.Add("Sec-Fetch-Mode", "navigate");
        });
        await WaitUntil(() => store.Records.Count == 2, static () => { });
        // The host's own withdrawal (ITrackingConsentFeature), for a user whose school comes from a claim.
        await app.GetAsync("http://www.ent.test/withdraw", new CookieJar(), static r =>
        {
            r.Headers.Add("X-Test-User", "eleve");
            r.Headers.Add("X-Test-Uai", LyceeB);
        });
        await WaitUntil(() => store.Records.Count == 3, static () => { });
        // A grant through the endpoint, on the collège's host.
        await ChooseAsync(app, "http://college-a.ent.test", new CookieJar(), new { action = "accept-all" });

        Assert.Equal([LyceeB, CollegeA, LyceeB, CollegeA], store.Records.Select(static r => r.Content.Tenant));
        Assert.Equal(ConsentChannel.PrivacySignal, store.Records[1].Content.Channel);
        Assert.Equal(ConsentChannel.Api, store.Records[2].Content.Channel);
    }

    private static async Task WaitUntil(Func<bool> condition, Action nudge)
    {
        // Waits for the background writer; bounded, and never an assertion about how long it took.
        for (var i = 0; i < 2000 && !condition(); i++)
        {
            nudge();
            await Task.Delay(5);
        }

        Assert.True(condition());
    }

    [Fact]
    public async Task Tenants_from_configuration_replace_whole_keys_merge_texts_and_add_or_remove_services()
    {
        var configuration = new Dictionary<string, string?>
        {
            ["EntConsent:SubjectKey"] = "a-test-subject-key-of-at-least-32-characters",
            ["EntConsent:Policy:Controllers:0"] = "Région",
            ["EntConsent:Policy:Controllers:1"] = "Académie",
            ["EntConsent:Policy:BuiltInServices:0"] = "youtube",
            ["EntConsent:Policy:BuiltInServices:1"] = "dailymotion",
            ["EntConsent:Policy:Texts:BannerTitle:fr"] = "Vos choix sur le portail",
            ["EntConsent:Policy:Texts:AcceptAll:fr"] = "J'accepte tout",
            ["EntConsent:Tenants:0750001A:Hosts:0"] = "college-a.ent.test",
            ["EntConsent:Tenants:0750001A:Policy:Controllers:0"] = "Collège A",
            ["EntConsent:Tenants:0750001A:Policy:Texts:BannerTitle:fr"] = "Vos choix au collège A",
            ["EntConsent:Tenants:0750001A:RemoveServices:0"] = "dailymotion",
            ["EntConsent:Tenants:0750001A:AddServices:0:Id"] = "college-blog",
            ["EntConsent:Tenants:0750001A:AddServices:0:Name:fr"] = "Blog du collège",
            ["EntConsent:Tenants:0750001A:AddServices:0:Provider"] = "Collège A",
            ["EntConsent:Tenants:0750001A:AddServices:0:Purpose"] = "social",
        };
        await using var app = await ConsentTestApp.StartAsync(configuration: configuration, routes: static app => app.MapGet("/policy", static (HttpContext context) =>
        {
            var policy = context.GetConsent().Policy;
            return $"{string.Join("+", policy.Controllers)}|{string.Join(",", policy.ChoosableServices.Select(static s => s.Id).Order(StringComparer.Ordinal))}|{policy.Texts.BannerTitle.Resolve(System.Globalization.CultureInfo.GetCultureInfo("fr"))}|{policy.Texts.AcceptAll.Resolve(System.Globalization.CultureInfo.GetCultureInfo("fr"))}";
        }));

        var school = await WhoAsync(app, "http://college-a.ent.test/policy");
        var portal = await WhoAsync(app, "http://www.ent.test/policy");

        Assert.Equal("Collège A|college-blog,youtube|Vos choix au collège A|J'accepte tout", school);
        Assert.Equal("Région+Académie|dailymotion,youtube|Vos choix sur le portail|J'accepte tout", portal);
    }

    [Theory]
    [InlineData("EntConsent:Tenants:0750001A:Policy:BuiltInServices:0", "no-such-service", "EntConsent:Tenants:0750001A:Policy: ", "no-such-service")]
    [InlineData("EntConsent:Tenants:0750001A:RemoveServices:0", "vimeo", "EntConsent:Tenants:0750001A:RemoveServices has 'vimeo'", "")]
    [InlineData("EntConsent:Tenants:0910002B:Hosts:0", "college-a.ent.test", "EntConsent:Tenants:0910002B:Hosts has 'college-a.ent.test', which tenant '0750001A' has too", "")]
    [InlineData("EntConsent:Tenants:0910002B:Claim", "0910002B", "EntConsent:Tenants:0910002B:Claim is set, so TenantClaimType must name the claim", "")]
    [InlineData("EntConsent:Tenants:0910002B:PathPrefix", "/lycee-b/", "EntConsent:Tenants:0910002B:PathPrefix '/lycee-b/' must be a path", "")]
    [InlineData("EntConsent:Tenants:0910002B:Hosts:0", "https://lycee-b.ent.test", "EntConsent:Tenants:0910002B:Hosts has 'https://lycee-b.ent.test'", "")]
    [InlineData("EntConsent:Tenants:0910002B:Policy:Controllers:0", "Lycée B", "EntConsent:Tenants:0910002B matches no request", "")]
    [InlineData("EntConsent:Cookie:Domain", "https://ent.test", "Cookie.Domain 'https://ent.test' must be a parent domain", "")]
    public async Task A_wrong_tenant_stops_the_start_with_a_sentence_naming_its_key(string key, string value, string expected, string alsoExpected)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["EntConsent:Policy:Controllers:0"] = "Région",
            ["EntConsent:Tenants:0750001A:Hosts:0"] = "college-a.ent.test",
            [key] = value,
        };

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => ConsentTestApp.StartAsync(configuration: configuration));

        Assert.Contains(exception.Failures, f => f.StartsWith(expected, StringComparison.Ordinal) && f.Contains(alsoExpected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_copy_of_the_portals_policy_keeps_every_setting()
    {
        // Guards Copy against a setting added to ConsentPolicyOptions later and forgotten here.
        var original = PolicyOf("Région");
        foreach (var property in typeof(ConsentPolicyOptions).GetProperties())
        {
            if (property.PropertyType == typeof(bool))
            {
                property.SetValue(original, true);
            }
        }

        original.ChoiceValidity = CalendarPeriod.FromMonths(3);
        original.ConsentCookieName = "autre";
        var copy = ConsentTenantPolicies.Copy(original);

        foreach (var property in typeof(ConsentPolicyOptions).GetProperties())
        {
            var a = property.GetValue(original);
            var b = property.GetValue(copy);
            if (a is System.Collections.IEnumerable list && a is not string)
            {
                Assert.Equal(list.Cast<object>(), ((System.Collections.IEnumerable)b!).Cast<object>());
                Assert.False(ReferenceEquals(a, b) && a is not ConsentTextsDeclaration, $"{property.Name} is shared, so a tenant's change would change the portal's.");
            }
            else
            {
                Assert.Equal(a, b);
            }
        }
    }

    [Fact]
    public async Task Five_hundred_tenants_resolve_without_allocating()
    {
        await using var app = await StartAsync(o =>
        {
            o.TenantClaimType = "ent_uai";
            for (var i = 0; i < 500; i++)
            {
                var uai = $"0{i:D6}X";
                o.Tenants[uai] = new ConsentTenantOptions { Hosts = [$"e{i}.ent.test"], PathPrefix = $"/etab/e{i}", Claim = uai };
            }
        });
        var resolver = app.Services.GetRequiredService<IConsentPolicyResolver>();
        var byHost = new DefaultHttpContext();
        byHost.Request.Host = new HostString("e321.ent.test:443");
        var byPath = new DefaultHttpContext();
        byPath.Request.Host = new HostString("www.ent.test");
        byPath.Request.Path = "/etab/e499/cahier/3";
        var byClaim = new DefaultHttpContext { User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("ent_uai", "0000007X")], "Test")) };
        byClaim.Request.Host = new HostString("www.ent.test");
        byClaim.Request.Path = "/accueil";

        Assert.Equal("0000321X", resolver.Resolve(byHost).Tenant);
        Assert.Equal("0000499X", resolver.Resolve(byPath).Tenant);
        Assert.Equal("0000007X", resolver.Resolve(byClaim).Tenant);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            resolver.Resolve(byHost);
            resolver.Resolve(byPath);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
