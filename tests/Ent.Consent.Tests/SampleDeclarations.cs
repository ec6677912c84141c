namespace Ent.Consent.Tests;

/// <summary>Small, valid declarations each test changes one thing of.</summary>
internal static class SampleDeclarations
{
    public static ConsentPolicyOptions Options(params ServiceDeclaration[] services) => new()
    {
        Controllers = ["La Région Occitanie", "L'académie de Toulouse"],
        Services = [.. services],
    };

    public static ExemptionAttestation FullAttestation(string retention = "P25M") => new()
    {
        PurposeStrictlyAudienceMeasurement = true,
        NoCrossSiteTracking = true,
        AnonymousStatisticsOnly = true,
        NoCrossReferencingOrSharing = true,
        CookieLifetimeAtMost13Months = true,
        DataRetentionAtMost25Months = true,
        DataRetention = CalendarPeriod.Parse(retention),
        Configuration = "IP truncated to two bytes, User ID off.",
    };

    public static ServiceDeclaration ExemptAudience(string id = "stats", string cookieLifetime = "P13M") => new()
    {
        Id = id,
        Name = new("Statistiques", "Statistics"),
        Description = new("Fréquentation du portail.", "Portal visits."),
        Provider = "Région",
        Purpose = "audience-measurement",
        Category = ServiceCategory.ExemptAudience,
        LegalBasis = LegalBasis.LegitimateInterests,
        Justification = new("Configuration exemptée validée par le DPO.", "Exempt configuration approved by the DPO."),
        Exemption = FullAttestation(),
        Cookies = [Cookie("_stats_id", cookieLifetime)],
    };

    public static ServiceDeclaration ConsentRequired(string id = "videos", params CookieDeclaration[] cookies) => new()
    {
        Id = id,
        Name = new("Vidéos", "Videos"),
        Description = new("Vidéos intégrées.", "Embedded videos."),
        Provider = "Hébergeur vidéo",
        Purpose = "video",
        Category = ServiceCategory.ConsentRequired,
        Cookies = cookies.Length == 0 ? [Cookie("vid")] : [.. cookies],
    };

    public static ServiceDeclaration Essential(string id = "login", params CookieDeclaration[] cookies) => new()
    {
        Id = id,
        Name = new("Connexion", "Sign-in"),
        Provider = "Région",
        Purpose = "essential",
        Category = ServiceCategory.Essential,
        LegalBasis = LegalBasis.PublicInterest,
        Justification = new("Authentification.", "Authentication."),
        Cookies = cookies.Length == 0 ? [Cookie("SESSION")] : [.. cookies],
    };

    public static CookieDeclaration Cookie(string name, string? lifetime = null, string? domain = null) => new()
    {
        Name = name,
        Domain = domain,
        Lifetime = lifetime is null ? null : CalendarPeriod.Parse(lifetime),
        Description = new("Un cookie.", "A cookie."),
    };
}
