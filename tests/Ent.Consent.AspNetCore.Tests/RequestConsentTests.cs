using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using System.Text.Json;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore.Tests;

public sealed class RequestConsentTests
{
    [Fact]
    public async Task Global_Privacy_Control_counts_as_a_refusal_recorded_with_the_privacy_signal_channel()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();

        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_pref=x; path=/"), jar, r => r.Headers.Add("Sec-GPC", "1"));

        Assert.Null(CookieJar.FindSetCookie(response, "vid_pref"));
        var cookie = jar["ent_consent"];
        Assert.NotNull(cookie);
        Assert.Equal("3", cookie.Split('.')[5]);
        Assert.Equal("partner:d|videos:d", cookie.Split('.')[6]);
        var state = await (await app.GetAsync("/consent", jar)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.False(state.GetProperty("pending").GetBoolean());
        Assert.Equal("privacySignal", state.GetProperty("channel").GetString());
        Assert.True(state.GetProperty("services").GetProperty("stats").GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task Global_Privacy_Control_yields_to_a_later_explicit_grant()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        void Gpc(HttpRequestMessage r) => r.Headers.Add("Sec-GPC", "1");
        await app.GetAsync("/state", jar, Gpc);

        (await app.PostChoiceAsync(jar, new { action = "save", services = new { videos = true } }, Gpc)).EnsureSuccessStatusCode();
        var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_pref=x; path=/"), jar, Gpc);

        Assert.NotNull(CookieJar.FindSetCookie(response, "vid_pref"));
    }

    [Fact]
    public async Task Global_Privacy_Control_can_be_turned_off()
    {
        await using var app = await ConsentTestApp.StartAsync(o => o.HonorGlobalPrivacyControl = false);
        var jar = new CookieJar();

        var state = await (await app.GetAsync("/state", jar, r => r.Headers.Add("Sec-GPC", "1"))).Content.ReadAsStringAsync();

        Assert.StartsWith("pending=True", state);
        Assert.Null(jar["ent_consent"]);
    }

    [Fact]
    public async Task A_minor_gets_no_consent_required_service_even_when_granted()
    {
        await using var app = await ConsentTestApp.StartAsync(o => o.MinorClaimType = "ent_minor");
        var jar = new CookieJar();
        void Minor(HttpRequestMessage r)
        {
            r.Headers.Add("X-Test-User", "eleve");
            r.Headers.Add("X-Test-Minor", "1");
        }

        await app.PostChoiceAsync(jar, new { action = "accept-all" }, Minor);
        var state = await (await app.GetAsync("/state", jar, Minor)).Content.ReadAsStringAsync();
        var raw = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_pref=x; path=/"), jar, Minor);

        Assert.StartsWith("pending=False;videos=False;stats=True", state);
        Assert.Null(CookieJar.FindSetCookie(raw, "vid_pref"));
    }

    [Fact]
    public async Task Joint_consent_without_a_guardian_directory_or_store_stops_start_up()
    {
        var error = await Assert.ThrowsAnyAsync<OptionsValidationException>(() => ConsentTestApp.StartAsync(o =>
        {
            o.IsMinor = static context => context.Request.Headers.ContainsKey("X-Test-Minor");
            o.Policy.JointConsent = JointConsentRule.AnyGuardian;
        }));

        Assert.Contains("register an IGuardianDirectory", error.Message);
        Assert.Contains("a proof store is needed", error.Message);
    }

    [Fact]
    public async Task Tracking_consent_feature_follows_the_choice_for_code_that_uses_ASP_NET_Core_consent()
    {
        await using var app = await ConsentTestApp.StartAsync(routes: web => web.MapGet("/track", (HttpContext context) =>
        {
            var tracking = context.Features.Get<ITrackingConsentFeature>()!;
            return $"{tracking.IsConsentNeeded};{tracking.HasConsent};{tracking.CanTrack}";
        }));
        var jar = new CookieJar();

        var before = await (await app.GetAsync("/track", jar)).Content.ReadAsStringAsync();
        await app.PostChoiceAsync(jar, new { action = "save", services = new { videos = true } });
        var partial = await (await app.GetAsync("/track", jar)).Content.ReadAsStringAsync();
        await app.PostChoiceAsync(jar, new { action = "accept-all" });
        var after = await (await app.GetAsync("/track", jar)).Content.ReadAsStringAsync();

        Assert.Equal("True;False;False", before);
        Assert.Equal("True;False;False", partial);
        Assert.Equal("True;True;True", after);
    }

    [Fact]
    public async Task Tracking_consent_GrantConsent_applies_without_a_store_and_is_refused_with_one()
    {
        static void Route(WebApplication web) => web.MapGet("/grant", (HttpContext context) =>
        {
            try
            {
                context.Features.Get<ITrackingConsentFeature>()!.GrantConsent();
                return "granted";
            }
            catch (InvalidOperationException)
            {
                return "refused";
            }
        });
        await using var plain = await ConsentTestApp.StartAsync(routes: Route);
        await using var recorded = await ConsentTestApp.StartAsync(services: s => s.AddSingleton<IConsentProofStore>(new FakeProofStore()), routes: Route);
        var jar = new CookieJar();

        Assert.Equal("granted", await (await plain.GetAsync("/grant", jar)).Content.ReadAsStringAsync());
        Assert.Equal("2", jar["ent_consent"]!.Split('.')[5]);
        Assert.Equal("refused", await (await recorded.GetAsync("/grant", new CookieJar())).Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Each_tenant_has_its_own_policy_and_a_choice_does_not_carry_over()
    {
        ConsentPolicy? schoolB = null;
        await using var app = await ConsentTestApp.StartAsync(services: services =>
        {
            services.AddSingleton<IConsentPolicyResolver>(provider =>
            {
                var options = new ConsentPolicyOptions();
                TestPolicy.Configure(options);
                options.Controllers = ["Collège B"];
                schoolB = ConsentPolicy.Create(options);
                return new HostResolver(provider.GetRequiredService<ConsentPolicy>(), schoolB);
            });
        });
        var jar = new CookieJar();

        await app.PostChoiceAsync(jar, new { action = "accept-all" });
        var onA = await (await app.GetAsync("/consent", jar)).Content.ReadFromJsonAsync<JsonElement>();
        var onB = await (await app.GetAsync("/consent", jar, r => r.Headers.Add("X-Tenant", "B"))).Content.ReadFromJsonAsync<JsonElement>();

        Assert.False(onA.GetProperty("pending").GetBoolean());
        Assert.True(onB.GetProperty("pending").GetBoolean());
        Assert.Equal(schoolB!.Version, onB.GetProperty("policyVersion").GetString());
        Assert.NotEqual(onA.GetProperty("policyVersion").GetString(), onB.GetProperty("policyVersion").GetString());
    }

    [Fact]
    public async Task Choices_and_blocked_cookies_are_counted_on_the_Ent_Consent_meter()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var measurements = new List<(string Instrument, long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Ent.Consent")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var copy = new Dictionary<string, object?>();
            foreach (var tag in tags)
            {
                copy[tag.Key] = tag.Value;
            }

            lock (measurements)
            {
                measurements.Add((instrument.Name, value, copy));
            }
        });
        listener.Start();
        var jar = new CookieJar();

        await app.PostChoiceAsync(jar, new { action = "save", services = new { videos = false, partner = true } });
        await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_pref=x") + "&h=" + Uri.EscapeDataString("mystery=y"), jar);

        lock (measurements)
        {
            Assert.Contains(measurements, m => m.Instrument == "ent_consent.choices" && (string?)m.Tags["service"] == "videos" && (string?)m.Tags["kind"] == "denied");
            Assert.Contains(measurements, m => m.Instrument == "ent_consent.choices" && (string?)m.Tags["service"] == "partner" && (string?)m.Tags["kind"] == "granted");
            Assert.Contains(measurements, m => m.Instrument == "ent_consent.cookies.blocked" && (string?)m.Tags["cookie"] == "vid_pref" && (string?)m.Tags["reason"] == "no-consent");
            Assert.Contains(measurements, m => m.Instrument == "ent_consent.cookies.blocked" && (string?)m.Tags["cookie"] == "mystery" && (string?)m.Tags["reason"] == "undeclared");
        }
    }

    private sealed class HostResolver(ConsentPolicy schoolA, ConsentPolicy schoolB) : IConsentPolicyResolver
    {
        public ConsentPolicyResolution Resolve(HttpContext context)
            => context.Request.Headers.ContainsKey("X-Tenant") ? new(schoolB, "0000002B") : new(schoolA, "0000001A");
    }
}

public sealed class RegistrationTests
{
    [Fact]
    public async Task Invalid_policy_stops_start_up_with_every_problem_named()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ConsentTestApp.StartAsync(o =>
        {
            o.Policy.Controllers = [];
            o.Policy.ChoiceValidity = CalendarPeriod.FromMonths(14);
        }));

        Assert.Contains("Controllers is empty", error.Message);
        Assert.Contains("exceeds the 13-month cap", error.Message);
    }

    [Theory]
    [InlineData("short", "SubjectKey has 5 characters")]
    [InlineData(null, "PerUserConsent needs SubjectKey")]
    public async Task Integration_settings_are_validated_at_start_up(string? subjectKey, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ConsentTestApp.StartAsync(o =>
        {
            o.SubjectKey = subjectKey;
            o.PerUserConsent = true;
        }));

        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Options_bind_from_the_EntConsent_section_with_the_policy_in_its_Policy_subsection()
    {
        await using var app = await ConsentTestApp.StartAsync(configuration: new Dictionary<string, string?>
        {
            ["EntConsent:Policy:Controllers:0"] = "Région Occitanie",
            ["EntConsent:Policy:BuiltInServices:0"] = "youtube",
            ["EntConsent:Policy:ChoiceValidity"] = "P3M",
            ["EntConsent:Policy:ConsentCookieName"] = "choix",
            ["EntConsent:UndeclaredCookies"] = "Report",
            ["EntConsent:HonorGlobalPrivacyControl"] = "false",
            ["EntConsent:SubjectKey"] = "a-secret-from-the-secret-store-0123456789",
            ["EntConsent:PathPrefix"] = "/choix",
        });

        var options = app.Services.GetRequiredService<IOptions<EntConsentOptions>>().Value;
        var policy = app.Services.GetRequiredService<ConsentPolicy>();
        Assert.Equal(UndeclaredCookieMode.Report, options.UndeclaredCookies);
        Assert.False(options.HonorGlobalPrivacyControl);
        Assert.Equal("/choix", options.PathPrefix);
        Assert.Equal("choix", policy.ConsentCookieName);
        Assert.Equal(CalendarPeriod.FromMonths(3), policy.ChoiceValidity);
        Assert.NotNull(policy.FindService("youtube"));
        Assert.NotNull(policy.FindService("aspnetcore"));
    }

    [Theory]
    [InlineData("EntConsent:Policy:Services:0:Cookies:0:Lifetime", "13 mois", "13 mois")]
    [InlineData("EntConsent:Policy:Services:0:Catgory", "Essential", "Catgory")]
    [InlineData("EntConsent:Policy:Services:0:Category", "Exempt", "Exempt")]
    [InlineData("EntConsent:UndeclaredCookie", "Report", "UndeclaredCookie")]
    [InlineData("EntConsent:UndeclaredCookies", "Ignore", "Ignore")]
    [InlineData("EntConsent:Policy:PrivacyPolicyUrl", "https://x.example", "PrivacyPolicyUrl")]
    [InlineData("EntConsent:Policy:JointConsent", "oui", "oui")]
    [InlineData("EntConsent:Policy:AllowConsentForMinors", "true", "AllowConsentForMinors")]
    // The policy's keys no longer sit beside the integration's: one left there stops start-up instead of being ignored.
    [InlineData("EntConsent:Services:0:Id", "videos", "Services")]
    public async Task A_misspelt_key_or_unreadable_value_stops_start_up_instead_of_dropping_a_declaration(string key, string value, string named)
    {
        var configuration = new Dictionary<string, string?>
        {
            ["EntConsent:Policy:Controllers:0"] = "Région Occitanie",
            ["EntConsent:Policy:Services:0:Id"] = "videos",
            ["EntConsent:Policy:Services:0:Name:fr"] = "Vidéos",
            ["EntConsent:Policy:Services:0:Provider"] = "Hébergeur",
            ["EntConsent:Policy:Services:0:Purpose"] = "video",
            ["EntConsent:Policy:Services:0:Cookies:0:Name"] = "vid",
            [key] = value,
        };

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => ConsentTestApp.StartAsync(configuration: configuration));

        Assert.Contains(named, error.ToString());
    }

    [Fact]
    public async Task Missing_subject_key_is_logged_as_a_warning()
    {
        await using var app = await ConsentTestApp.StartAsync(o => o.SubjectKey = null);

        await app.GetAsync("/state", new CookieJar());

        Assert.Contains(app.Logs.OwnEntries, e => e.Id.Id == 120 && e.Level == Microsoft.Extensions.Logging.LogLevel.Warning);
    }

    [Fact]
    public async Task GetConsent_without_UseEntConsent_says_what_to_do()
    {
        var context = new DefaultHttpContext();

        var error = Assert.Throws<InvalidOperationException>(() => context.GetConsent());

        Assert.Contains("UseEntConsent", error.Message);
    }
}
