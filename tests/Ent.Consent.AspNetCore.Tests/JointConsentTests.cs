using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>
/// Joint consent for a minor (loi Informatique et Libertés art. 45) through the HTTP endpoints: the minor's choice,
/// the guardians' decisions at <c>{prefix}/guardian</c>, and what the minor's next request allows.
/// </summary>
public sealed class JointConsentTests
{
    private static readonly Action<HttpRequestMessage> Camille = static r =>
    {
        r.Headers.Add("X-Test-User", "camille");
        r.Headers.Add("X-Test-Minor", "1");
    };

    private static readonly Action<HttpRequestMessage> Dominique = static r => r.Headers.Add("X-Test-User", "dominique");
    private static readonly Action<HttpRequestMessage> Claude = static r => r.Headers.Add("X-Test-User", "claude");
    private static readonly Action<HttpRequestMessage> Stranger = static r => r.Headers.Add("X-Test-User", "stranger");

    private static Task<ConsentTestApp> StartAsync(FakeProofStore store, JointConsentRule rule)
        => ConsentTestApp.StartAsync(
            o =>
            {
                o.MinorClaimType = "ent_minor";
                o.Policy.JointConsent = rule;
            },
            services =>
            {
                services.AddSingleton<IConsentProofStore>(store);
                services.AddSingleton<IGuardianDirectory>(new InMemoryGuardianDirectory(
                [
                    (new GuardedMinor("camille", "Camille Martin"), ["dominique", "claude"]),
                ]));
            });

    private static async Task<bool> VideosAllowedAsync(ConsentTestApp app, CookieJar jar)
    {
        var state = await (await app.GetAsync("/state", jar, Camille)).Content.ReadAsStringAsync();
        return state.Contains("videos=True", StringComparison.Ordinal);
    }

    private static async Task<HttpResponseMessage> DecideAsync(ConsentTestApp app, Action<HttpRequestMessage> guardian, string minorKey, bool grant)
    {
        var jar = new CookieJar();
        var token = await app.TokenAsync(jar, guardian);
        return await app.SendAsync(HttpMethod.Post, "/consent/guardian", jar, JsonContent.Create(new { minor = minorKey, services = new Dictionary<string, bool> { ["videos"] = grant } }), r =>
        {
            r.Headers.Add("RequestVerificationToken", token);
            guardian(r);
        });
    }

    private static async Task<JsonElement> OverviewAsync(ConsentTestApp app, Action<HttpRequestMessage> guardian)
    {
        var response = await app.GetAsync("/consent/guardian", new CookieJar(), guardian);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    [Fact]
    public async Task Any_guardian_a_grant_by_the_minor_alone_is_off_with_one_guardian_on_and_a_withdrawal_by_either_is_off_at_once()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store, JointConsentRule.AnyGuardian);
        var pupil = new CookieJar();
        (await app.PostChoiceAsync(pupil, new { action = "accept-all" }, Camille)).EnsureSuccessStatusCode();

        Assert.False(await VideosAllowedAsync(app, pupil));
        var overview = await OverviewAsync(app, Dominique);
        var minor = Assert.Single(overview.GetProperty("minors").EnumerateArray());
        Assert.Equal("Camille Martin", minor.GetProperty("name").GetString());
        Assert.Equal("granted", minor.GetProperty("services").GetProperty("videos").GetProperty("minorDecision").GetString());
        Assert.False(minor.GetProperty("services").GetProperty("videos").GetProperty("allowed").GetBoolean());
        var minorKey = minor.GetProperty("minor").GetString()!;

        (await DecideAsync(app, Dominique, minorKey, grant: true)).EnsureSuccessStatusCode();
        Assert.True(await VideosAllowedAsync(app, pupil));

        // The guardian withdraws: the minor's next response expires the service's cookie the browser still sends.
        (await DecideAsync(app, Dominique, minorKey, grant: false)).EnsureSuccessStatusCode();
        pupil["vid_pref"] = "x";
        var next = await app.GetAsync("/state", pupil, Camille);
        Assert.Contains("videos=False", await next.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var expired = CookieJar.FindSetCookie(next, "vid_pref");
        Assert.NotNull(expired);
        Assert.True(expired.MaxAge <= TimeSpan.Zero || expired.Expires < app.Time.GetUtcNow(), expired.ToString());

        // Granted again by the guardian, then withdrawn by the minor: off as well.
        (await DecideAsync(app, Dominique, minorKey, grant: true)).EnsureSuccessStatusCode();
        Assert.True(await VideosAllowedAsync(app, pupil));
        (await app.PostChoiceAsync(pupil, new { action = "refuse-all" }, Camille)).EnsureSuccessStatusCode();
        Assert.False(await VideosAllowedAsync(app, pupil));
    }

    [Fact]
    public async Task Every_guardian_needs_the_second_guardian_too_and_either_ones_withdrawal_switches_it_off()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store, JointConsentRule.EveryGuardian);
        var pupil = new CookieJar();
        (await app.PostChoiceAsync(pupil, new { action = "accept-all" }, Camille)).EnsureSuccessStatusCode();
        var minorKey = (await OverviewAsync(app, Dominique)).GetProperty("minors")[0].GetProperty("minor").GetString()!;

        (await DecideAsync(app, Dominique, minorKey, grant: true)).EnsureSuccessStatusCode();
        Assert.False(await VideosAllowedAsync(app, pupil));
        (await DecideAsync(app, Claude, minorKey, grant: true)).EnsureSuccessStatusCode();
        Assert.True(await VideosAllowedAsync(app, pupil));
        (await DecideAsync(app, Claude, minorKey, grant: false)).EnsureSuccessStatusCode();
        Assert.False(await VideosAllowedAsync(app, pupil));
    }

    [Fact]
    public async Task Guardian_decisions_are_proofs_by_the_guardian_about_the_minor_and_in_the_minors_export()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store, JointConsentRule.AnyGuardian);
        (await app.PostChoiceAsync(new CookieJar(), new { action = "accept-all" }, Camille)).EnsureSuccessStatusCode();
        var minorKey = (await OverviewAsync(app, Dominique)).GetProperty("minors")[0].GetProperty("minor").GetString()!;

        (await DecideAsync(app, Dominique, minorKey, grant: true)).EnsureSuccessStatusCode();

        var decision = store.Records[^1].Content;
        Assert.Equal(minorKey, decision.AboutSubjectKey);
        Assert.NotNull(decision.SubjectKey);
        Assert.NotEqual(minorKey, decision.SubjectKey);
        Assert.Equal(ConsentDecision.Granted, decision.Decisions["videos"]);
        var export = await store.ExportBySubjectAsync(minorKey);
        Assert.Equal(2, export.Count);
        Assert.Contains(export, r => r.Content.AboutSubjectKey == minorKey);
        // The guardian's own restoration never picks a decision they made about their child.
        Assert.Null(await store.FindLatestBySubjectAsync(decision.SubjectKey, null));
    }

    [Fact]
    public async Task Someone_who_is_not_the_minors_guardian_gets_403_problem()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store, JointConsentRule.AnyGuardian);
        var minorKey = (await OverviewAsync(app, Dominique)).GetProperty("minors")[0].GetProperty("minor").GetString()!;

        var stranger = await DecideAsync(app, Stranger, minorKey, grant: true);
        var anonymousJar = new CookieJar();
        var anonymousToken = await app.TokenAsync(anonymousJar);
        var anonymous = await app.SendAsync(HttpMethod.Post, "/consent/guardian", anonymousJar, JsonContent.Create(new { minor = minorKey, services = new { videos = true } }), r => r.Headers.Add("RequestVerificationToken", anonymousToken));

        await ConsentEndpointTests.AssertProblem(stranger, HttpStatusCode.Forbidden, "not on file as a guardian");
        await ConsentEndpointTests.AssertProblem(anonymous, HttpStatusCode.Forbidden, "Sign in as a guardian");
        Assert.Empty((await OverviewAsync(app, Stranger)).GetProperty("minors").EnumerateArray());
        Assert.DoesNotContain(store.Records, r => r.Content.AboutSubjectKey is not null);
    }

    [Theory]
    [InlineData("{\"minor\":\"k\"}", "Name the minor")]
    [InlineData("{\"minor\":\"k\",\"services\":{\"stats\":false}}", "not a consent-required service")]
    [InlineData("{\"minor\":\"k\",\"services\":{\"nope\":true}}", "not a consent-required service")]
    [InlineData("{\"minor\":\"k\",\"services\":{\"videos\":\"yes\"}}", "")]
    [InlineData("{\"minor\":\"k\",\"extra\":1}", "")]
    [InlineData("[", "")]
    public async Task Bad_input_gets_400_problem(string body, string detail)
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store, JointConsentRule.AnyGuardian);
        var jar = new CookieJar();
        var token = await app.TokenAsync(jar, Dominique);

        var response = await app.SendAsync(HttpMethod.Post, "/consent/guardian", jar, new StringContent(body, System.Text.Encoding.UTF8, "application/json"), r =>
        {
            r.Headers.Add("RequestVerificationToken", token);
            Dominique(r);
        });

        await ConsentEndpointTests.AssertProblem(response, HttpStatusCode.BadRequest, detail);
    }

    [Fact]
    public async Task Without_antiforgery_token_a_decision_is_refused()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store, JointConsentRule.AnyGuardian);

        var response = await app.SendAsync(HttpMethod.Post, "/consent/guardian", new CookieJar(), JsonContent.Create(new { minor = "k", services = new { videos = true } }), Dominique);

        await ConsentEndpointTests.AssertProblem(response, HttpStatusCode.BadRequest, "antiforgery");
    }

    [Fact]
    public async Task With_joint_consent_off_the_guardian_endpoint_answers_404_problem_and_a_minors_grant_stays_off()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store, JointConsentRule.Off);
        var pupil = new CookieJar();
        (await app.PostChoiceAsync(pupil, new { action = "accept-all" }, Camille)).EnsureSuccessStatusCode();

        var response = await app.GetAsync("/consent/guardian", new CookieJar(), Dominique);

        await ConsentEndpointTests.AssertProblem(response, HttpStatusCode.NotFound, "JointConsent is Off");
        Assert.False(await VideosAllowedAsync(app, pupil));
    }

    [Fact]
    public async Task A_minors_objection_to_exempt_audience_needs_nobody_else()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store, JointConsentRule.EveryGuardian);
        var pupil = new CookieJar();

        (await app.PostChoiceAsync(pupil, new { action = "save", services = new { stats = false } }, Camille)).EnsureSuccessStatusCode();

        var state = await (await app.GetAsync("/state", pupil, Camille)).Content.ReadAsStringAsync();
        Assert.Contains("stats=False", state, StringComparison.Ordinal);
    }
}
