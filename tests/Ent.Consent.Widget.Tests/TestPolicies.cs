namespace Ent.Consent.Widget.Tests;

/// <summary>A fixed portal policy: essentials, exempt Matomo, two video platforms and a partner with script-readable trackers.</summary>
internal static class TestPolicies
{
    public static ConsentPolicy Portal(Action<ConsentPolicyOptions>? change = null)
    {
        var options = PortalOptions();
        change?.Invoke(options);
        return ConsentPolicy.Create(options);
    }

    public static ConsentPolicyOptions PortalOptions() => new()
    {
        Controllers = ["La Région Occitanie", "l'académie de Toulouse"],
        BuiltInServices = ["ent-session", "matomo-exempt", "youtube", "dailymotion"],
        Exemptions =
        {
            ["matomo-exempt"] = new ExemptionAttestation
            {
                PurposeStrictlyAudienceMeasurement = true,
                NoCrossSiteTracking = true,
                AnonymousStatisticsOnly = true,
                NoCrossReferencingOrSharing = true,
                CookieLifetimeAtMost13Months = true,
                DataRetentionAtMost25Months = true,
                DataRetention = CalendarPeriod.FromMonths(25),
                Configuration = "IP anonymised to 2 bytes, no user id, raw data deleted after 25 months.",
            },
        },
        Services =
        {
            new ServiceDeclaration
            {
                Id = "partner-stats",
                Name = new("Statistiques de l'éditeur partenaire", "Partner publisher statistics"),
                Description = new("Mesure de l'usage des ressources du partenaire.", "Measures the use of the partner's resources."),
                Provider = "Éditions Exemple",
                Purpose = "audience-measurement",
                Category = ServiceCategory.ConsentRequired,
                LegalBasis = LegalBasis.Consent,
                Cookies =
                [
                    new CookieDeclaration { Name = "ps_id", Lifetime = CalendarPeriod.FromMonths(6), Description = new("Identifiant de visiteur.", "Visitor id.") },
                    new CookieDeclaration { Name = "ps_session*", Description = new("Visite en cours.", "Current visit.") },
                ],
                StorageKeys = ["ps_queue", "ps_cache.*"],
                Hosts = ["stats.partner.example"],
            },
        },
    };
}
