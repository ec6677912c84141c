using System.Globalization;

namespace Ent.Consent.Widget.Console;

/// <summary>The console's words, in French and English (the portal's languages); other cultures get English.</summary>
internal sealed class ConsoleTexts
{
    public static ConsoleTexts For(CultureInfo culture)
        => culture.TwoLetterISOLanguageName == "fr" ? French : English;

    public required string Title { get; init; }
    public required string Navigation { get; init; }
    public required string NavChoices { get; init; }
    public required string NavLedger { get; init; }
    public required string NavTrackers { get; init; }
    public required string NavPolicy { get; init; }
    public required string Filters { get; init; }
    public required string Tenant { get; init; }
    public required string AllTenants { get; init; }
    public required string From { get; init; }
    public required string To { get; init; }
    public required string GroupBy { get; init; }
    public required string Day { get; init; }
    public required string Week { get; init; }
    public required string Show { get; init; }
    public required string Service { get; init; }
    public required string Granted { get; init; }
    public required string Refused { get; init; }
    public required string Withdrawn { get; init; }
    public required string AcceptanceRate { get; init; }
    public required string SignalShare { get; init; }
    public required string Summary { get; init; }
    public required string NoChoices { get; init; }
    public required string ChartOf { get; init; }
    public required string ChoicesHint { get; init; }
    public required string Chain { get; init; }
    public required string LastVerification { get; init; }
    public required string NeverVerified { get; init; }
    public required string ChainValid { get; init; }
    public required string ChainBroken { get; init; }
    public required string VerifyNow { get; init; }
    public required string Records { get; init; }
    public required string HeadSequence { get; init; }
    public required string LastCheckpoint { get; init; }
    public required string CheckpointUnavailable { get; init; }
    public required string CheckpointAt { get; init; }
    public required string Retention { get; init; }
    public required string Oldest { get; init; }
    public required string Newest { get; init; }
    public required string KeptFor { get; init; }
    public required string NextPurge { get; init; }
    public required string NoPurge { get; init; }
    public required string LastPurge { get; init; }
    public required string None { get; init; }
    public required string Export { get; init; }
    public required string FindBy { get; init; }
    public required string ByConsent { get; init; }
    public required string ByUser { get; init; }
    public required string Value { get; init; }
    public required string Format { get; init; }
    public required string Download { get; init; }
    public required string ExportHint { get; init; }
    public required string Actions { get; init; }
    public required string When { get; init; }
    public required string Who { get; init; }
    public required string What { get; init; }
    public required string Target { get; init; }
    public required string Outcome { get; init; }
    public required string NoActions { get; init; }
    public required string TrackersIntro { get; init; }
    public required string Name { get; init; }
    public required string InResponses { get; init; }
    public required string InRequests { get; init; }
    public required string FirstSeen { get; init; }
    public required string LastSeen { get; init; }
    public required string Draft { get; init; }
    public required string DraftHint { get; init; }
    public required string NoTrackers { get; init; }
    public required string Overflow { get; init; }
    public required string Version { get; init; }
    public required string PolicyIntro { get; init; }
    public required string Category { get; init; }
    public required string Purpose { get; init; }
    public required string Provider { get; init; }
    public required string Cookies { get; init; }
    public required string Changes { get; init; }
    public required string NoPrevious { get; init; }
    public required string NoChanges { get; init; }
    public required string Item { get; init; }
    public required string Before { get; init; }
    public required string After { get; init; }
    public required string InvalidRequest { get; init; }
    public required string Unavailable { get; init; }

    public static ConsoleTexts French { get; } = new()
    {
        Title = "Console de consentement",
        Navigation = "Sections de la console",
        NavChoices = "Choix dans le temps",
        NavLedger = "Registre des preuves",
        NavTrackers = "Traceurs vus",
        NavPolicy = "Politique",
        Filters = "Filtres",
        Tenant = "Établissement",
        AllTenants = "Tous",
        From = "Du",
        To = "Au (inclus)",
        GroupBy = "Regrouper par",
        Day = "jour",
        Week = "semaine",
        Show = "Afficher",
        Service = "Service",
        Granted = "Acceptations",
        Refused = "Refus",
        Withdrawn = "Retraits",
        AcceptanceRate = "Taux d'acceptation",
        SignalShare = "Part des refus par signal GPC",
        Summary = "Synthèse par service",
        NoChoices = "Aucun choix enregistré sur cette période.",
        ChartOf = "{0} : choix par {1}",
        ChoicesHint = "Jours en UTC. Un retrait est un refus d'un service que le même consentement avait accepté.",
        Chain = "Chaîne",
        LastVerification = "Dernière vérification",
        NeverVerified = "Jamais vérifiée depuis la console",
        ChainValid = "chaîne intègre",
        ChainBroken = "chaîne rompue",
        VerifyNow = "Vérifier maintenant",
        Records = "Enregistrements",
        HeadSequence = "Séquence de tête",
        LastCheckpoint = "Dernier point de contrôle",
        CheckpointUnavailable = "aucun (points de contrôle signés désactivés, ou pas encore pris)",
        CheckpointAt = "enregistrement {0}, signé le {1}",
        Retention = "Conservation",
        Oldest = "Plus ancien enregistrement",
        Newest = "Plus récent enregistrement",
        KeptFor = "Durée de conservation",
        NextPurge = "Prochaine purge du plus ancien",
        NoPurge = "aucune purge automatique configurée",
        LastPurge = "Dernière purge",
        None = "aucune",
        Export = "Export",
        FindBy = "Rechercher par",
        ByConsent = "identifiant de consentement",
        ByUser = "identifiant de l'utilisateur",
        Value = "Identifiant",
        Format = "Format",
        Download = "Télécharger",
        ExportHint = "L'identifiant de l'utilisateur est haché avec la clé des sujets, comme dans le cookie de consentement ; il n'est pas conservé. Chaque export est inscrit au journal des actions.",
        Actions = "Actions des administrateurs",
        When = "Quand",
        Who = "Qui",
        What = "Quoi",
        Target = "Sur",
        Outcome = "Résultat",
        NoActions = "Aucune action enregistrée.",
        TrackersIntro = "Cookies non déclarés vus par ce serveur depuis son démarrage, dans les Set-Cookie et dans les en-têtes Cookie des requêtes : noms seulement, jamais les valeurs.",
        Name = "Nom",
        InResponses = "Dans Set-Cookie",
        InRequests = "Dans les requêtes",
        FirstSeen = "Vu la première fois",
        LastSeen = "Vu la dernière fois",
        Draft = "Déclaration à ajouter",
        DraftHint = "À compléter, puis à ajouter à EntConsent:Policy:Services (appsettings.json) ou à options.Policy.Services :",
        NoTrackers = "Aucun cookie non déclaré vu.",
        Overflow = "{0} autres observations au-delà de la limite de noms suivis.",
        Version = "Version",
        PolicyIntro = "Le catalogue compilé, tel que les utilisateurs le voient.",
        Category = "Catégorie",
        Purpose = "Finalité",
        Provider = "Fournisseur",
        Cookies = "Cookies",
        Changes = "Changements depuis la version précédente",
        NoPrevious = "Aucune version précédente connue de la console.",
        NoChanges = "Aucun changement du catalogue.",
        Item = "Élément",
        Before = "Avant",
        After = "Après",
        InvalidRequest = "Requête invalide",
        Unavailable = "Le registre des preuves ne peut pas être lu pour l'instant ; réessayez plus tard.",
    };

    public static ConsoleTexts English { get; } = new()
    {
        Title = "Consent console",
        Navigation = "Console sections",
        NavChoices = "Choices over time",
        NavLedger = "Proof ledger",
        NavTrackers = "Trackers seen",
        NavPolicy = "Policy",
        Filters = "Filters",
        Tenant = "Tenant",
        AllTenants = "All",
        From = "From",
        To = "To (inclusive)",
        GroupBy = "Group by",
        Day = "day",
        Week = "week",
        Show = "Show",
        Service = "Service",
        Granted = "Grants",
        Refused = "Refusals",
        Withdrawn = "Withdrawals",
        AcceptanceRate = "Acceptance rate",
        SignalShare = "Share of refusals by privacy signal",
        Summary = "Summary by service",
        NoChoices = "No choice recorded in this period.",
        ChartOf = "{0}: choices by {1}",
        ChoicesHint = "Days in UTC. A withdrawal is a refusal of a service the same consent had granted.",
        Chain = "Chain",
        LastVerification = "Last verification",
        NeverVerified = "Never checked from the console",
        ChainValid = "chain valid",
        ChainBroken = "chain broken",
        VerifyNow = "Verify now",
        Records = "Records",
        HeadSequence = "Head sequence",
        LastCheckpoint = "Last checkpoint",
        CheckpointUnavailable = "none (signed checkpoints off, or none taken yet)",
        CheckpointAt = "record {0}, signed {1}",
        Retention = "Retention",
        Oldest = "Oldest record",
        Newest = "Newest record",
        KeptFor = "Kept for",
        NextPurge = "Oldest record purged on",
        NoPurge = "no automatic purge configured",
        LastPurge = "Last purge",
        None = "none",
        Export = "Export",
        FindBy = "Find by",
        ByConsent = "consent id",
        ByUser = "user id",
        Value = "Id",
        Format = "Format",
        Download = "Download",
        ExportHint = "The user id is hashed with the subject key, as in the consent cookie; it is not kept. Every export is written to the actions journal.",
        Actions = "Administrator actions",
        When = "When",
        Who = "Who",
        What = "What",
        Target = "Target",
        Outcome = "Outcome",
        NoActions = "No action recorded.",
        TrackersIntro = "Undeclared cookies this server has seen since it started, in Set-Cookie and in request Cookie headers: names only, never values.",
        Name = "Name",
        InResponses = "In Set-Cookie",
        InRequests = "In requests",
        FirstSeen = "First seen",
        LastSeen = "Last seen",
        Draft = "Declaration to add",
        DraftHint = "Complete it, then add it to EntConsent:Policy:Services (appsettings.json) or options.Policy.Services:",
        NoTrackers = "No undeclared cookie seen.",
        Overflow = "{0} more sightings beyond the limit of names tracked.",
        Version = "Version",
        PolicyIntro = "The compiled catalogue, as users see it.",
        Category = "Category",
        Purpose = "Purpose",
        Provider = "Provider",
        Cookies = "Cookies",
        Changes = "Changes since the previous version",
        NoPrevious = "No previous version known to the console.",
        NoChanges = "No change to the catalogue.",
        Item = "Item",
        Before = "Before",
        After = "After",
        InvalidRequest = "Invalid request",
        Unavailable = "The proof ledger cannot be read now; try again later.",
    };
}
