namespace Ent.Consent;

/// <summary>
/// Services an ENT commonly meets, ready to include by id through <see cref="ConsentPolicyOptions.BuiltInServices"/>.
/// Each entry records where its cookie names come from. Exempt profiles ship with their configuration described
/// and nothing attested: the site owner attests through <see cref="ConsentPolicyOptions.Exemptions"/>.
/// </summary>
public static class BuiltInCatalogue
{
    private static readonly Dictionary<string, Func<ServiceDeclaration>> Factories = new(StringComparer.Ordinal)
    {
        ["ent-session"] = EntSession,
        ["aspnetcore"] = AspNetCore,
        ["matomo-exempt"] = MatomoExempt,
        ["matomo"] = Matomo,
        ["dnma"] = Dnma,
        ["dnma-exempt"] = DnmaExempt,
        ["google-analytics"] = GoogleAnalytics,
        ["youtube"] = YouTube,
        ["youtube-nocookie"] = YouTubeNoCookie,
        ["dailymotion"] = Dailymotion,
        ["vimeo"] = Vimeo,
        ["peertube"] = PeerTube,
        ["google-maps"] = GoogleMaps,
        ["x-twitter"] = XTwitter,
        ["facebook"] = Facebook,
    };

    /// <summary>The ids of every built-in service.</summary>
    public static IReadOnlyCollection<string> ServiceIds => Factories.Keys;

    /// <summary>Whether a built-in service has this id.</summary>
    public static bool Contains(string serviceId) => Factories.ContainsKey(serviceId);

    /// <summary>A fresh copy of the built-in service with this id, or null; the caller may change it freely.</summary>
    public static ServiceDeclaration? Find(string serviceId) => Factories.TryGetValue(serviceId, out var factory) ? factory() : null;

    /// <summary>
    /// The built-in purposes; a host's purpose with the same id replaces one. Each read returns fresh copies, so that
    /// changing one changes nothing else.
    /// </summary>
    public static IReadOnlyList<PurposeDeclaration> Purposes => CreatePurposes();

    private static PurposeDeclaration[] CreatePurposes() =>
    [
        Purpose("essential", "Fonctionnement du portail", "Portal operation",
            "Connexion, sécurité, répartition de charge et mémorisation de vos choix. Ces cookies ne peuvent pas être désactivés.",
            "Sign-in, security, load balancing and remembering your choices. These cookies cannot be turned off."),
        Purpose("audience-measurement", "Mesure d'audience", "Audience measurement",
            "Statistiques de fréquentation qui aident à améliorer le portail.",
            "Visit statistics that help improve the portal."),
        Purpose("video", "Vidéos intégrées", "Embedded videos",
            "Lecture de vidéos hébergées par des plateformes tierces.",
            "Playing videos hosted by third-party platforms."),
        Purpose("social", "Réseaux sociaux", "Social networks",
            "Contenus et boutons de réseaux sociaux.",
            "Social network content and buttons."),
        Purpose("maps", "Cartes", "Maps",
            "Cartes interactives hébergées par des tiers.",
            "Interactive maps hosted by third parties."),
        Purpose("advertising", "Publicité", "Advertising",
            "Publicité et mesure de la publicité.",
            "Advertising and its measurement."),
    ];

    /// <summary>The service owning the consent cookie itself: essential, because it stores the user's choice.</summary>
    internal static ServiceDeclaration ConsentCookieService(string cookieName) => new()
    {
        Id = ConsentPolicy.ConsentServiceId,
        Name = T("Mémorisation de vos choix", "Remembering your choices"),
        Description = T("Retient vos choix sur les cookies pour ne pas vous les redemander à chaque page.", "Keeps your cookie choices so you are not asked on every page."),
        Provider = "Ent.Consent",
        Purpose = "essential",
        Category = ServiceCategory.Essential,
        LegalBasis = LegalBasis.LegalObligation,
        Justification = T("Le cookie qui conserve le choix de l'utilisateur est exempté de consentement (CNIL, délibération 2020-091, art. 5).",
            "The cookie that keeps the user's choice is exempt from consent (CNIL, délibération 2020-091, art. 5)."),
        Cookies =
        [
            Cookie(cookieName, "P13M", "Vos décisions par service, signées.", "Your decisions per service, signed."),
            // Written only when an exempt audience cookie is first deposited; see docs/adr/0005-first-deposit-time.md.
            Cookie(cookieName + "_audience", "P13M", "Date du premier dépôt des cookies de mesure d'audience, pour qu'ils expirent au plus tard 13 mois après.",
                "When the audience measurement cookies were first set, so they expire at most 13 months later.", httpOnly: true),
            // Written only for a signed-in user when choices follow the account; the device's own choice stays as it was.
            Cookie(ConsentPolicy.AccountCookieNameFor(cookieName), "P13M", "Vos décisions quand vous êtes connecté à votre compte, signées et liées à ce compte ; le choix de l'appareil hors connexion reste inchangé.",
                "Your decisions while signed in to your account, signed and tied to it; the device's signed-out choice stays unchanged."),
        ],
        Source = "Ent.Consent's own cookie.",
    };

    private static ServiceDeclaration EntSession() => new()
    {
        Id = "ent-session",
        Name = T("Session ENT", "ENT session"),
        Description = T("Connexion à l'ENT, authentification unique (CAS) et répartition de charge.", "ENT sign-in, single sign-on (CAS) and load balancing."),
        Provider = "Opérateur de l'ENT",
        Purpose = "essential",
        Category = ServiceCategory.Essential,
        LegalBasis = LegalBasis.PublicInterest,
        Justification = T("Strictement nécessaires à l'authentification, à sa sécurité et à la répartition de charge (SDET §4.10).",
            "Strictly necessary for authentication, its security and load balancing (SDET §4.10)."),
        Cookies =
        [
            Cookie("JSESSIONID", null, "Identifiant de session du serveur d'application.", "Application server session id.", httpOnly: true),
            Cookie("SERVERID", null, "Choix du serveur par le répartiteur de charge.", "Load balancer's server choice."),
            Cookie("CASTGC", null, "Ticket d'authentification unique CAS.", "CAS single sign-on ticket.", httpOnly: true),
            Cookie("ENTMIPKDE-TOKEN", null, "Jeton de sécurité de la session ENT.", "ENT session security token."),
            Cookie("cacherBanniere", "P13M", "Choix de l'ancienne bannière d'information.", "Choice of the former information banner."),
        ],
        Source = "Cookie names listed in the Occitanie ENT notice (seeds/001) and SDET §4.10 (seeds/004).",
    };

    private static ServiceDeclaration AspNetCore() => new()
    {
        Id = "aspnetcore",
        Name = T("Session et sécurité du site", "Site session and security"),
        Description = T("Connexion, protection contre la falsification de requêtes, session et langue choisie.", "Sign-in, request forgery protection, session and chosen language."),
        Provider = "Éditeur du site",
        Purpose = "essential",
        Category = ServiceCategory.Essential,
        LegalBasis = LegalBasis.PublicInterest,
        Justification = T("Authentification, jetons anti-CSRF et préférence de langue choisie par l'utilisateur : strictement nécessaires (CNIL, délibération 2020-091).",
            "Authentication, anti-CSRF tokens and the language the user chose: strictly necessary (CNIL, délibération 2020-091)."),
        Cookies =
        [
            Cookie(".AspNetCore.Cookies*", null, "Connexion (cookie d'authentification, éventuellement en plusieurs morceaux).", "Sign-in (authentication cookie, possibly chunked).", httpOnly: true),
            Cookie(".AspNetCore.Identity.*", null, "Connexion (ASP.NET Core Identity).", "Sign-in (ASP.NET Core Identity).", httpOnly: true),
            Cookie(".AspNetCore.Antiforgery.*", null, "Protection contre la falsification de requêtes.", "Request forgery protection.", httpOnly: true),
            Cookie(".AspNetCore.Session", null, "Session côté serveur.", "Server-side session.", httpOnly: true),
            Cookie(".AspNetCore.Culture", "P1Y", "Langue choisie par l'utilisateur.", "Language the user chose."),
        ],
        Source = "Default cookie names of ASP.NET Core's cookie authentication, Identity, antiforgery, session and request localization.",
    };

    private static ServiceDeclaration MatomoBase(string id, ServiceCategory category) => new()
    {
        Id = id,
        Name = T("Matomo", "Matomo"),
        Description = T("Statistiques de fréquentation du portail.", "Portal visit statistics."),
        Provider = "Éditeur du site (Matomo auto-hébergé)",
        Purpose = "audience-measurement",
        Category = category,
        LegalBasis = category == ServiceCategory.ExemptAudience ? LegalBasis.LegitimateInterests : LegalBasis.Consent,
        PrivacyPolicyUrl = new Uri("https://matomo.org/privacy-policy/"),
        Cookies =
        [
            Cookie("_pk_id.*", "P13M", "Identifiant de visiteur anonyme.", "Anonymous visitor id."),
            Cookie("_pk_ses.*", "PT30M", "Regroupe les pages d'une même visite.", "Groups the pages of one visit."),
            Cookie("_pk_ref.*", "P6M", "Site d'où vient la visite.", "Site the visit came from."),
            Cookie("_pk_cvar.*", "PT30M", "Variables de visite.", "Visit variables."),
            Cookie("_pk_hsr.*", "PT30M", "Enregistrement de sessions (désactivé en mode exempté).", "Session recording (off in exempt mode)."),
            // Written by Matomo's consent API, which the widget drives (docs/widget.md): 30 years by Matomo's default,
            // held to 13 months here like the visitor id.
            Cookie("mtm_consent", "P13M", "Mémorise que la mesure a été acceptée.", "Remembers that measurement was accepted."),
            Cookie("mtm_consent_removed", "P13M", "Mémorise que la mesure a été refusée ou retirée.", "Remembers that measurement was refused or withdrawn."),
            Cookie("mtm_cookie_consent", "P13M", "Mémorise que les cookies de mesure ont été acceptés.", "Remembers that measurement cookies were accepted."),
        ],
        StorageKeys = ["matomo_*"],
        Source = "Matomo FAQ 'What are the cookies created by Matomo JavaScript Tracker?' and its JavaScript tracker's consent API (mtm_consent, mtm_consent_removed, mtm_cookie_consent); lifetimes are Matomo's defaults, _pk_id and the consent cookies capped to 13 months.",
    };

    private static ServiceDeclaration MatomoExempt()
    {
        var service = MatomoBase("matomo-exempt", ServiceCategory.ExemptAudience);
        service.Justification = T(
            "Matomo configuré selon le guide CNIL d'exemption : mesure d'audience pour le seul compte de l'éditeur, statistiques anonymes, pas de recoupement ni de transmission.",
            "Matomo configured per the CNIL exemption guide: audience measurement for the publisher alone, anonymous statistics, no cross-referencing or sharing.");
        service.Exemption = new ExemptionAttestation
        {
            DataRetention = CalendarPeriod.FromMonths(25),
            Configuration = "CNIL exempt configuration: IP anonymised to 2 bytes; User ID, ecommerce, heatmaps and session recording, custom dimensions tied to identity and cross-domain linking disabled; _pk_id lifetime at most 13 months (setVisitorCookieTimeout ≤ 33955200 s); raw data deleted after at most 25 months; opt-out offered on the cookie page.",
        };
        return service;
    }

    private static ServiceDeclaration Matomo() => MatomoBase("matomo", ServiceCategory.ConsentRequired);

    private static ServiceDeclaration DnmaBase(string id, ServiceCategory category) => new()
    {
        Id = id,
        Name = T("Mesure d'audience nationale des ENT (DNMA)", "National ENT audience measurement (DNMA)"),
        Description = T("Dispositif national de mesure d'audience des ENT du ministère, opéré avec Piano Analytics (AT Internet).",
            "The ministry's national audience measurement of ENTs, run with Piano Analytics (AT Internet)."),
        Provider = "Ministère de l'Éducation nationale / Piano Analytics (AT Internet)",
        Purpose = "audience-measurement",
        Category = category,
        LegalBasis = category == ServiceCategory.ExemptAudience ? LegalBasis.LegitimateInterests : LegalBasis.Consent,
        PrivacyPolicyUrl = new Uri("https://piano.io/privacy-policy/"),
        Cookies =
        [
            Cookie("atid", "P13M", "Identifiant de visiteur.", "Visitor id."),
            Cookie("atuserid", "P13M", "Identifiant de visiteur (ancien marqueur).", "Visitor id (former tag)."),
            Cookie("xtidc", "P13M", "Identifiant de visiteur côté serveur.", "Server-side visitor id.", httpOnly: true),
            Cookie("pa_vid", "P13M", "Identifiant de visiteur (Piano Analytics).", "Visitor id (Piano Analytics)."),
            Cookie("_pcid", "P13M", "Identifiant de navigateur Piano.", "Piano browser id."),
            Cookie("_pprv", "P13M", "Consentement transmis à Piano.", "Consent passed to Piano."),
            // The names piano-analytics-js 6.17.0 writes besides (its source; _pcid seen in Chromium): privacy mode,
            // Piano context and user ids.
            Cookie("pa_privacy", "P13M", "Mode de confidentialité choisi (Piano Analytics).", "Privacy mode chosen (Piano Analytics)."),
            Cookie("pa_user", "P13M", "Identifiant d'utilisateur connecté (Piano Analytics).", "Signed-in user id (Piano Analytics)."),
            Cookie("_pctx", "P13M", "Contexte de consentement Piano.", "Piano consent context."),
            Cookie("_pcus", "P13M", "Identifiant d'utilisateur Piano.", "Piano user id."),
        ],
        StorageKeys = ["_pcid", "_pprv", "_pctx", "_pcus", "pa_*"],
        Hosts = ["logs1412.xiti.com", "tag.aticdn.net", "*.pa-cd.com"],
        Source = "Piano Analytics cookie documentation ('Cookies deposited by the SDK'), the DNMA cookie list in ENT notices (seeds/004 §4.10), and piano-analytics-js 6.17.0 run in Chromium (tests/Ent.Consent.EndToEnd.Tests/PianoSdkTests).",
    };

    private static ServiceDeclaration Dnma() => DnmaBase("dnma", ServiceCategory.ConsentRequired);

    private static ServiceDeclaration DnmaExempt()
    {
        var service = DnmaBase("dnma-exempt", ServiceCategory.ExemptAudience);
        service.Justification = T(
            "Marqueur Piano Analytics en mode exempté (« mode hybride » désactivé), identifiants propres au portail : décision du DPO à consigner.",
            "Piano Analytics tag in exempt mode, with per-portal identifiers: a DPO decision to record.");
        service.Exemption = new ExemptionAttestation
        {
            DataRetention = CalendarPeriod.FromMonths(25),
            Configuration = "Piano Analytics privacy mode 'exempt' with per-portal site ids; visitor id not shared across portals; properties outside the exempt list dropped; data kept at most 25 months.",
        };
        return service;
    }

    private static ServiceDeclaration GoogleAnalytics() => new()
    {
        Id = "google-analytics",
        Name = T("Google Analytics", "Google Analytics"),
        Description = T("Statistiques de fréquentation par Google.", "Visit statistics by Google."),
        Provider = "Google Ireland Ltd",
        Purpose = "audience-measurement",
        Category = ServiceCategory.ConsentRequired,
        PrivacyPolicyUrl = new Uri("https://policies.google.com/privacy"),
        Cookies =
        [
            Cookie("_ga", "P2Y", "Identifiant de visiteur.", "Visitor id."),
            Cookie("_ga_*", "P2Y", "État de la session.", "Session state."),
            Cookie("_gid", "P1D", "Identifiant de visiteur (Universal Analytics).", "Visitor id (Universal Analytics)."),
            Cookie("_gat*", "PT1M", "Limitation du débit des requêtes.", "Request rate limiting."),
        ],
        Hosts = ["www.googletagmanager.com", "www.google-analytics.com", "region1.google-analytics.com"],
        Source = "Google Analytics 4 'Cookie usage on websites' developer documentation.",
    };

    private static ServiceDeclaration YouTube() => new()
    {
        Id = "youtube",
        Name = T("YouTube", "YouTube"),
        Description = T("Lecture de vidéos YouTube intégrées.", "Playing embedded YouTube videos."),
        Provider = "Google Ireland Ltd",
        Purpose = "video",
        Category = ServiceCategory.ConsentRequired,
        PrivacyPolicyUrl = new Uri("https://policies.google.com/privacy"),
        Cookies =
        [
            Cookie("VISITOR_INFO1_LIVE", "P6M", "Estime la bande passante, identifie le visiteur.", "Estimates bandwidth, identifies the visitor.", domain: ".youtube.com", httpOnly: true),
            Cookie("VISITOR_PRIVACY_METADATA", "P6M", "État du consentement chez YouTube.", "Consent state at YouTube.", domain: ".youtube.com", httpOnly: true),
            Cookie("YSC", null, "Identifiant de session de lecture.", "Playback session id.", domain: ".youtube.com", httpOnly: true),
            Cookie("PREF", "P8M", "Préférences du lecteur.", "Player preferences.", domain: ".youtube.com"),
        ],
        StorageKeys = ["yt-remote-*", "ytidb::*", "yt-player-*"],
        Hosts = ["www.youtube.com", "youtube.com", "i.ytimg.com", "s.ytimg.com", "www.google.com"],
        Source = "Google's 'Types of cookies and other technologies used by Google' and observation of a youtube.com embed.",
    };

    private static ServiceDeclaration YouTubeNoCookie() => new()
    {
        Id = "youtube-nocookie",
        Name = T("YouTube (mode confidentialité renforcée)", "YouTube (privacy-enhanced mode)"),
        Description = T("Vidéos YouTube intégrées depuis youtube-nocookie.com : pas de cookie avant la lecture, mais du stockage local.",
            "YouTube videos embedded from youtube-nocookie.com: no cookie before playback, but local storage."),
        Provider = "Google Ireland Ltd",
        Purpose = "video",
        Category = ServiceCategory.ConsentRequired,
        PrivacyPolicyUrl = new Uri("https://policies.google.com/privacy"),
        StorageKeys = ["yt-remote-*", "ytidb::*", "yt-player-*"],
        Hosts = ["www.youtube-nocookie.com", "i.ytimg.com"],
        Source = "YouTube help 'Turn on privacy-enhanced mode'; storage keys seen on a youtube-nocookie.com embed. Still reads and writes the terminal: consent required (EDPB guidelines 2/2023).",
    };

    private static ServiceDeclaration Dailymotion() => new()
    {
        Id = "dailymotion",
        Name = T("Dailymotion", "Dailymotion"),
        Description = T("Lecture de vidéos Dailymotion intégrées.", "Playing embedded Dailymotion videos."),
        Provider = "Dailymotion SA",
        Purpose = "video",
        Category = ServiceCategory.ConsentRequired,
        PrivacyPolicyUrl = new Uri("https://legal.dailymotion.com/en/privacy-policy/"),
        Cookies =
        [
            Cookie("v1st", "P13M", "Identifiant de visiteur.", "Visitor id.", domain: ".dailymotion.com"),
            Cookie("dmvk", null, "Identifiant de session de lecture.", "Playback session id.", domain: ".dailymotion.com"),
            Cookie("ts", "P13M", "Identifiant de navigateur.", "Browser id.", domain: ".dailymotion.com"),
        ],
        Hosts = ["www.dailymotion.com", "geo.dailymotion.com", "static1.dmcdn.net"],
        Source = "Dailymotion cookie notice (legal.dailymotion.com).",
    };

    private static ServiceDeclaration Vimeo() => new()
    {
        Id = "vimeo",
        Name = T("Vimeo", "Vimeo"),
        Description = T("Lecture de vidéos Vimeo intégrées.", "Playing embedded Vimeo videos."),
        Provider = "Vimeo.com, Inc.",
        Purpose = "video",
        Category = ServiceCategory.ConsentRequired,
        PrivacyPolicyUrl = new Uri("https://vimeo.com/privacy"),
        Cookies =
        [
            Cookie("vuid", "P2Y", "Identifiant de visiteur.", "Visitor id.", domain: ".vimeo.com"),
            Cookie("__cf_bm", "PT30M", "Protection contre les robots (Cloudflare).", "Bot protection (Cloudflare).", domain: ".vimeo.com"),
            Cookie("_cfuvid", null, "Limitation de débit (Cloudflare).", "Rate limiting (Cloudflare).", domain: ".vimeo.com"),
        ],
        Hosts = ["player.vimeo.com", "i.vimeocdn.com", "f.vimeocdn.com"],
        Source = "Vimeo cookie policy (vimeo.com/cookie_policy).",
    };

    private static ServiceDeclaration PeerTube() => new()
    {
        Id = "peertube",
        Name = T("PeerTube", "PeerTube"),
        Description = T("Vidéos intégrées depuis une instance PeerTube (par exemple apps.education.fr).", "Videos embedded from a PeerTube instance (for example apps.education.fr)."),
        Provider = "L'instance PeerTube qui héberge la vidéo",
        Purpose = "video",
        Category = ServiceCategory.ConsentRequired,
        StorageKeys = ["peertube-videojs-*"],
        Hosts = [],
        Source = "PeerTube embed player: no tracking cookie, player settings in localStorage; the instance is a third party, so consent is asked. Add the instance's host to Hosts.",
    };

    private static ServiceDeclaration GoogleMaps() => new()
    {
        Id = "google-maps",
        Name = T("Google Maps", "Google Maps"),
        Description = T("Cartes interactives Google.", "Google interactive maps."),
        Provider = "Google Ireland Ltd",
        Purpose = "maps",
        Category = ServiceCategory.ConsentRequired,
        PrivacyPolicyUrl = new Uri("https://policies.google.com/privacy"),
        Cookies = [Cookie("NID", "P6M", "Préférences et identifiant Google.", "Google preferences and id.", domain: ".google.com", httpOnly: true)],
        Hosts = ["maps.googleapis.com", "maps.gstatic.com", "www.google.com"],
        Source = "Google's 'Types of cookies and other technologies used by Google'.",
    };

    private static ServiceDeclaration XTwitter() => new()
    {
        Id = "x-twitter",
        Name = T("X (Twitter)", "X (Twitter)"),
        Description = T("Publications X intégrées.", "Embedded X posts."),
        Provider = "Twitter International Unlimited Company",
        Purpose = "social",
        Category = ServiceCategory.ConsentRequired,
        PrivacyPolicyUrl = new Uri("https://x.com/privacy"),
        Cookies =
        [
            Cookie("guest_id", "P13M", "Identifiant de visiteur.", "Visitor id.", domain: ".x.com"),
            Cookie("personalization_id", "P13M", "Personnalisation et publicité.", "Personalisation and advertising.", domain: ".x.com"),
            Cookie("guest_id", "P13M", "Identifiant de visiteur.", "Visitor id.", domain: ".twitter.com"),
            Cookie("personalization_id", "P13M", "Personnalisation et publicité.", "Personalisation and advertising.", domain: ".twitter.com"),
        ],
        Hosts = ["platform.twitter.com", "syndication.twitter.com", "x.com"],
        Source = "X help centre 'Cookies and similar technologies'.",
    };

    private static ServiceDeclaration Facebook() => new()
    {
        Id = "facebook",
        Name = T("Facebook", "Facebook"),
        Description = T("Publications et boutons Facebook intégrés.", "Embedded Facebook posts and buttons."),
        Provider = "Meta Platforms Ireland Ltd",
        Purpose = "social",
        Category = ServiceCategory.ConsentRequired,
        PrivacyPolicyUrl = new Uri("https://www.facebook.com/privacy/policy/"),
        Cookies =
        [
            Cookie("_fbp", "P3M", "Identifiant publicitaire.", "Advertising id."),
            Cookie("fr", "P3M", "Publicité ciblée.", "Targeted advertising.", domain: ".facebook.com", httpOnly: true),
            Cookie("datr", "P2Y", "Identifiant de navigateur.", "Browser id.", domain: ".facebook.com", httpOnly: true),
        ],
        Hosts = ["connect.facebook.net", "www.facebook.com"],
        Source = "Meta cookie policy (facebook.com/policies/cookies).",
    };

    // French and English here, the other languages from the embedded files (Localization/*.json), keyed by the French.
    private static LocalizedTextDeclaration T(string french, string english) => BuiltInTranslations.Catalogue(french, english);

    private static PurposeDeclaration Purpose(string id, string nameFr, string nameEn, string descriptionFr, string descriptionEn) => new()
    {
        Id = id,
        Name = T(nameFr, nameEn),
        Description = T(descriptionFr, descriptionEn),
    };

    private static CookieDeclaration Cookie(string name, string? lifetime, string descriptionFr, string descriptionEn, string? domain = null, bool httpOnly = false) => new()
    {
        Name = name,
        Domain = domain,
        Lifetime = lifetime is null ? null : CalendarPeriod.Parse(lifetime),
        HttpOnly = httpOnly,
        Description = T(descriptionFr, descriptionEn),
    };
}
