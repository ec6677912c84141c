using Microsoft.Extensions.Time.Testing;
using static Ent.Consent.Tests.SampleDeclarations;

namespace Ent.Consent.Tests.Consent;

public class ConsentStateTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 1, 31, 9, 30, 0, TimeSpan.Zero));

    private static ConsentPolicy Policy(Action<ConsentPolicyOptions>? change = null)
    {
        var options = Options(Essential(), ExemptAudience(), ConsentRequired("videos"), ConsentRequired("maps"));
        options.Services[3].Purpose = "maps";
        change?.Invoke(options);
        return ConsentPolicy.Create(options);
    }

    private static KeyValuePair<string, ConsentDecision> Decision(string serviceId, ConsentDecision decision) => KeyValuePair.Create(serviceId, decision);

    [Fact]
    public void Create_records_each_decision_the_version_the_channel_and_the_time()
    {
        var policy = Policy();

        var state = ConsentState.Create(policy, [Decision("videos", ConsentDecision.Granted), Decision("maps", ConsentDecision.Denied)], ConsentChannel.PreferenceCentre, _time.GetUtcNow());

        Assert.Equal(ConsentDecision.Granted, state.GetDecision("videos"));
        Assert.Equal(ConsentDecision.Denied, state.GetDecision("maps"));
        Assert.Equal(ConsentDecision.NotAsked, state.GetDecision("stats"));
        Assert.True(state.IsGranted("videos"));
        Assert.False(state.IsGranted("maps"));
        Assert.Equal(policy.Version, state.PolicyVersion);
        Assert.Equal(ConsentChannel.PreferenceCentre, state.Channel);
        Assert.Equal(_time.GetUtcNow(), state.GivenAt);
        Assert.Equal(2, state.Decisions.Count);
    }

    [Fact]
    public void Create_stores_times_in_utc()
    {
        var paris = new DateTimeOffset(2025, 6, 1, 12, 0, 0, TimeSpan.FromHours(2));

        var state = ConsentState.ForAll(Policy(), ConsentDecision.Denied, ConsentChannel.FirstLayer, paris);

        Assert.Equal(TimeSpan.Zero, state.GivenAt.Offset);
        Assert.Equal(TimeSpan.Zero, state.ExpiresAt.Offset);
        Assert.Equal(paris, state.GivenAt);
    }

    [Fact]
    public void Create_rejects_an_unknown_service()
    {
        var error = Assert.Throws<ArgumentException>(() => ConsentState.Create(Policy(), [Decision("tiktok", ConsentDecision.Granted)], ConsentChannel.Api, _time.GetUtcNow()));

        Assert.Contains("Unknown service 'tiktok'", error.Message);
    }

    [Theory]
    [InlineData("login")]
    [InlineData(ConsentPolicy.ConsentServiceId)]
    public void Create_rejects_a_decision_about_an_essential_service(string serviceId)
    {
        var error = Assert.Throws<ArgumentException>(() => ConsentState.Create(Policy(), [Decision(serviceId, ConsentDecision.Denied)], ConsentChannel.Api, _time.GetUtcNow()));

        Assert.Contains($"Service '{serviceId}' is essential", error.Message);
    }

    [Fact]
    public void Create_rejects_an_undefined_decision()
    {
        Assert.Throws<ArgumentException>(() => ConsentState.Create(Policy(), [Decision("videos", (ConsentDecision)9)], ConsentChannel.Api, _time.GetUtcNow()));
    }

    [Theory]
    [InlineData(ConsentDecision.Granted)]
    [InlineData(ConsentDecision.Denied)]
    public void ForAll_decides_every_choosable_service_and_no_essential_one(ConsentDecision decision)
    {
        var policy = Policy();

        var state = ConsentState.ForAll(policy, decision, ConsentChannel.FirstLayer, _time.GetUtcNow());

        Assert.Equal(["maps", "stats", "videos"], state.Decisions.Keys.Order());
        Assert.All(state.Decisions.Values, d => Assert.Equal(decision, d));
        Assert.Equal(ConsentDecision.NotAsked, state.GetDecision("login"));
    }

    [Fact]
    public void With_merges_changes_into_the_previous_choice_under_a_new_id_and_time()
    {
        var policy = Policy();
        var first = ConsentState.ForAll(policy, ConsentDecision.Granted, ConsentChannel.FirstLayer, _time.GetUtcNow());
        _time.Advance(TimeSpan.FromDays(10));

        var second = first.With(policy, [Decision("maps", ConsentDecision.Denied)], ConsentChannel.PreferenceCentre, _time.GetUtcNow());

        Assert.Equal(ConsentDecision.Denied, second.GetDecision("maps"));
        Assert.Equal(ConsentDecision.Granted, second.GetDecision("videos"));
        Assert.Equal(ConsentDecision.Granted, second.GetDecision("stats"));
        Assert.NotEqual(first.ConsentId, second.ConsentId);
        Assert.Equal(_time.GetUtcNow(), second.GivenAt);
        Assert.Equal(ConsentChannel.PreferenceCentre, second.Channel);
        Assert.Equal(ConsentDecision.Granted, first.GetDecision("maps"));
    }

    [Fact]
    public void With_drops_decisions_about_services_the_policy_no_longer_has()
    {
        var first = ConsentState.ForAll(Policy(), ConsentDecision.Granted, ConsentChannel.FirstLayer, _time.GetUtcNow());
        var smaller = Policy(static o => o.Services.RemoveAt(3));

        var second = first.With(smaller, [Decision("videos", ConsentDecision.Denied)], ConsentChannel.PreferenceCentre, _time.GetUtcNow());

        Assert.False(second.Decisions.ContainsKey("maps"));
        Assert.Equal(smaller.Version, second.PolicyVersion);
    }

    [Fact]
    public void With_still_rejects_a_change_for_an_unknown_service()
    {
        var policy = Policy();
        var first = ConsentState.ForAll(policy, ConsentDecision.Granted, ConsentChannel.FirstLayer, _time.GetUtcNow());

        // A change the caller makes now (not an old decision) about a service the policy does not have is a mistake.
        Assert.Throws<ArgumentException>(() => first.With(policy, [Decision("tiktok", ConsentDecision.Granted)], ConsentChannel.Api, _time.GetUtcNow()));
    }

    [Fact]
    public void Choice_is_remembered_6_months_by_default()
    {
        var state = ConsentState.ForAll(Policy(), ConsentDecision.Denied, ConsentChannel.FirstLayer, _time.GetUtcNow());

        Assert.Equal(new DateTimeOffset(2025, 7, 31, 9, 30, 0, TimeSpan.Zero), state.ExpiresAt);
    }

    [Fact]
    public void Refusal_and_consent_are_remembered_alike()
    {
        var policy = Policy();

        Assert.Equal(
            ConsentState.ForAll(policy, ConsentDecision.Denied, ConsentChannel.FirstLayer, _time.GetUtcNow()).ExpiresAt,
            ConsentState.ForAll(policy, ConsentDecision.Granted, ConsentChannel.FirstLayer, _time.GetUtcNow()).ExpiresAt);
    }

    [Fact]
    public void Configured_validity_applies_and_month_ends_are_calendar_correct()
    {
        var policy = Policy(static o => o.ChoiceValidity = CalendarPeriod.FromMonths(13));

        var state = ConsentState.ForAll(policy, ConsentDecision.Granted, ConsentChannel.FirstLayer, _time.GetUtcNow());

        Assert.Equal(new DateTimeOffset(2026, 2, 28, 9, 30, 0, TimeSpan.Zero), state.ExpiresAt);
    }

    [Fact]
    public void Expiry_is_capped_at_13_months()
    {
        // The policy refuses more than 13 months, so the cap is checked on its own with a validity that passed.
        var policy = Policy(static o => o.ChoiceValidity = CalendarPeriod.Parse("P393D"));
        var givenAt = _time.GetUtcNow();

        Assert.Equal(new DateTimeOffset(2026, 2, 28, 9, 30, 0, TimeSpan.Zero), ConsentState.ExpiryOf(policy, givenAt));
        Assert.True(ConsentState.ExpiryOf(policy, givenAt) <= RegulatoryDurations.MaxChoiceValidity.AddTo(givenAt));
        var marchFirst = new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero), ConsentState.ExpiryOf(policy, marchFirst));
    }

    [Fact]
    public void IsValidFor_holds_until_expiry_for_the_same_version()
    {
        var policy = Policy();
        var state = ConsentState.ForAll(policy, ConsentDecision.Granted, ConsentChannel.FirstLayer, _time.GetUtcNow());

        _time.SetUtcNow(state.ExpiresAt.AddTicks(-1));
        Assert.True(state.IsValidFor(policy, _time.GetUtcNow()));
        Assert.False(state.IsExpired(_time.GetUtcNow()));

        _time.SetUtcNow(state.ExpiresAt);
        Assert.False(state.IsValidFor(policy, _time.GetUtcNow()));
        Assert.True(state.IsExpired(_time.GetUtcNow()));
    }

    [Fact]
    public void IsValidFor_fails_for_another_policy_version()
    {
        var state = ConsentState.ForAll(Policy(), ConsentDecision.Granted, ConsentChannel.FirstLayer, _time.GetUtcNow());
        var changed = Policy(static o => o.Texts.BannerTitle["fr"] = "Nouveau titre");

        Assert.False(state.IsValidFor(changed, _time.GetUtcNow()));
    }

    [Fact]
    public void Consent_ids_are_random_22_character_base64url_strings()
    {
        var ids = Enumerable.Range(0, 1000).Select(_ => ConsentState.NewConsentId()).ToList();

        Assert.All(ids, static id => Assert.Matches("^[A-Za-z0-9_-]{22}$", id));
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        var policy = Policy();
        Assert.NotEqual(
            ConsentState.ForAll(policy, ConsentDecision.Granted, ConsentChannel.FirstLayer, _time.GetUtcNow()).ConsentId,
            ConsentState.ForAll(policy, ConsentDecision.Granted, ConsentChannel.FirstLayer, _time.GetUtcNow()).ConsentId);
    }

    [Fact]
    public void A_state_read_back_must_expire_after_it_was_given()
    {
        var now = _time.GetUtcNow();

        Assert.Throws<ArgumentException>(() => new ConsentState("id", "v", now, now, ConsentChannel.Api, []));
        Assert.Throws<ArgumentException>(() => new ConsentState("", "v", now, now.AddDays(1), ConsentChannel.Api, []));
        Assert.Throws<ArgumentException>(() => new ConsentState("id", "", now, now.AddDays(1), ConsentChannel.Api, []));
    }

    [Fact]
    public void NotAsked_decisions_are_not_stored()
    {
        var state = ConsentState.Create(Policy(), [Decision("videos", ConsentDecision.NotAsked)], ConsentChannel.Api, _time.GetUtcNow());

        Assert.Empty(state.Decisions);
    }

    [Fact]
    public void Without_a_choice_essential_and_exempt_run_and_consent_required_does_not()
    {
        var policy = Policy();

        Assert.True(policy.IsAllowed("login", null));
        Assert.True(policy.IsAllowed(ConsentPolicy.ConsentServiceId, null));
        Assert.True(policy.IsAllowed("stats", null));
        Assert.False(policy.IsAllowed("videos", null));
        Assert.False(policy.IsAllowed("unknown", null));
    }

    [Fact]
    public void Granted_consent_required_service_is_allowed_and_denied_one_is_not()
    {
        var policy = Policy();
        var state = ConsentState.Create(policy, [Decision("videos", ConsentDecision.Granted), Decision("maps", ConsentDecision.Denied)], ConsentChannel.PreferenceCentre, _time.GetUtcNow());

        Assert.True(policy.IsAllowed("videos", state));
        Assert.False(policy.IsAllowed("maps", state));
    }

    [Fact]
    public void Objecting_to_exempt_audience_turns_it_off_and_essential_stays_on()
    {
        var policy = Policy();
        var state = ConsentState.ForAll(policy, ConsentDecision.Denied, ConsentChannel.FirstLayer, _time.GetUtcNow());

        Assert.False(policy.IsAllowed("stats", state));
        Assert.True(policy.IsAllowed("login", state));
    }

    [Fact]
    public void A_grant_made_under_another_version_counts_as_no_consent()
    {
        var old = Policy();
        var current = Policy(static o => o.Services[2].Description["fr"] = "Nouvelle description");
        var state = ConsentState.Create(old, [Decision("videos", ConsentDecision.Granted), Decision("stats", ConsentDecision.Granted)], ConsentChannel.PreferenceCentre, _time.GetUtcNow());

        Assert.True(old.IsAllowed("videos", state));
        Assert.False(current.IsAllowed("videos", state));
        Assert.True(current.IsAllowed("stats", state));
    }

    [Fact]
    public void An_objection_to_exempt_audience_survives_a_policy_change()
    {
        var old = Policy();
        var current = Policy(static o => o.Texts.BannerTitle["fr"] = "Nouveau titre");
        var state = ConsentState.ForAll(old, ConsentDecision.Denied, ConsentChannel.FirstLayer, _time.GetUtcNow());

        Assert.NotEqual(old.Version, current.Version);
        Assert.False(current.IsAllowed("stats", state));
    }

    [Fact]
    public void A_minor_without_guardians_gets_no_consent_required_service_whatever_the_policy()
    {
        foreach (var rule in new[] { JointConsentRule.Off, JointConsentRule.AnyGuardian, JointConsentRule.EveryGuardian })
        {
            var policy = Policy(o => o.JointConsent = rule);
            var state = ConsentState.ForAll(policy, ConsentDecision.Granted, ConsentChannel.FirstLayer, _time.GetUtcNow());
            Assert.False(policy.IsAllowed("videos", state, GuardianConsent.None));
            Assert.True(policy.IsAllowed("stats", state, GuardianConsent.None));
            Assert.True(policy.IsAllowed("login", state, GuardianConsent.None));
            Assert.True(policy.IsAllowed("videos", state));
        }
    }
}
