using static Ent.Consent.Tests.SampleDeclarations;

namespace Ent.Consent.Tests.Consent;

/// <summary>The one "allowed" rule for a minor: their grant and their guardians' (loi Informatique et Libertés art. 45).</summary>
public class JointConsentRuleTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 31, 9, 30, 0, TimeSpan.Zero);

    private static ConsentPolicy Policy(JointConsentRule rule)
    {
        var options = Options(Essential(), ExemptAudience(), ConsentRequired("videos"), ConsentRequired("maps"));
        options.Services[3].Purpose = "maps";
        options.JointConsent = rule;
        return ConsentPolicy.Create(options);
    }

    private static ConsentState Grants(ConsentPolicy policy, params (string Service, ConsentDecision Decision)[] decisions)
        => ConsentState.Create(policy, decisions.Select(static d => KeyValuePair.Create(d.Service, d.Decision)), ConsentChannel.PreferenceCentre, Now);

    private static GuardianConsent Guardians(params (string Key, ConsentState? Choice)[] guardians)
        => GuardianConsent.Create(
            guardians.Select(static g => g.Key),
            guardians.Where(static g => g.Choice is not null).ToDictionary(static g => g.Key, static g => g.Choice!, StringComparer.Ordinal));

    [Theory]
    [InlineData(JointConsentRule.AnyGuardian)]
    [InlineData(JointConsentRule.EveryGuardian)]
    public void A_grant_by_the_minor_alone_or_by_a_guardian_alone_allows_nothing(JointConsentRule rule)
    {
        var policy = Policy(rule);
        var minor = Grants(policy, ("videos", ConsentDecision.Granted));
        var parentGrant = Grants(policy, ("videos", ConsentDecision.Granted));

        Assert.False(policy.IsAllowed("videos", minor, Guardians(("p1", null), ("p2", null))));
        Assert.False(policy.IsAllowed("videos", null, Guardians(("p1", parentGrant), ("p2", parentGrant))));
        Assert.False(policy.IsAllowed("videos", Grants(policy, ("videos", ConsentDecision.Denied)), Guardians(("p1", parentGrant), ("p2", parentGrant))));
        Assert.True(policy.IsWaitingForGuardians("videos", minor, Guardians(("p1", null), ("p2", null))));
    }

    [Fact]
    public void Any_guardian_one_guardians_grant_with_the_minors_allows_and_their_withdrawal_does_not()
    {
        var policy = Policy(JointConsentRule.AnyGuardian);
        var minor = Grants(policy, ("videos", ConsentDecision.Granted));

        Assert.True(policy.IsAllowed("videos", minor, Guardians(("p1", Grants(policy, ("videos", ConsentDecision.Granted))), ("p2", null))));
        Assert.False(policy.IsWaitingForGuardians("videos", minor, Guardians(("p1", Grants(policy, ("videos", ConsentDecision.Granted))), ("p2", null))));
        Assert.False(policy.IsAllowed("videos", minor, Guardians(("p1", Grants(policy, ("videos", ConsentDecision.Denied))), ("p2", null))));
        Assert.False(policy.IsAllowed("maps", minor, Guardians(("p1", Grants(policy, ("videos", ConsentDecision.Granted))))));
    }

    [Fact]
    public void Every_guardian_needs_each_guardian_on_file_and_either_ones_refusal_switches_it_off()
    {
        var policy = Policy(JointConsentRule.EveryGuardian);
        var minor = Grants(policy, ("videos", ConsentDecision.Granted));
        var grant = Grants(policy, ("videos", ConsentDecision.Granted));
        var refusal = Grants(policy, ("videos", ConsentDecision.Denied));

        Assert.False(policy.IsAllowed("videos", minor, Guardians(("p1", grant), ("p2", null))));
        Assert.True(policy.IsAllowed("videos", minor, Guardians(("p1", grant), ("p2", grant))));
        Assert.False(policy.IsAllowed("videos", minor, Guardians(("p1", grant), ("p2", refusal))));
        Assert.False(policy.IsAllowed("videos", minor, Guardians(("p1", refusal), ("p2", grant))));
        Assert.True(policy.IsAllowed("videos", minor, Guardians(("p1", grant))));
    }

    [Fact]
    public void A_decision_of_someone_no_longer_on_file_or_under_another_policy_version_counts_for_nothing()
    {
        var policy = Policy(JointConsentRule.AnyGuardian);
        var other = Policy(JointConsentRule.EveryGuardian);
        var minor = Grants(policy, ("videos", ConsentDecision.Granted));
        var stale = Grants(other, ("videos", ConsentDecision.Granted));
        var grant = Grants(policy, ("videos", ConsentDecision.Granted));

        var notOnFile = GuardianConsent.Create(["p1"], new Dictionary<string, ConsentState> { ["former"] = grant });
        Assert.False(policy.IsAllowed("videos", minor, notOnFile));
        Assert.False(policy.IsAllowed("videos", minor, Guardians(("p1", stale))));
        Assert.NotEqual(policy.Version, other.Version);
    }

    [Theory]
    [InlineData(JointConsentRule.Off)]
    [InlineData(JointConsentRule.AnyGuardian)]
    [InlineData(JointConsentRule.EveryGuardian)]
    public void A_minors_objection_to_exempt_audience_needs_nobody_else_and_essentials_always_run(JointConsentRule rule)
    {
        var policy = Policy(rule);
        var objection = Grants(policy, ("stats", ConsentDecision.Denied));

        Assert.False(policy.IsAllowed("stats", objection, GuardianConsent.None));
        Assert.True(policy.IsAllowed("stats", null, GuardianConsent.None));
        Assert.True(policy.IsAllowed("login", null, GuardianConsent.None));
        Assert.False(policy.IsWaitingForGuardians("stats", Grants(policy, ("stats", ConsentDecision.Granted)), GuardianConsent.None));
    }

    [Fact]
    public void With_joint_consent_off_nobody_can_agree_for_a_minor()
    {
        var policy = Policy(JointConsentRule.Off);
        var grant = Grants(policy, ("videos", ConsentDecision.Granted));

        Assert.False(policy.IsAllowed("videos", grant, Guardians(("p1", grant), ("p2", grant))));
        Assert.True(policy.IsAllowed("videos", grant, guardians: null));
    }

    [Fact]
    public void An_undefined_rule_is_refused_at_validation()
    {
        var options = Options(Essential());
        options.JointConsent = (JointConsentRule)7;

        Assert.Contains(ConsentPolicy.Validate(options), e => e.Contains("JointConsent 7", StringComparison.Ordinal));
    }

    [Fact]
    public void A_guardian_listed_twice_counts_once()
    {
        var policy = Policy(JointConsentRule.EveryGuardian);
        var minor = Grants(policy, ("videos", ConsentDecision.Granted));
        var guardians = GuardianConsent.Create(["p1", "p1", "p2"], new Dictionary<string, ConsentState> { ["p1"] = Grants(policy, ("videos", ConsentDecision.Granted)) });

        Assert.Equal(2, guardians.GuardianKeys.Count);
        Assert.False(policy.IsAllowed("videos", minor, guardians));
    }
}
