using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ent.Consent.Tests.Configuration;

public class ConfigurationBindingTests
{
    private static IConfigurationSection Section(string file) => new ConfigurationBuilder()
        .SetBasePath(Path.Combine(AppContext.BaseDirectory, "Configuration"))
        .AddJsonFile(file, optional: false)
        .Build()
        .GetSection("EntConsent:Policy");

    private static ServiceProvider Provider(IConfigurationSection section)
    {
        var services = new ServiceCollection();
        services.AddOptions<ConsentPolicyOptions>()
            .Configure(options => section.Bind(options, static binder => binder.ErrorOnUnknownConfiguration = true))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConsentPolicyOptions>, ConsentPolicyOptionsValidator>();
        return services.BuildServiceProvider();
    }

    [Fact]
    public void Appsettings_bind_every_part_of_the_declaration()
    {
        using var provider = Provider(Section("appsettings.portal.json"));

        provider.GetRequiredService<IStartupValidator>().Validate();
        var options = provider.GetRequiredService<IOptions<ConsentPolicyOptions>>().Value;

        Assert.Equal(["La Région Occitanie", "L'académie de Toulouse"], options.Controllers);
        Assert.Equal(CalendarPeriod.FromMonths(6), options.ChoiceValidity);
        Assert.Equal("ent_choix", options.ConsentCookieName);
        Assert.Equal(["ent-session", "matomo-exempt", "youtube"], options.BuiltInServices);

        var manuels = options.Services.Single(static s => s.Id == "manuels");
        Assert.Equal("Digital textbooks", new LocalizedText(manuels.Name).Resolve(new CultureInfo("en")));
        Assert.Equal("Manuels numériques", new LocalizedText(manuels.Name).Resolve(new CultureInfo("fr-FR")));
        Assert.Equal(ServiceCategory.ConsentRequired, manuels.Category);
        Assert.Equal(new Uri("https://manuels.example/confidentialite"), manuels.PrivacyPolicyUrl);
        Assert.Equal(3, manuels.Cookies.Count);
        Assert.Equal(CalendarPeriod.FromMonths(13), manuels.Cookies[0].Lifetime);
        Assert.Equal(".manuels.example", manuels.Cookies[0].Domain);
        Assert.True(manuels.Cookies[0].HttpOnly);
        Assert.EndsWith("*", manuels.Cookies[1].Name);
        Assert.Equal(CalendarPeriod.FromMonths(12), manuels.Cookies[1].Lifetime);
        Assert.Null(manuels.Cookies[2].Lifetime);
        Assert.Equal(["mn-*"], manuels.StorageKeys);
        Assert.Equal(["lecteur.manuels.example"], manuels.Hosts);

        var stats = options.Services.Single(static s => s.Id == "stats-region");
        Assert.Equal(ServiceCategory.ExemptAudience, stats.Category);
        Assert.Equal(LegalBasis.LegitimateInterests, stats.LegalBasis);
        Assert.True(stats.Exemption!.NoCrossReferencingOrSharing);
        Assert.Equal(CalendarPeriod.FromMonths(24), stats.Exemption.DataRetention);
        Assert.Equal(CalendarPeriod.FromMonths(13), stats.Cookies[0].Lifetime);

        var matomo = options.Exemptions["matomo-exempt"];
        Assert.True(matomo.DataRetentionAtMost25Months);
        Assert.Equal(CalendarPeriod.FromMonths(25), matomo.DataRetention);
        Assert.StartsWith("Matomo 5", matomo.Configuration);

        Assert.Equal("Learning resources", new LocalizedText(options.Purposes.Single().Name).Resolve(new CultureInfo("en")));
    }

    [Fact]
    public void Text_overrides_replace_only_the_languages_they_name()
    {
        using var provider = Provider(Section("appsettings.portal.json"));
        var texts = provider.GetRequiredService<IOptions<ConsentPolicyOptions>>().Value.Texts;

        Assert.Equal("Les cookies de votre ENT", texts.BannerTitle["fr"]);
        Assert.Equal("Your choices about cookies", texts.BannerTitle["en"]);
        Assert.Equal("Tout accepter", texts.AcceptAll["fr"]);
        Assert.Equal("Accept everything", texts.AcceptAll["en"]);
        Assert.Equal("Tot acceptar", new LocalizedText(texts.AcceptAll).Resolve(new CultureInfo("oc")));
        Assert.Equal(new ConsentTextsDeclaration().RefuseAll, texts.RefuseAll);
    }

    [Fact]
    public void Bound_options_compile_into_the_declared_policy()
    {
        using var provider = Provider(Section("appsettings.portal.json"));
        var options = provider.GetRequiredService<IOptions<ConsentPolicyOptions>>().Value;

        var policy = ConsentPolicy.Create(options);

        Assert.Equal(
            [ConsentPolicy.ConsentServiceId, "ent-session", "matomo-exempt", "youtube", "manuels", "stats-region"],
            policy.Services.Select(static s => s.Id));
        Assert.Equal(ServiceCategory.ExemptAudience, policy.FindService("matomo-exempt")!.Category);
        Assert.Equal(ServiceCategory.Essential, policy.Classifier.Classify("ent_choix").Category);
        Assert.Equal("manuels", policy.Classifier.Classify("mn_pref_theme").Service!.Id);
        Assert.Equal("manuels", policy.Classifier.Classify("mn_visitor", "lecteur.manuels.example").Service!.Id);
        Assert.False(policy.Classifier.Classify("mn_visitor", "other.example").IsKnown);
        Assert.Equal(ServiceCategory.ExemptAudience, policy.Classifier.Classify("_sr_id").Category);
        Assert.Equal("Les cookies de votre ENT", policy.Texts.BannerTitle["fr"]);
    }

    [Fact]
    public void Binding_the_same_file_twice_gives_the_same_version()
    {
        using var first = Provider(Section("appsettings.portal.json"));
        using var second = Provider(Section("appsettings.portal.json"));

        Assert.Equal(
            ConsentPolicy.Create(first.GetRequiredService<IOptions<ConsentPolicyOptions>>().Value).Version,
            ConsentPolicy.Create(second.GetRequiredService<IOptions<ConsentPolicyOptions>>().Value).Version);
    }

    [Fact]
    public void Invalid_appsettings_stop_start_up_with_every_problem_named()
    {
        using var provider = Provider(Section("appsettings.invalid.json"));

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Equal(
        [
            "Controllers is empty: name the joint controllers (region or département, academic authority, school) shown in the banner.",
            "ChoiceValidity P2Y exceeds the 13-month cap (P13M) for remembering a choice.",
            "BuiltInServices names 'tiktok', which is not a built-in service. Known: " + string.Join(", ", BuiltInCatalogue.ServiceIds) + ".",
            "Service 'matomo-exempt': exemption condition 1 (PurposeStrictlyAudienceMeasurement) is not attested.",
            "Service 'matomo-exempt': exemption condition 2 (NoCrossSiteTracking) is not attested.",
            "Service 'matomo-exempt': exemption condition 3 (AnonymousStatisticsOnly) is not attested.",
            "Service 'matomo-exempt': exemption condition 4 (NoCrossReferencingOrSharing) is not attested.",
            "Service 'matomo-exempt': exemption condition 5 (CookieLifetimeAtMost13Months) is not attested.",
            "Service 'matomo-exempt': exemption condition 6 (DataRetentionAtMost25Months) is not attested.",
            "Service 'stats-region': exemption condition 4 (NoCrossReferencingOrSharing) is not attested.",
            "Service 'stats-region': cookie '_sr_id' lifetime P1Y2M exceeds the 13-month cap (P13M) for exempt audience measurement.",
            "Service 'stats-region': Exemption.DataRetention P3Y exceeds the 25-month cap (P25M) for exempt audience data.",
        ],
            error.Failures);
        Assert.Contains("exemption condition 4 (NoCrossReferencingOrSharing)", error.Message);
    }

    private static IConfigurationSection InMemory(params (string Key, string Value)[] values) => new ConfigurationBuilder()
        .AddInMemoryCollection(values.Select(static v => KeyValuePair.Create("EntConsent:Policy:" + v.Key, (string?)v.Value)))
        .Build()
        .GetSection("EntConsent:Policy");

    private static readonly (string, string)[] CookieWithUnreadableLifetime =
    [
        ("Services:0:Id", "videos"),
        ("Services:0:Cookies:0:Name", "vid"),
        ("Services:0:Cookies:0:Lifetime", "13 mois"),
    ];

    [Fact]
    public void A_lifetime_that_is_not_an_ISO_period_fails_strict_binding_with_the_value_and_the_expected_form()
    {
        using var provider = Provider(InMemory(CookieWithUnreadableLifetime));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<ConsentPolicyOptions>>().Value);

        Assert.Contains("13 mois", error.ToString());
        Assert.Contains("ISO 8601", error.ToString());
    }

    [Fact]
    public void Default_binding_silently_drops_a_cookie_whose_lifetime_does_not_parse_so_hosts_must_bind_strictly()
    {
        // The configuration binder skips collection items that fail to convert (dotnet/runtime#35007) unless
        // ErrorOnUnknownConfiguration is set: a typo would quietly remove a cookie from the policy.
        var options = new ConsentPolicyOptions();

        InMemory(CookieWithUnreadableLifetime).Bind(options);

        Assert.Empty(Assert.Single(options.Services).Cookies);
    }

    [Fact]
    public void A_misspelt_setting_fails_strict_binding()
    {
        using var provider = Provider(InMemory(("Services:0:Id", "videos"), ("Services:0:Catgory", "Essential")));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<ConsentPolicyOptions>>().Value);

        Assert.Contains("Catgory", error.ToString());
    }

    [Fact]
    public void An_unknown_category_fails_strict_binding()
    {
        using var provider = Provider(InMemory(("Services:0:Id", "videos"), ("Services:0:Category", "Exempt")));

        var error = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IOptions<ConsentPolicyOptions>>().Value);

        Assert.Contains("Exempt", error.ToString());
    }

    [Fact]
    public void Options_validator_accepts_a_valid_declaration_and_lists_every_problem_of_an_invalid_one()
    {
        var validator = new ConsentPolicyOptionsValidator();
        var valid = SampleDeclarations.Options(SampleDeclarations.ConsentRequired());
        var invalid = SampleDeclarations.Options(SampleDeclarations.ConsentRequired("Bad"));
        invalid.Controllers.Clear();

        Assert.True(validator.Validate(Options.DefaultName, valid).Succeeded);
        var result = validator.Validate(Options.DefaultName, invalid);
        Assert.True(result.Failed);
        Assert.Equal(ConsentPolicy.Validate(invalid), result.Failures);
    }
}
