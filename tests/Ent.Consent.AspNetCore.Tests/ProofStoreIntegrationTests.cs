using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Ent.Consent.AspNetCore.Tests;

public sealed class ProofStoreIntegrationTests
{
    private const string Chrome = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.85 Safari/537.36";

    private static Task<ConsentTestApp> StartAsync(FakeProofStore store, Action<EntConsentOptions>? configure = null, Action<WebApplication>? routes = null)
        => ConsentTestApp.StartAsync(configure, services => services.AddSingleton<IConsentProofStore>(store), routes);

    [Fact]
    public async Task Grant_with_the_store_unavailable_answers_503_and_the_previous_choice_holds()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store);
        var jar = new CookieJar();
        (await app.PostChoiceAsync(jar, new { action = "refuse-all" })).EnsureSuccessStatusCode();
        var refusal = jar["ent_consent"];
        store.Unavailable = true;

        var response = await app.PostChoiceAsync(jar, new { action = "accept-all" });

        await ConsentEndpointTests.AssertProblem(response, HttpStatusCode.ServiceUnavailable, "previous choice still holds");
        Assert.Equal(TimeSpan.FromSeconds(5), response.Headers.RetryAfter?.Delta);
        Assert.Null(CookieJar.FindSetCookie(response, "ent_consent"));
        Assert.Equal(refusal, jar["ent_consent"]);
        var raw = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_pref=x"), jar);
        Assert.Null(CookieJar.FindSetCookie(raw, "vid_pref"));
    }

    [Fact]
    public async Task Grant_is_applied_only_after_its_proof_is_durable()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store);
        var jar = new CookieJar();
        var token = await app.TokenAsync(jar);
        store.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var posting = app.SendAsync(HttpMethod.Post, "/consent", jar, JsonContent.Create(new { action = "accept-all" }), r => r.Headers.Add("RequestVerificationToken", token));
        await store.AppendEntered.Task;

        Assert.False(posting.IsCompleted);
        Assert.Empty(store.Records);
        store.Gate.SetResult();
        var response = await posting;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var proof = Assert.Single(store.Records);
        Assert.Equal(jar["ent_consent"]!.Split('.')[2], proof.Content.ConsentId);
        Assert.All(proof.Content.Decisions.Values, d => Assert.Equal(ConsentDecision.Granted, d));
    }

    [Fact]
    public async Task Refusal_is_applied_at_once_and_its_proof_is_stored_when_the_store_comes_back()
    {
        var store = new FakeProofStore { Unavailable = true };
        await using var app = await StartAsync(store);
        var jar = new CookieJar();
        await app.PostChoiceAsync(jar, new { action = "accept-all" }); // Refused with 503: nothing yet.
        Assert.Null(jar["ent_consent"]);

        var response = await app.PostChoiceAsync(jar, new { action = "refuse-all" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(jar["ent_consent"]);
        Assert.Empty(store.Records);
        await WaitUntil(() => store.FailedAttempts >= 2, () => app.Time.Advance(TimeSpan.FromSeconds(1)));
        store.Unavailable = false;
        await WaitUntil(() => store.Records.Count == 1, () => app.Time.Advance(TimeSpan.FromMinutes(1)));
        var proof = Assert.Single(store.Records);
        Assert.Equal(jar["ent_consent"]!.Split('.')[2], proof.Content.ConsentId);
        Assert.All(proof.Content.Decisions.Values, d => Assert.Equal(ConsentDecision.Denied, d));
    }

    [Fact]
    public async Task A_refusal_proof_the_store_rejects_goes_to_the_dead_letter_file_and_does_not_block_later_refusals()
    {
        var store = new FakeProofStore { RejectNext = 1 };
        await using var app = await StartAsync(store);
        var jar = new CookieJar();

        await app.PostChoiceAsync(jar, new { action = "refuse-all" });
        var first = jar["ent_consent"]!.Split('.')[2];
        await app.PostChoiceAsync(jar, new { action = "refuse-all" });
        var second = jar["ent_consent"]!.Split('.')[2];

        await WaitUntil(() => store.Records.Count == 1, () => app.Time.Advance(TimeSpan.FromSeconds(1)));
        var proof = Assert.Single(store.Records);
        Assert.Equal(second, proof.Content.ConsentId);
        Assert.NotEqual(first, second);
        var dataDirectory = app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<EntConsentOptions>>().Value.DataDirectory;
        Assert.Contains(first, await File.ReadAllTextAsync(Path.Combine(dataDirectory, "refusal-proofs.dead-letter")));
    }

    [Fact]
    public async Task Bad_input_records_no_proof()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store);

        var response = await app.PostChoiceAsync(new CookieJar(), new { action = "save", services = new { ghost = true } });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(store.Records);
        Assert.Equal(0, store.FailedAttempts);
        Assert.False(store.AppendEntered.Task.IsCompleted);
    }

    [Fact]
    public async Task Proof_records_texts_hash_locale_browser_family_subject_and_tenant_and_no_address_by_default()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store);
        var jar = new CookieJar();

        await app.PostChoiceAsync(jar, new { action = "accept-all" }, r =>
        {
            r.Headers.Add("X-Test-User", "eleve.42");
            r.Headers.UserAgent.ParseAdd(Chrome);
        });

        var proof = Assert.Single(store.Records).Content;
        var policy = app.Services.GetRequiredService<ConsentPolicy>();
        Assert.Equal(policy.Version, proof.PolicyVersion);
        Assert.Equal(System.Globalization.CultureInfo.CurrentUICulture.Name is "" ? "fr" : System.Globalization.CultureInfo.CurrentUICulture.Name, proof.Locale);
        Assert.Equal(policy.GetTextsHash(System.Globalization.CultureInfo.GetCultureInfo(proof.Locale)), proof.TextsHash);
        Assert.Equal("Chrome 131", proof.UserAgentFamily);
        Assert.Equal(ConsentChannel.FirstLayer, proof.Channel);
        Assert.Equal(22, proof.SubjectKey?.Length);
        // The proof names the subject by its keyed hash; the cookie, which page scripts read, must not.
        Assert.Equal(app.Services.GetRequiredService<Ent.Consent.AspNetCore.Enforcement.ConsentRuntime>().Subjects.Hash("eleve.42"), proof.SubjectKey);
        Assert.NotEqual(jar["ent_consent"]!.Split('.')[7], proof.SubjectKey);
        Assert.DoesNotContain("eleve", proof.SubjectKey);
        Assert.Null(proof.Tenant);
        Assert.Null(proof.IpPrefix);
    }

    [Theory]
    [InlineData("192.168.17.42", "192.168.17.0/24")]
    [InlineData("2001:db8:abcd:12::1", "2001:db8:abcd::/48")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.0/24")]
    public async Task Proof_records_only_a_truncated_address_when_asked(string address, string expected)
    {
        var store = new FakeProofStore();
        await using var app = await ConsentTestApp.StartAsync(
            o => o.RecordTruncatedIpAddress = true,
            services => services.AddSingleton<IConsentProofStore>(store).AddSingleton<Microsoft.AspNetCore.Hosting.IStartupFilter>(new RemoteAddress(address)));

        await app.PostChoiceAsync(new CookieJar(), new { action = "refuse-all" });
        await WaitUntil(() => store.Records.Count == 1, () => { });

        Assert.Equal(expected, store.Records[0].Content.IpPrefix);
    }

    [Fact]
    public async Task Privacy_signal_refusal_is_recorded_as_a_proof()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store);

        await app.GetAsync("/state", new CookieJar(), r =>
        {
            r.Headers.Add("Sec-GPC", "1");
            r.Headers.Add("Sec-Fetch-Dest", "document");
            r.Headers.Add("Sec-Fetch-Mode", "navigate");
        });
        await WaitUntil(() => store.Records.Count == 1, () => { });

        Assert.Equal(ConsentChannel.PrivacySignal, store.Records[0].Content.Channel);
    }

    [Fact]
    public async Task Spool_health_is_degraded_while_refusals_wait_a_minute_for_a_store_that_is_down_and_healthy_once_drained()
    {
        var store = new FakeProofStore { Unavailable = true };
        await using var app = await StartAsync(store);
        Assert.Equal(HealthStatus.Healthy, (await SpoolHealth(app)).Status);

        await app.PostChoiceAsync(new CookieJar(), new { action = "refuse-all" });
        var waiting = await SpoolHealth(app);
        Assert.Equal(HealthStatus.Healthy, waiting.Status);
        Assert.Equal(1, waiting.Data["depth"]);
        await WaitUntil(() => store.FailedAttempts >= 2, () => app.Time.Advance(TimeSpan.FromSeconds(1)));
        app.Time.Advance(TimeSpan.FromMinutes(1));

        var stalled = await SpoolHealth(app);
        Assert.Equal(HealthStatus.Degraded, stalled.Status);
        Assert.Contains("1 refusal proofs wait in the spool", stalled.Description, StringComparison.Ordinal);
        store.Unavailable = false;
        await WaitUntil(() => store.Records.Count == 1, () => app.Time.Advance(TimeSpan.FromSeconds(10)));
        var drained = await SpoolHealth(app);
        Assert.Equal(HealthStatus.Healthy, drained.Status);
        Assert.Equal(0, drained.Data["depth"]);
    }

    [Fact]
    public async Task Spool_health_is_degraded_once_the_store_rejected_a_refusal_proof()
    {
        var store = new FakeProofStore { RejectNext = 1 };
        await using var app = await StartAsync(store);

        await app.PostChoiceAsync(new CookieJar(), new { action = "refuse-all" });
        await WaitUntil(() => store.RejectNext == 0, () => app.Time.Advance(TimeSpan.FromSeconds(1)));
        HealthReportEntry report = default;
        for (var i = 0; i < 400 && report.Status != HealthStatus.Degraded; i++)
        {
            await Task.Delay(5);
            report = await SpoolHealth(app);
        }

        Assert.Contains("rejected 1 refusal proofs", report.Description, StringComparison.Ordinal);
        Assert.Equal(1, report.Data["deadLettered"]);
    }

    private static async Task<HealthReportEntry> SpoolHealth(ConsentTestApp app)
    {
        var report = await app.Services.GetRequiredService<HealthCheckService>().CheckHealthAsync(r => r.Name == "ent-consent-refusal-spool");
        return report.Entries["ent-consent-refusal-spool"];
    }

    [Fact]
    public async Task Per_user_consent_follows_a_signed_in_user_to_a_new_device()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store, o => o.PerUserConsent = true);
        void Alice(HttpRequestMessage r) => r.Headers.Add("X-Test-User", "alice");
        await app.PostChoiceAsync(new CookieJar(), new { action = "save", services = new { videos = true } }, Alice);

        app.Time.Advance(TimeSpan.FromDays(10));
        var newDevice = new CookieJar();
        var restored = await app.GetAsync("/consent", newDevice, Alice);
        var state = await restored.Content.ReadFromJsonAsync<JsonElement>();
        // The restored choice keeps its own dates: the cookie lives for what remains of it, not a fresh six months.
        Assert.Equal(ConsentTestApp.Start.AddMonths(6) - app.Time.GetUtcNow(), CookieJar.FindSetCookie(restored, "ent_consent_account")?.MaxAge);
        var bob = await (await app.GetAsync("/consent", new CookieJar(), r => r.Headers.Add("X-Test-User", "bob"))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.False(state.GetProperty("pending").GetBoolean());
        Assert.Equal("granted", state.GetProperty("services").GetProperty("videos").GetProperty("decision").GetString());
        Assert.NotNull(newDevice["ent_consent_account"]);
        Assert.Null(newDevice["ent_consent"]);
        Assert.True(bob.GetProperty("pending").GetBoolean());
    }

    [Fact]
    public async Task Per_user_consent_is_off_by_default()
    {
        var store = new FakeProofStore();
        await using var app = await StartAsync(store);
        void Alice(HttpRequestMessage r) => r.Headers.Add("X-Test-User", "alice");
        await app.PostChoiceAsync(new CookieJar(), new { action = "accept-all" }, Alice);

        var state = await (await app.GetAsync("/consent", new CookieJar(), Alice)).Content.ReadFromJsonAsync<JsonElement>();

        Assert.True(state.GetProperty("pending").GetBoolean());
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

    private sealed class RemoteAddress(string address) : Microsoft.AspNetCore.Hosting.IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = System.Net.IPAddress.Parse(address);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}
