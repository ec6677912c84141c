using Microsoft.Extensions.Configuration;

namespace Ent.Consent.Tests.Configuration;

/// <summary>The examples of docs/core.md, copied here so that a broken example fails the build or a test.</summary>
public class DocumentedExamplesTests
{
    [Fact]
    public void The_code_example_declares_a_valid_policy()
    {
        var options = new ConsentPolicyOptions
        {
            Controllers = ["La Région Occitanie", "L'académie de Toulouse"],
            BuiltInServices = ["ent-session", "matomo-exempt", "youtube"],
            Exemptions =
            {
                // The built-in exempt profile attests nothing: the DPO does, here.
                ["matomo-exempt"] = new ExemptionAttestation
                {
                    PurposeStrictlyAudienceMeasurement = true,
                    NoCrossSiteTracking = true,
                    AnonymousStatisticsOnly = true,
                    NoCrossReferencingOrSharing = true,
                    CookieLifetimeAtMost13Months = true,
                    DataRetentionAtMost25Months = true,
                    DataRetention = CalendarPeriod.FromMonths(25),
                    Configuration = "Matomo 5, IP anonymised to 2 bytes, approved by the DPO on 12 September 2025.",
                },
            },
            Purposes = { new PurposeDeclaration { Id = "pedagogy", Name = new("Ressources pédagogiques", "Learning resources") } },
            Services =
            {
                new ServiceDeclaration
                {
                    Id = "manuels",
                    Name = new("Manuels numériques", "Digital textbooks"),
                    Description = new("Lecteur de manuels de l'éditeur.", "The publisher's textbook reader."),
                    Provider = "Éditions Exemple",
                    Purpose = "pedagogy",
                    Category = ServiceCategory.ConsentRequired,
                    PrivacyPolicyUrl = new Uri("https://manuels.example/confidentialite"),
                    Cookies =
                    {
                        new CookieDeclaration { Name = "mn_visitor", Domain = ".manuels.example", Lifetime = CalendarPeriod.Parse("P13M"), HttpOnly = true },
                        new CookieDeclaration { Name = "mn_pref_*", Lifetime = CalendarPeriod.FromMonths(12) },
                    },
                    StorageKeys = { "mn-*" },
                    Hosts = { "lecteur.manuels.example" },
                },
            },
        };

        var policy = ConsentPolicy.Create(options);

        Assert.Equal(ServiceCategory.ExemptAudience, policy.FindService("matomo-exempt")!.Category);
        Assert.Equal("manuels", policy.Classifier.Classify("mn_pref_theme").Service!.Id);
    }

    [Fact]
    public void The_appsettings_example_binds_strictly_into_a_valid_policy()
    {
        var options = new ConsentPolicyOptions();
        new ConfigurationBuilder()
            .SetBasePath(Path.Combine(AppContext.BaseDirectory, "Configuration"))
            .AddJsonFile("appsettings.documented.json", optional: false)
            .Build()
            .GetSection("EntConsent:Policy")
            .Bind(options, static binder => binder.ErrorOnUnknownConfiguration = true);

        var policy = ConsentPolicy.Create(options);

        Assert.Equal(ServiceCategory.ExemptAudience, policy.FindService("matomo-exempt")!.Category);
        Assert.Equal("Les cookies de votre ENT", policy.Texts.BannerTitle["fr"]);
        Assert.Equal("Your choices about cookies", policy.Texts.BannerTitle["en"]);
        Assert.Equal(CalendarPeriod.FromMonths(13), policy.FindService("manuels")!.Cookies[0].Lifetime);
    }
}
