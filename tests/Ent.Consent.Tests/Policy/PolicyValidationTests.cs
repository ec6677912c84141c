using Microsoft.Extensions.Logging;
using static Ent.Consent.Tests.SampleDeclarations;

namespace Ent.Consent.Tests.Policy;

public class PolicyValidationTests
{
    private static ConsentPolicyException Refused(ConsentPolicyOptions options)
    {
        var error = Assert.Throws<ConsentPolicyException>(() => ConsentPolicy.Create(options));
        // Validate (used by ValidateOnStart) and Create must agree on every problem.
        Assert.Equal(error.Errors, ConsentPolicy.Validate(options));
        return error;
    }

    [Fact]
    public void A_complete_declaration_is_accepted()
    {
        var options = Options(ExemptAudience(), ConsentRequired(), Essential());

        Assert.Empty(ConsentPolicy.Validate(options));
        var policy = ConsentPolicy.Create(options);
        Assert.Equal(ServiceCategory.ExemptAudience, policy.FindService("stats")!.Category);
        Assert.Empty(policy.Warnings);
    }

    public static TheoryData<ExemptionCondition> Conditions => new(Enum.GetValues<ExemptionCondition>());

    [Theory]
    [MemberData(nameof(Conditions))]
    public void Every_exemption_condition_left_unattested_is_refused_on_its_own(ExemptionCondition missing)
    {
        var service = ExemptAudience();
        var attestation = service.Exemption!;
        switch (missing)
        {
            case ExemptionCondition.PurposeStrictlyAudienceMeasurement: service.Exemption = attestation with { PurposeStrictlyAudienceMeasurement = false }; break;
            case ExemptionCondition.NoCrossSiteTracking: service.Exemption = attestation with { NoCrossSiteTracking = false }; break;
            case ExemptionCondition.AnonymousStatisticsOnly: service.Exemption = attestation with { AnonymousStatisticsOnly = false }; break;
            case ExemptionCondition.NoCrossReferencingOrSharing: service.Exemption = attestation with { NoCrossReferencingOrSharing = false }; break;
            case ExemptionCondition.CookieLifetimeAtMost13Months: service.Exemption = attestation with { CookieLifetimeAtMost13Months = false }; break;
            case ExemptionCondition.DataRetentionAtMost25Months: service.Exemption = attestation with { DataRetentionAtMost25Months = false }; break;
        }

        var error = Refused(Options(service));

        var message = Assert.Single(error.Errors);
        Assert.Equal($"Service 'stats': exemption condition {(int)missing} ({missing}) is not attested.", message);
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void There_are_exactly_six_exemption_conditions()
    {
        Assert.Equal([1, 2, 3, 4, 5, 6], Enum.GetValues<ExemptionCondition>().Select(static c => (int)c));
    }

    [Fact]
    public void Exempt_service_without_attestation_is_refused()
    {
        var service = ExemptAudience();
        service.Exemption = null;

        var error = Refused(Options(service));

        Assert.Equal("Service 'stats' is declared ExemptAudience without an Exemption attestation: each of the six conditions must be attested.", Assert.Single(error.Errors));
    }

    [Fact]
    public void Exempt_service_without_justification_is_refused()
    {
        var service = ExemptAudience();
        service.Justification = new LocalizedTextDeclaration { ["fr"] = "  " };

        var error = Refused(Options(service));

        Assert.Contains("Service 'stats' is declared ExemptAudience without a Justification", Assert.Single(error.Errors));
    }

    [Theory]
    [InlineData("P14M")]
    [InlineData("P2Y")]
    [InlineData("P396D")]
    [InlineData("P13M1D")]
    public void Exempt_cookie_lifetime_over_13_months_is_refused_naming_the_cookie_and_the_figure(string lifetime)
    {
        var error = Refused(Options(ExemptAudience(cookieLifetime: lifetime)));

        var expected = CalendarPeriod.Parse(lifetime).ToString();
        Assert.Equal($"Service 'stats': cookie '_stats_id' lifetime {expected} exceeds the 13-month cap (P13M) for exempt audience measurement.", Assert.Single(error.Errors));
    }

    [Theory]
    [InlineData("P13M")]
    [InlineData("P1Y1M")]
    [InlineData("P393D")]
    [InlineData("PT30M")]
    public void Exempt_cookie_lifetime_of_at_most_13_months_is_accepted(string lifetime)
    {
        Assert.Empty(ConsentPolicy.Validate(Options(ExemptAudience(cookieLifetime: lifetime))));
    }

    [Fact]
    public void Exempt_session_cookie_is_accepted()
    {
        var service = ExemptAudience();
        service.Cookies[0].Lifetime = null;

        Assert.Empty(ConsentPolicy.Validate(Options(service)));
    }

    [Fact]
    public void Exempt_data_retention_not_declared_is_refused()
    {
        var service = ExemptAudience();
        service.Exemption = service.Exemption! with { DataRetention = null };

        var error = Refused(Options(service));

        Assert.Equal("Service 'stats': Exemption.DataRetention is not declared; exempt audience data may be kept at most 25 months (P25M).", Assert.Single(error.Errors));
    }

    [Theory]
    [InlineData("P26M", "P2Y2M")]
    [InlineData("P3Y", "P3Y")]
    [InlineData("P25M1D", "P2Y1M1D")]
    [InlineData("P800D", "P800D")]
    public void Exempt_data_retention_over_25_months_is_refused_with_the_figure(string retention, string shown)
    {
        var service = ExemptAudience();
        service.Exemption = service.Exemption! with { DataRetention = CalendarPeriod.Parse(retention) };

        var error = Refused(Options(service));

        Assert.Equal($"Service 'stats': Exemption.DataRetention {shown} exceeds the 25-month cap (P25M) for exempt audience data.", Assert.Single(error.Errors));
    }

    [Fact]
    public void Exempt_data_retention_of_zero_is_refused()
    {
        var service = ExemptAudience();
        service.Exemption = service.Exemption! with { DataRetention = CalendarPeriod.FromDays(0) };

        Assert.Contains("Exemption.DataRetention is zero", Assert.Single(Refused(Options(service)).Errors));
    }

    [Fact]
    public void A_failing_exemption_lists_every_failure_at_once()
    {
        var service = ExemptAudience(cookieLifetime: "P2Y");
        service.Exemption = service.Exemption! with { NoCrossSiteTracking = false };
        service.Exemption = service.Exemption with { DataRetention = CalendarPeriod.FromMonths(36) };

        var error = Refused(Options(service));

        Assert.Equal(3, error.Errors.Count);
        Assert.Contains(error.Errors, static e => e.Contains("condition 2 (NoCrossSiteTracking)"));
        Assert.Contains(error.Errors, static e => e.Contains("lifetime P2Y"));
        Assert.Contains(error.Errors, static e => e.Contains("DataRetention P3Y"));
    }

    [Fact]
    public void Downgrade_turns_an_invalid_exemption_into_consent_required_with_a_logged_warning()
    {
        var service = ExemptAudience();
        service.Exemption = service.Exemption! with { AnonymousStatisticsOnly = false };
        var options = Options(service);
        options.DowngradeInvalidExemptions = true;
        var sink = new CapturingLoggerProvider();
        using var loggerFactory = LoggerFactory.Create(builder => builder.AddProvider(sink));

        Assert.Empty(ConsentPolicy.Validate(options));
        var policy = ConsentPolicy.Create(options, loggerFactory.CreateLogger("Ent.Consent"));

        var downgraded = policy.FindService("stats")!;
        Assert.Equal(ServiceCategory.ConsentRequired, downgraded.Category);
        Assert.Equal(LegalBasis.Consent, downgraded.LegalBasis);
        Assert.Equal(ServiceCategory.ConsentRequired, policy.Classifier.Classify("_stats_id").Category);
        Assert.False(policy.IsAllowed("stats", null));
        var warning = Assert.Single(policy.Warnings);
        Assert.Contains("Service 'stats' was downgraded from ExemptAudience to ConsentRequired", warning);
        Assert.Contains("condition 3 (AnonymousStatisticsOnly)", warning);
        var logged = Assert.Single(sink.Entries);
        Assert.Equal(LogLevel.Warning, logged.Level);
        Assert.Contains(warning, logged.Message);
        // The options are left untouched: only the compiled policy is downgraded.
        Assert.Equal(ServiceCategory.ExemptAudience, options.Services[0].Category);
    }

    [Fact]
    public void Downgrade_does_not_hide_problems_other_than_the_exemption()
    {
        var service = ExemptAudience();
        service.Exemption = service.Exemption! with { AnonymousStatisticsOnly = false };
        service.Purpose = "nowhere";
        var options = Options(service);
        options.DowngradeInvalidExemptions = true;

        var error = Refused(options);

        Assert.Contains("Purpose 'nowhere' is not declared", Assert.Single(error.Errors));
    }

    [Fact]
    public void Essential_service_without_justification_is_refused()
    {
        var service = Essential();
        service.Justification = new LocalizedTextDeclaration();

        var error = Refused(Options(service));

        Assert.Equal("Service 'login' is declared Essential without a Justification: the site owner must state why it is strictly necessary.", Assert.Single(error.Errors));
    }

    [Fact]
    public void Unknown_purpose_is_refused_listing_the_declared_ones()
    {
        var service = ConsentRequired();
        service.Purpose = "marketing";

        var error = Refused(Options(service));

        var message = Assert.Single(error.Errors);
        Assert.StartsWith("Service 'videos': Purpose 'marketing' is not declared. Declared purposes: ", message);
        Assert.Contains("video", message);
    }

    [Fact]
    public void A_host_purpose_can_be_declared_and_used()
    {
        var service = ConsentRequired();
        service.Purpose = "pedagogy";
        var options = Options(service);
        options.Purposes.Add(new PurposeDeclaration { Id = "pedagogy", Name = new("Ressources pédagogiques", "Learning resources") });

        var policy = ConsentPolicy.Create(options);

        Assert.NotNull(policy.FindPurpose("pedagogy"));
    }

    [Fact]
    public void Duplicate_service_ids_are_refused()
    {
        var error = Refused(Options(ConsentRequired("videos"), ConsentRequired("videos")));

        Assert.Contains("Service 'videos' is declared 2 times; ids must be unique.", error.Errors);
    }

    [Fact]
    public void Duplicate_purpose_ids_are_refused()
    {
        var options = Options(ConsentRequired());
        options.Purposes.Add(new PurposeDeclaration { Id = "extra", Name = new("Extra") });
        options.Purposes.Add(new PurposeDeclaration { Id = "extra", Name = new("Extra") });

        Assert.Contains("Purpose 'extra' is declared 2 times; ids must be unique.", Refused(options).Errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("YouTube")]
    [InlineData("you tube")]
    [InlineData("-youtube")]
    [InlineData("you_tube")]
    [InlineData("vidéo")]
    [InlineData("a123456789a123456789a123456789a123456789a123456789a123456789abcde")]
    public void Invalid_service_ids_are_refused(string id)
    {
        var error = Refused(Options(ConsentRequired(id)));

        Assert.Contains($"Service '{id}': the id is invalid; use lowercase letters, digits and hyphens (at most 64), as it appears in cookies and HTML attributes.", error.Errors);
    }

    [Theory]
    [InlineData("youtube")]
    [InlineData("my-service-2")]
    [InlineData("a")]
    public void Valid_service_ids_are_accepted(string id)
    {
        Assert.Empty(ConsentPolicy.Validate(Options(ConsentRequired(id))));
    }

    [Fact]
    public void The_consent_cookie_service_id_is_reserved()
    {
        var error = Refused(Options(ConsentRequired(ConsentPolicy.ConsentServiceId)));

        Assert.Contains("Service id 'ent-consent' is reserved for the consent cookie itself.", error.Errors);
    }

    [Fact]
    public void Unknown_built_in_service_is_refused_listing_the_known_ones()
    {
        var options = Options();
        options.BuiltInServices.Add("tiktok");

        var message = Assert.Single(Refused(options).Errors);

        Assert.StartsWith("BuiltInServices names 'tiktok', which is not a built-in service. Known: ", message);
        Assert.Contains("youtube", message);
    }

    [Fact]
    public void Exemptions_for_a_service_not_in_the_policy_are_refused()
    {
        var options = Options(ConsentRequired());
        options.Exemptions["matomo-exempt"] = FullAttestation();

        Assert.Equal(
            "Exemptions names service 'matomo-exempt', which is not in the policy; add it to Services or BuiltInServices.",
            Assert.Single(Refused(options).Errors));
    }

    [Theory]
    [InlineData("P14M")]
    [InlineData("P2Y")]
    [InlineData("P13M1D")]
    [InlineData("P400D")]
    public void Choice_validity_over_13_months_is_refused(string validity)
    {
        var options = Options(ConsentRequired());
        options.ChoiceValidity = CalendarPeriod.Parse(validity);

        Assert.Equal(
            $"ChoiceValidity {CalendarPeriod.Parse(validity)} exceeds the 13-month cap (P13M) for remembering a choice.",
            Assert.Single(Refused(options).Errors));
    }

    [Theory]
    [InlineData("P13M")]
    [InlineData("P6M")]
    [InlineData("P30D")]
    public void Choice_validity_up_to_13_months_is_accepted(string validity)
    {
        var options = Options(ConsentRequired());
        options.ChoiceValidity = CalendarPeriod.Parse(validity);

        Assert.Empty(ConsentPolicy.Validate(options));
    }

    [Fact]
    public void Choice_validity_of_zero_is_refused()
    {
        var options = Options(ConsentRequired());
        options.ChoiceValidity = default;

        Assert.Equal("ChoiceValidity is zero: a choice must be remembered for some time (default P6M).", Assert.Single(Refused(options).Errors));
    }

    [Fact]
    public void Empty_controllers_are_refused()
    {
        var options = Options(ConsentRequired());
        options.Controllers = [];
        Assert.Contains("Controllers is empty", Assert.Single(Refused(options).Errors));

        options.Controllers = ["  "];
        Assert.Contains("Controllers is empty", Assert.Single(Refused(options).Errors));
    }

    [Theory]
    [InlineData("")]
    [InlineData("my consent")]
    [InlineData("consent;x")]
    [InlineData("consent*")]
    public void Invalid_consent_cookie_name_is_refused(string name)
    {
        var options = Options(ConsentRequired());
        options.ConsentCookieName = name;

        Assert.Contains($"ConsentCookieName '{name}' is not a valid cookie name.", Refused(options).Errors);
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("bad name")]
    [InlineData("a*b*")]
    [InlineData("a=b")]
    public void Invalid_cookie_names_are_refused(string name)
    {
        var error = Refused(Options(ConsentRequired("videos", Cookie(name))));

        Assert.Contains($"Service 'videos': cookie name '{name}' is invalid; give an exact name or a prefix ending with a single '*'.", error.Errors);
    }

    [Fact]
    public void Service_without_name_or_provider_is_refused()
    {
        var service = ConsentRequired();
        service.Name = new LocalizedTextDeclaration();
        service.Provider = " ";

        var error = Refused(Options(service));

        Assert.Equal(2, error.Errors.Count);
        Assert.Contains(error.Errors, static e => e.StartsWith("Service 'videos': Name is empty"));
        Assert.Contains(error.Errors, static e => e.StartsWith("Service 'videos': Provider is empty"));
    }

    [Fact]
    public void Undefined_category_is_refused()
    {
        var service = ConsentRequired();
        service.Category = (ServiceCategory)7;

        Assert.Contains("Service 'videos': Category 7 is not a known category.", Refused(Options(service)).Errors);
    }

    [Fact]
    public void Every_problem_is_reported_at_once()
    {
        var options = Options(ConsentRequired("Bad"), Essential("login"));
        options.Controllers = [];
        options.Services[1].Justification = new LocalizedTextDeclaration();
        options.BuiltInServices.Add("nope");

        Assert.Equal(4, Refused(options).Errors.Count);
    }

    [Fact]
    public void Built_in_matomo_exempt_without_attestation_is_refused_naming_each_condition()
    {
        var options = Options();
        options.BuiltInServices.Add("matomo-exempt");

        var error = Refused(options);

        foreach (var condition in Enum.GetValues<ExemptionCondition>())
        {
            Assert.Contains($"Service 'matomo-exempt': exemption condition {(int)condition} ({condition}) is not attested.", error.Errors);
        }

        Assert.Equal(6, error.Errors.Count);
    }

    [Fact]
    public void Built_in_matomo_exempt_with_the_owner_attestation_is_accepted_as_exempt()
    {
        var options = Options();
        options.BuiltInServices.Add("matomo-exempt");
        options.Exemptions["matomo-exempt"] = FullAttestation("P25M");

        var policy = ConsentPolicy.Create(options);

        var matomo = policy.FindService("matomo-exempt")!;
        Assert.Equal(ServiceCategory.ExemptAudience, matomo.Category);
        Assert.Equal(CalendarPeriod.FromMonths(25), matomo.Exemption!.DataRetention);
        Assert.Equal(ServiceCategory.ExemptAudience, policy.Classifier.Classify("_pk_id.1.abcd").Category);
        Assert.True(policy.IsAllowed("matomo-exempt", null));
    }

    [Fact]
    public void Built_in_dnma_exempt_without_attestation_is_downgraded_when_the_host_opts_in()
    {
        var options = Options();
        options.BuiltInServices.Add("dnma-exempt");
        options.DowngradeInvalidExemptions = true;

        var policy = ConsentPolicy.Create(options);

        Assert.Equal(ServiceCategory.ConsentRequired, policy.FindService("dnma-exempt")!.Category);
        Assert.Equal(ServiceCategory.ConsentRequired, policy.Classifier.Classify("atid").Category);
    }

    [Fact]
    public void A_host_service_overrides_the_built_in_one_with_the_same_id()
    {
        var own = ConsentRequired("youtube", Cookie("MY_YT"));
        var options = Options(own);
        options.BuiltInServices.Add("youtube");

        var policy = ConsentPolicy.Create(options);

        Assert.Single(policy.Services, static s => s.Id == "youtube");
        Assert.True(policy.Classifier.Classify("MY_YT").IsKnown);
        Assert.False(policy.Classifier.Classify("VISITOR_INFO1_LIVE").IsKnown);
    }

    [Fact]
    public void The_compiled_policy_does_not_change_when_the_options_change_afterwards()
    {
        var options = Options(ConsentRequired());
        var policy = ConsentPolicy.Create(options);
        var version = policy.Version;

        options.Services[0].Name["fr"] = "Autre";
        options.Services[0].Cookies[0].Name = "other";
        options.Texts.BannerTitle["fr"] = "Autre titre";
        options.Controllers.Add("Quelqu'un d'autre");

        Assert.Equal("Vidéos", policy.FindService("videos")!.Name["fr"]);
        Assert.True(policy.Classifier.Classify("vid").IsKnown);
        Assert.Equal(2, policy.Controllers.Count);
        Assert.Equal(version, ConsentPolicy.Create(Options(ConsentRequired())).Version);
    }

    [Fact]
    public void The_consent_cookie_is_always_declared_essential_under_its_configured_name()
    {
        var options = Options();
        options.ConsentCookieName = "choix_cookies";

        var policy = ConsentPolicy.Create(options);

        Assert.Equal(ConsentPolicy.ConsentServiceId, policy.Services[0].Id);
        Assert.Equal(ServiceCategory.Essential, policy.Classifier.Classify("choix_cookies").Category);
        Assert.Equal("choix_cookies", policy.ConsentCookieName);
        Assert.DoesNotContain(policy.ChoosableServices, static s => s.Id == ConsentPolicy.ConsentServiceId);
    }

    [Fact]
    public void Only_used_or_declared_purposes_are_shown()
    {
        var policy = ConsentPolicy.Create(Options(ConsentRequired()));

        Assert.Equal(["essential", "video"], policy.Purposes.Select(static p => p.Id).Order());
    }

    [Fact]
    public void Essential_service_left_with_the_consent_basis_is_refused()
    {
        var service = Essential();
        service.LegalBasis = LegalBasis.Consent;

        var error = Refused(Options(service));

        Assert.Equal(
            "Service 'login' is declared Essential with LegalBasis Consent, yet no consent is asked for it: declare the basis it relies on (PublicInterest, LegalObligation, Contract or LegitimateInterests).",
            Assert.Single(error.Errors));
    }

    [Fact]
    public void Exempt_service_left_with_the_consent_basis_is_refused()
    {
        var service = ExemptAudience();
        service.LegalBasis = LegalBasis.Consent;

        var error = Refused(Options(service));

        Assert.Equal(
            "Service 'stats' is declared ExemptAudience with LegalBasis Consent, yet the exemption means no consent is asked: declare LegitimateInterests (or PublicInterest for a public body's own measurement).",
            Assert.Single(error.Errors));
    }

    [Fact]
    public void Exempt_service_left_with_the_consent_basis_is_downgraded_when_downgrades_are_allowed()
    {
        var service = ExemptAudience();
        service.LegalBasis = LegalBasis.Consent;
        var options = Options(service);
        options.DowngradeInvalidExemptions = true;

        var policy = ConsentPolicy.Create(options);

        Assert.Equal(ServiceCategory.ConsentRequired, policy.FindService("stats")!.Category);
        Assert.Contains("LegalBasis Consent", Assert.Single(policy.Warnings));
    }

    [Fact]
    public void Every_built_in_service_validates_once_its_exemption_is_attested()
    {
        var options = Options();
        options.BuiltInServices.AddRange(BuiltInCatalogue.ServiceIds);
        options.Exemptions["matomo-exempt"] = FullAttestation();
        options.Exemptions["dnma-exempt"] = FullAttestation();

        Assert.Empty(ConsentPolicy.Validate(options));
    }

    [Theory]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("data:text/html,<script>alert(1)</script>")]
    [InlineData("ftp://videos.example/privacy")]
    [InlineData("vbscript:msgbox(1)")]
    public void Privacy_policy_url_that_is_not_https_is_refused(string url)
    {
        var service = ConsentRequired();
        service.PrivacyPolicyUrl = new Uri(url);

        var error = Refused(Options(service));

        Assert.Equal(
            $"Service 'videos': PrivacyPolicyUrl '{url}' is not an https address; give an absolute https:// address such as https://example.org/privacy.",
            Assert.Single(error.Errors));
    }

    [Fact]
    public void Relative_privacy_policy_url_is_refused()
    {
        var service = ConsentRequired();
        service.PrivacyPolicyUrl = new Uri("/privacy", UriKind.Relative);

        Assert.Contains("PrivacyPolicyUrl '/privacy' is not an https address", Assert.Single(Refused(Options(service)).Errors));
    }

    [Fact]
    public void Http_privacy_policy_url_is_refused_unless_the_host_allows_http()
    {
        var service = ConsentRequired();
        service.PrivacyPolicyUrl = new Uri("http://videos.example/privacy");
        var options = Options(service);

        Assert.Equal(
            "Service 'videos': PrivacyPolicyUrl 'http://videos.example/privacy' uses http; give the https:// address (AllowHttpUrls accepts http, for development only).",
            Assert.Single(Refused(options).Errors));

        options.AllowHttpUrls = true;
        Assert.Empty(ConsentPolicy.Validate(options));
    }

    [Fact]
    public void Https_privacy_policy_url_is_accepted()
    {
        var service = ConsentRequired();
        service.PrivacyPolicyUrl = new Uri("https://videos.example/privacy");

        Assert.Empty(ConsentPolicy.Validate(Options(service)));
    }

    [Fact]
    public void Http_urls_are_refused_by_default()
    {
        Assert.False(new ConsentPolicyOptions().AllowHttpUrls);
    }
}
