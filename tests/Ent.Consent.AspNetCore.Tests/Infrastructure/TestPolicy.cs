using Ent.Consent;

namespace Ent.Consent.AspNetCore.Tests.Infrastructure;

/// <summary>A small portal policy: one consent-required video service, one exempt audience service, one partner.</summary>
internal static class TestPolicy
{
    public static void Configure(ConsentPolicyOptions policy)
    {
        policy.Controllers = ["Région de test et académie de test"];
        policy.Services =
        [
            new ServiceDeclaration
            {
                Id = "videos",
                Name = new("Vidéos", "Videos"),
                Provider = "Vidéos SA",
                Purpose = "video",
                Category = ServiceCategory.ConsentRequired,
                Cookies =
                [
                    new CookieDeclaration { Name = "vid_session", HttpOnly = true },
                    new CookieDeclaration { Name = "vid_pref", Lifetime = CalendarPeriod.FromMonths(6) },
                ],
            },
            new ServiceDeclaration
            {
                Id = "partner",
                Name = new("Partenaire", "Partner"),
                Provider = "Partenaire SAS",
                Purpose = "social",
                Category = ServiceCategory.ConsentRequired,
                Cookies = [new CookieDeclaration { Name = "partner_id", Domain = ".portal.test", Path = "/app", HttpOnly = true, Lifetime = CalendarPeriod.FromMonths(6) }],
            },
            new ServiceDeclaration
            {
                Id = "stats",
                Name = new("Statistiques", "Statistics"),
                Provider = "Le portail",
                Purpose = "audience-measurement",
                Category = ServiceCategory.ExemptAudience,
                LegalBasis = LegalBasis.LegitimateInterests,
                Justification = new("Mesure d'audience exemptée, configurée selon la CNIL."),
                Exemption = new ExemptionAttestation
                {
                    PurposeStrictlyAudienceMeasurement = true,
                    NoCrossSiteTracking = true,
                    AnonymousStatisticsOnly = true,
                    NoCrossReferencingOrSharing = true,
                    CookieLifetimeAtMost13Months = true,
                    DataRetentionAtMost25Months = true,
                    DataRetention = CalendarPeriod.FromMonths(25),
                },
                Cookies = [new CookieDeclaration { Name = "_pk_id.*", Lifetime = CalendarPeriod.FromMonths(13) }],
            },
            new ServiceDeclaration
            {
                Id = "session",
                Name = new("Session", "Session"),
                Provider = "Le portail",
                Purpose = "essential",
                Category = ServiceCategory.Essential,
                LegalBasis = LegalBasis.PublicInterest,
                Justification = new("Connexion."),
                Cookies = [new CookieDeclaration { Name = "portal_session", HttpOnly = true }],
            },
        ];
    }
}
