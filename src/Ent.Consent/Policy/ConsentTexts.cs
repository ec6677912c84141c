namespace Ent.Consent;

/// <summary>
/// Every text the banner, the preference centre, the placeholders and the cookie page show, as declared: built in
/// for every language of <see cref="LocalizedText.BuiltInCultures"/>, each overridable per language
/// (<c>Texts:BannerTitle:de</c> in configuration, or <c>texts.BannerTitle["de"] = …</c> in code). Mutable, so that
/// configuration can bind it; compiled into the immutable <see cref="ConsentTexts"/> of a <see cref="ConsentPolicy"/>. They are part of the policy: changing one changes
/// <see cref="ConsentPolicy.Version"/> and asks users again, because consent is only informed for the texts that
/// were shown.
/// </summary>
/// <remarks>
/// Placeholders in braces are filled when rendered: <c>{controllers}</c> (the joint controllers), <c>{service}</c>
/// and <c>{provider}</c> (a blocked service).
/// </remarks>
public sealed class ConsentTextsDeclaration
{
    /// <summary>The banner's heading.</summary>
    public LocalizedTextDeclaration BannerTitle { get; set; } = Text(nameof(BannerTitle), "Vos choix sur les cookies", "Your choices about cookies");

    /// <summary>The banner's text: who, why, what each choice does, how to change one's mind.</summary>
    public LocalizedTextDeclaration BannerBody { get; set; } = Text(nameof(BannerBody),
        "{controllers} utilisent des cookies indispensables au fonctionnement du portail et une mesure d'audience anonyme à laquelle vous pouvez vous opposer. Avec votre accord, des services tiers (vidéos, statistiques de partenaires) déposent aussi des cookies. « Tout accepter » les active, « Tout refuser » les laisse désactivés sans rien changer à votre accès au portail. Vous pouvez changer d'avis à tout moment avec « Gérer mes cookies ».",
        "{controllers} use cookies that the portal needs to work and anonymous audience measurement you can object to. With your agreement, third-party services (videos, partners' statistics) also set cookies. \"Accept all\" turns them on, \"Refuse all\" leaves them off and changes nothing to your access to the portal. You can change your mind at any time with \"Manage cookies\".");

    /// <summary>The first-layer button that grants every consent-required service.</summary>
    public LocalizedTextDeclaration AcceptAll { get; set; } = Text(nameof(AcceptAll), "Tout accepter", "Accept all");

    /// <summary>The first-layer button that refuses every consent-required service; same weight as accept.</summary>
    public LocalizedTextDeclaration RefuseAll { get; set; } = Text(nameof(RefuseAll), "Tout refuser", "Refuse all");

    /// <summary>The button that opens the preference centre.</summary>
    public LocalizedTextDeclaration Customize { get; set; } = Text(nameof(Customize), "Personnaliser", "Customize");

    /// <summary>The preference centre's button that saves per-service choices.</summary>
    public LocalizedTextDeclaration Save { get; set; } = Text(nameof(Save), "Enregistrer mes choix", "Save my choices");

    /// <summary>The persistent control that reopens the choices on every page.</summary>
    public LocalizedTextDeclaration ManageCookies { get; set; } = Text(nameof(ManageCookies), "Gérer mes cookies", "Manage cookies");

    /// <summary>The preference centre's heading.</summary>
    public LocalizedTextDeclaration PreferencesTitle { get; set; } = Text(nameof(PreferencesTitle), "Préférences de cookies", "Cookie preferences");

    /// <summary>The preference centre's introduction.</summary>
    public LocalizedTextDeclaration PreferencesIntro { get; set; } = Text(nameof(PreferencesIntro),
        "Choisissez service par service. Les services soumis à votre consentement sont désactivés tant que vous ne les activez pas ; vous pouvez retirer votre accord à tout moment.",
        "Choose service by service. Services that need your consent stay off until you turn them on; you can withdraw your agreement at any time.");

    /// <summary>Shown beside essential services, which cannot be turned off.</summary>
    public LocalizedTextDeclaration AlwaysActive { get; set; } = Text(nameof(AlwaysActive), "Toujours actif", "Always active");

    /// <summary>Label of the opt-out of exempt audience measurement.</summary>
    public LocalizedTextDeclaration AudienceOptOut { get; set; } = Text(nameof(AudienceOptOut),
        "Mesure d'audience anonyme, active sauf si vous vous y opposez",
        "Anonymous audience measurement, on unless you object");

    /// <summary>The link to the cookie information page.</summary>
    public LocalizedTextDeclaration CookiePageLink { get; set; } = Text(nameof(CookiePageLink), "En savoir plus sur les cookies", "More about cookies");

    /// <summary>The cookie information page's heading.</summary>
    public LocalizedTextDeclaration CookiePageTitle { get; set; } = Text(nameof(CookiePageTitle), "Cookies et traceurs", "Cookies and trackers");

    /// <summary>The cookie information page's introduction.</summary>
    public LocalizedTextDeclaration CookiePageIntro { get; set; } = Text(nameof(CookiePageIntro),
        "Cette page liste chaque service du portail, son responsable, sa finalité, sa base légale et les cookies qu'il dépose, avec leur durée de vie.",
        "This page lists every service of the portal, who runs it, its purpose, its legal basis and the cookies it sets, with their lifetimes.");

    /// <summary>The placeholder shown instead of blocked content.</summary>
    public LocalizedTextDeclaration BlockedContent { get; set; } = Text(nameof(BlockedContent),
        "Ce contenu est hébergé par {provider} ({service}), qui dépose des cookies. Il ne s'affiche qu'avec votre accord.",
        "This content is hosted by {provider} ({service}), which sets cookies. It is shown only with your agreement.");

    /// <summary>The placeholder's button that grants the one service.</summary>
    public LocalizedTextDeclaration AllowService { get; set; } = Text(nameof(AllowService), "Autoriser {service}", "Allow {service}");

    /// <summary>
    /// The placeholder's link to the stand-alone preferences page, for pages read without JavaScript (and every
    /// choice at once).
    /// </summary>
    public LocalizedTextDeclaration ReviewChoices { get; set; } = Text(nameof(ReviewChoices), "Voir et modifier tous mes choix", "See and change all my choices");

    /// <summary>
    /// Added to the banner's text for a signed-in user when choices follow the account (CNIL délibération 2025-131:
    /// the first layer states that the choice applies on every device, refusal and withdrawal included).
    /// </summary>
    public LocalizedTextDeclaration AccountScope { get; set; } = Text(nameof(AccountScope), 
        "Vous êtes connecté : votre choix, qu'il s'agisse d'accepter, de refuser ou de retirer votre accord, s'appliquera sur tous les appareils où vous vous connectez à votre compte. Il ne change pas le choix fait sur cet appareil hors connexion.",
        "You are signed in: your choice, whether you accept, refuse or withdraw your agreement, will apply on every device where you sign in to your account. It does not change the choice made on this device when signed out.");

    /// <summary>
    /// The short notice shown on a device where the account's choice, made on another device, was just applied
    /// (CNIL délibération 2025-131).
    /// </summary>
    public LocalizedTextDeclaration AccountChoiceApplied { get; set; } = Text(nameof(AccountChoiceApplied), 
        "Les choix sur les cookies faits avec votre compte sur un autre appareil s'appliquent ici.",
        "The cookie choices made with your account on another device apply here.");

    /// <summary>The preference centre's button that closes it without saving.</summary>
    public LocalizedTextDeclaration Close { get; set; } = Text(nameof(Close), "Fermer", "Close");

    /// <summary>The link from the stand-alone preferences page back to the page the user came from.</summary>
    public LocalizedTextDeclaration Back { get; set; } = Text(nameof(Back), "Retour au site", "Back to the site");

    /// <summary>Label of a service's category on the cookie page.</summary>
    public LocalizedTextDeclaration CategoryLabel { get; set; } = Text(nameof(CategoryLabel), "Catégorie", "Category");

    /// <summary>Label of a service's provider.</summary>
    public LocalizedTextDeclaration ProviderLabel { get; set; } = Text(nameof(ProviderLabel), "Fournisseur", "Provider");

    /// <summary>Label of a service's purpose.</summary>
    public LocalizedTextDeclaration PurposeLabel { get; set; } = Text(nameof(PurposeLabel), "Finalité", "Purpose");

    /// <summary>Label of a service's legal basis.</summary>
    public LocalizedTextDeclaration LegalBasisLabel { get; set; } = Text(nameof(LegalBasisLabel), "Base légale", "Legal basis");

    /// <summary>Label of the reason an essential or exempt service needs no consent.</summary>
    public LocalizedTextDeclaration JustificationLabel { get; set; } = Text(nameof(JustificationLabel), "Pourquoi sans consentement", "Why no consent is needed");

    /// <summary>The link to a provider's privacy policy.</summary>
    public LocalizedTextDeclaration PrivacyPolicyLabel { get; set; } = Text(nameof(PrivacyPolicyLabel), "Politique de confidentialité de {provider}", "Privacy policy of {provider}");

    /// <summary>Caption of a service's cookie table; <c>{service}</c> is the service's name.</summary>
    public LocalizedTextDeclaration CookiesCaption { get; set; } = Text(nameof(CookiesCaption), "Cookies de {service}", "Cookies of {service}");

    /// <summary>Column heading: a cookie's name.</summary>
    public LocalizedTextDeclaration CookieNameLabel { get; set; } = Text(nameof(CookieNameLabel), "Nom", "Name");

    /// <summary>Column heading: a cookie's lifetime.</summary>
    public LocalizedTextDeclaration CookieLifetimeLabel { get; set; } = Text(nameof(CookieLifetimeLabel), "Durée de vie", "Lifetime");

    /// <summary>Column heading: what a cookie holds.</summary>
    public LocalizedTextDeclaration CookieRoleLabel { get; set; } = Text(nameof(CookieRoleLabel), "Rôle", "Role");

    /// <summary>The lifetime of a cookie deleted when the browser closes.</summary>
    public LocalizedTextDeclaration SessionCookie { get; set; } = Text(nameof(SessionCookie), "Jusqu'à la fermeture du navigateur", "Until the browser is closed");

    /// <summary>Shown for a service that sets no cookie.</summary>
    public LocalizedTextDeclaration NoCookies { get; set; } = Text(nameof(NoCookies), "Aucun cookie", "No cookie");

    /// <summary>Name of the essential category.</summary>
    public LocalizedTextDeclaration CategoryEssential { get; set; } = Text(nameof(CategoryEssential), "Indispensable, sans consentement", "Essential, no consent needed");

    /// <summary>Name of the exempt audience measurement category.</summary>
    public LocalizedTextDeclaration CategoryExemptAudience { get; set; } = Text(nameof(CategoryExemptAudience), "Mesure d'audience exemptée de consentement, avec droit d'opposition", "Audience measurement exempt from consent, which you can object to");

    /// <summary>Name of the consent-required category.</summary>
    public LocalizedTextDeclaration CategoryConsentRequired { get; set; } = Text(nameof(CategoryConsentRequired), "Soumis à votre consentement", "Subject to your consent");

    /// <summary>GDPR art. 6(1)(a).</summary>
    public LocalizedTextDeclaration LegalBasisConsent { get; set; } = Text(nameof(LegalBasisConsent), "Consentement (RGPD, art. 6.1.a)", "Consent (GDPR, art. 6(1)(a))");

    /// <summary>GDPR art. 6(1)(b).</summary>
    public LocalizedTextDeclaration LegalBasisContract { get; set; } = Text(nameof(LegalBasisContract), "Exécution d'un contrat (RGPD, art. 6.1.b)", "Performance of a contract (GDPR, art. 6(1)(b))");

    /// <summary>GDPR art. 6(1)(c).</summary>
    public LocalizedTextDeclaration LegalBasisLegalObligation { get; set; } = Text(nameof(LegalBasisLegalObligation), "Obligation légale (RGPD, art. 6.1.c)", "Legal obligation (GDPR, art. 6(1)(c))");

    /// <summary>GDPR art. 6(1)(d).</summary>
    public LocalizedTextDeclaration LegalBasisVitalInterests { get; set; } = Text(nameof(LegalBasisVitalInterests), "Sauvegarde des intérêts vitaux (RGPD, art. 6.1.d)", "Vital interests (GDPR, art. 6(1)(d))");

    /// <summary>GDPR art. 6(1)(e).</summary>
    public LocalizedTextDeclaration LegalBasisPublicInterest { get; set; } = Text(nameof(LegalBasisPublicInterest), "Mission d'intérêt public (RGPD, art. 6.1.e)", "Task in the public interest (GDPR, art. 6(1)(e))");

    /// <summary>GDPR art. 6(1)(f).</summary>
    public LocalizedTextDeclaration LegalBasisLegitimateInterests { get; set; } = Text(nameof(LegalBasisLegitimateInterests), "Intérêt légitime (RGPD, art. 6.1.f)", "Legitimate interests (GDPR, art. 6(1)(f))");

    /// <summary>Shown to a minor in the banner and the preference centre when joint consent is on: a parent must also agree.</summary>
    public LocalizedTextDeclaration MinorNotice { get; set; } = Text(nameof(MinorNotice), "Parce que tu as moins de 15 ans, un service soumis à consentement ne s'active que si tu l'acceptes et qu'un parent l'accepte aussi pour toi. Si l'un de vous refuse ou retire son accord, il se désactive.", "Because you are under 15, a service that needs consent turns on only if you accept it and a parent also accepts it for you. If either of you refuses or withdraws, it turns off.");

    /// <summary>Beside a service a minor granted that stays off until their guardians agree.</summary>
    public LocalizedTextDeclaration WaitingForParent { get; set; } = Text(nameof(WaitingForParent), "En attente de l'accord de ton parent", "Waiting for your parent's agreement");

    /// <summary>The guardian page's heading.</summary>
    public LocalizedTextDeclaration GuardianPageTitle { get; set; } = Text(nameof(GuardianPageTitle), "Cookies : l'accord des parents", "Cookies: parents' agreement");

    /// <summary>The guardian page's introduction.</summary>
    public LocalizedTextDeclaration GuardianPageIntro { get; set; } = Text(nameof(GuardianPageIntro), "Pour un enfant de moins de 15 ans, un service soumis à consentement ne s'active que si l'enfant et vous l'acceptez (loi Informatique et Libertés, art. 45). Votre retrait le désactive aussitôt, sur tous les appareils où l'enfant est connecté.", "For a child under 15, a service that needs consent turns on only if the child and you accept it (French Data Protection Act, art. 45). Your withdrawal turns it off at once, on every device where the child is signed in.");

    /// <summary>The guardian page when the directory lists no child for the signed-in user.</summary>
    public LocalizedTextDeclaration NoChildren { get; set; } = Text(nameof(NoChildren), "Aucun enfant de moins de 15 ans n'est rattaché à votre compte.", "No child under 15 is linked to your account.");

    /// <summary>The guardian page's column of the child's decision.</summary>
    public LocalizedTextDeclaration ChildChoiceLabel { get; set; } = Text(nameof(ChildChoiceLabel), "Choix de l'enfant", "Child's choice");

    /// <summary>The guardian page's column of the guardian's decision.</summary>
    public LocalizedTextDeclaration YourChoiceLabel { get; set; } = Text(nameof(YourChoiceLabel), "Votre choix", "Your choice");

    /// <summary>The guardian page's column of the outcome.</summary>
    public LocalizedTextDeclaration ServiceStatusLabel { get; set; } = Text(nameof(ServiceStatusLabel), "État du service", "Service status");

    /// <summary>A decision that granted the service.</summary>
    public LocalizedTextDeclaration DecisionGranted { get; set; } = Text(nameof(DecisionGranted), "Accepté", "Accepted");

    /// <summary>A decision that refused or withdrew the service.</summary>
    public LocalizedTextDeclaration DecisionDenied { get; set; } = Text(nameof(DecisionDenied), "Refusé", "Refused");

    /// <summary>No decision yet.</summary>
    public LocalizedTextDeclaration DecisionNotAsked { get; set; } = Text(nameof(DecisionNotAsked), "Pas encore choisi", "Not chosen yet");

    /// <summary>A service that runs for the child.</summary>
    public LocalizedTextDeclaration ServiceOn { get; set; } = Text(nameof(ServiceOn), "Activé", "On");

    /// <summary>A service that does not run for the child.</summary>
    public LocalizedTextDeclaration ServiceOff { get; set; } = Text(nameof(ServiceOff), "Désactivé", "Off");

    /// <summary>The guardian page's button that grants a service for the child.</summary>
    public LocalizedTextDeclaration GuardianGrant { get; set; } = Text(nameof(GuardianGrant), "Accepter {service}", "Accept {service}");

    /// <summary>The guardian page's button that refuses or withdraws a service for the child.</summary>
    public LocalizedTextDeclaration GuardianWithdraw { get; set; } = Text(nameof(GuardianWithdraw), "Refuser {service}", "Refuse {service}");

    // French and English here, the other languages from the embedded files (Localization/*.json), merged per language.
    private static LocalizedTextDeclaration Text(string key, string french, string english) => BuiltInTranslations.Text(key, french, english);
}

/// <summary>
/// The texts of a <see cref="ConsentPolicy"/>, compiled from a <see cref="ConsentTextsDeclaration"/>: immutable.
/// </summary>
/// <remarks>
/// Placeholders in braces are filled when rendered: <c>{controllers}</c> (the joint controllers), <c>{service}</c>
/// and <c>{provider}</c> (a blocked service).
/// </remarks>
public sealed class ConsentTexts
{
    /// <summary>Compiles <paramref name="declaration"/>; a text it leaves out (null) is empty.</summary>
    public ConsentTexts(ConsentTextsDeclaration declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        BannerTitle = LocalizedText.From(declaration.BannerTitle);
        BannerBody = LocalizedText.From(declaration.BannerBody);
        AcceptAll = LocalizedText.From(declaration.AcceptAll);
        RefuseAll = LocalizedText.From(declaration.RefuseAll);
        Customize = LocalizedText.From(declaration.Customize);
        Save = LocalizedText.From(declaration.Save);
        ManageCookies = LocalizedText.From(declaration.ManageCookies);
        PreferencesTitle = LocalizedText.From(declaration.PreferencesTitle);
        PreferencesIntro = LocalizedText.From(declaration.PreferencesIntro);
        AlwaysActive = LocalizedText.From(declaration.AlwaysActive);
        AudienceOptOut = LocalizedText.From(declaration.AudienceOptOut);
        CookiePageLink = LocalizedText.From(declaration.CookiePageLink);
        CookiePageTitle = LocalizedText.From(declaration.CookiePageTitle);
        CookiePageIntro = LocalizedText.From(declaration.CookiePageIntro);
        BlockedContent = LocalizedText.From(declaration.BlockedContent);
        AllowService = LocalizedText.From(declaration.AllowService);
        AccountScope = LocalizedText.From(declaration.AccountScope);
        AccountChoiceApplied = LocalizedText.From(declaration.AccountChoiceApplied);
        ReviewChoices = LocalizedText.From(declaration.ReviewChoices);
        Close = LocalizedText.From(declaration.Close);
        Back = LocalizedText.From(declaration.Back);
        CategoryLabel = LocalizedText.From(declaration.CategoryLabel);
        ProviderLabel = LocalizedText.From(declaration.ProviderLabel);
        PurposeLabel = LocalizedText.From(declaration.PurposeLabel);
        LegalBasisLabel = LocalizedText.From(declaration.LegalBasisLabel);
        JustificationLabel = LocalizedText.From(declaration.JustificationLabel);
        PrivacyPolicyLabel = LocalizedText.From(declaration.PrivacyPolicyLabel);
        CookiesCaption = LocalizedText.From(declaration.CookiesCaption);
        CookieNameLabel = LocalizedText.From(declaration.CookieNameLabel);
        CookieLifetimeLabel = LocalizedText.From(declaration.CookieLifetimeLabel);
        CookieRoleLabel = LocalizedText.From(declaration.CookieRoleLabel);
        SessionCookie = LocalizedText.From(declaration.SessionCookie);
        NoCookies = LocalizedText.From(declaration.NoCookies);
        CategoryEssential = LocalizedText.From(declaration.CategoryEssential);
        CategoryExemptAudience = LocalizedText.From(declaration.CategoryExemptAudience);
        CategoryConsentRequired = LocalizedText.From(declaration.CategoryConsentRequired);
        LegalBasisConsent = LocalizedText.From(declaration.LegalBasisConsent);
        LegalBasisContract = LocalizedText.From(declaration.LegalBasisContract);
        LegalBasisLegalObligation = LocalizedText.From(declaration.LegalBasisLegalObligation);
        LegalBasisVitalInterests = LocalizedText.From(declaration.LegalBasisVitalInterests);
        LegalBasisPublicInterest = LocalizedText.From(declaration.LegalBasisPublicInterest);
        LegalBasisLegitimateInterests = LocalizedText.From(declaration.LegalBasisLegitimateInterests);
        MinorNotice = LocalizedText.From(declaration.MinorNotice);
        WaitingForParent = LocalizedText.From(declaration.WaitingForParent);
        GuardianPageTitle = LocalizedText.From(declaration.GuardianPageTitle);
        GuardianPageIntro = LocalizedText.From(declaration.GuardianPageIntro);
        NoChildren = LocalizedText.From(declaration.NoChildren);
        ChildChoiceLabel = LocalizedText.From(declaration.ChildChoiceLabel);
        YourChoiceLabel = LocalizedText.From(declaration.YourChoiceLabel);
        ServiceStatusLabel = LocalizedText.From(declaration.ServiceStatusLabel);
        DecisionGranted = LocalizedText.From(declaration.DecisionGranted);
        DecisionDenied = LocalizedText.From(declaration.DecisionDenied);
        DecisionNotAsked = LocalizedText.From(declaration.DecisionNotAsked);
        ServiceOn = LocalizedText.From(declaration.ServiceOn);
        ServiceOff = LocalizedText.From(declaration.ServiceOff);
        GuardianGrant = LocalizedText.From(declaration.GuardianGrant);
        GuardianWithdraw = LocalizedText.From(declaration.GuardianWithdraw);
    }

    /// <inheritdoc cref="ConsentTextsDeclaration.BannerTitle"/>
    public LocalizedText BannerTitle { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.BannerBody"/>
    public LocalizedText BannerBody { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.AcceptAll"/>
    public LocalizedText AcceptAll { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.RefuseAll"/>
    public LocalizedText RefuseAll { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.Customize"/>
    public LocalizedText Customize { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.Save"/>
    public LocalizedText Save { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.ManageCookies"/>
    public LocalizedText ManageCookies { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.PreferencesTitle"/>
    public LocalizedText PreferencesTitle { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.PreferencesIntro"/>
    public LocalizedText PreferencesIntro { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.AlwaysActive"/>
    public LocalizedText AlwaysActive { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.AudienceOptOut"/>
    public LocalizedText AudienceOptOut { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.CookiePageLink"/>
    public LocalizedText CookiePageLink { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.CookiePageTitle"/>
    public LocalizedText CookiePageTitle { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.CookiePageIntro"/>
    public LocalizedText CookiePageIntro { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.BlockedContent"/>
    public LocalizedText BlockedContent { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.AllowService"/>
    public LocalizedText AllowService { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.AccountScope"/>
    public LocalizedText AccountScope { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.AccountChoiceApplied"/>
    public LocalizedText AccountChoiceApplied { get; }
    /// <inheritdoc cref="ConsentTextsDeclaration.ReviewChoices"/>
    public LocalizedText ReviewChoices { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.Close"/>
    public LocalizedText Close { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.Back"/>
    public LocalizedText Back { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.CategoryLabel"/>
    public LocalizedText CategoryLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.ProviderLabel"/>
    public LocalizedText ProviderLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.PurposeLabel"/>
    public LocalizedText PurposeLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.LegalBasisLabel"/>
    public LocalizedText LegalBasisLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.JustificationLabel"/>
    public LocalizedText JustificationLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.PrivacyPolicyLabel"/>
    public LocalizedText PrivacyPolicyLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.CookiesCaption"/>
    public LocalizedText CookiesCaption { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.CookieNameLabel"/>
    public LocalizedText CookieNameLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.CookieLifetimeLabel"/>
    public LocalizedText CookieLifetimeLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.CookieRoleLabel"/>
    public LocalizedText CookieRoleLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.SessionCookie"/>
    public LocalizedText SessionCookie { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.NoCookies"/>
    public LocalizedText NoCookies { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.CategoryEssential"/>
    public LocalizedText CategoryEssential { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.CategoryExemptAudience"/>
    public LocalizedText CategoryExemptAudience { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.CategoryConsentRequired"/>
    public LocalizedText CategoryConsentRequired { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.LegalBasisConsent"/>
    public LocalizedText LegalBasisConsent { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.LegalBasisContract"/>
    public LocalizedText LegalBasisContract { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.LegalBasisLegalObligation"/>
    public LocalizedText LegalBasisLegalObligation { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.LegalBasisVitalInterests"/>
    public LocalizedText LegalBasisVitalInterests { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.LegalBasisPublicInterest"/>
    public LocalizedText LegalBasisPublicInterest { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.LegalBasisLegitimateInterests"/>
    public LocalizedText LegalBasisLegitimateInterests { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.MinorNotice"/>
    public LocalizedText MinorNotice { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.WaitingForParent"/>
    public LocalizedText WaitingForParent { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.GuardianPageTitle"/>
    public LocalizedText GuardianPageTitle { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.GuardianPageIntro"/>
    public LocalizedText GuardianPageIntro { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.NoChildren"/>
    public LocalizedText NoChildren { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.ChildChoiceLabel"/>
    public LocalizedText ChildChoiceLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.YourChoiceLabel"/>
    public LocalizedText YourChoiceLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.ServiceStatusLabel"/>
    public LocalizedText ServiceStatusLabel { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.DecisionGranted"/>
    public LocalizedText DecisionGranted { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.DecisionDenied"/>
    public LocalizedText DecisionDenied { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.DecisionNotAsked"/>
    public LocalizedText DecisionNotAsked { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.ServiceOn"/>
    public LocalizedText ServiceOn { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.ServiceOff"/>
    public LocalizedText ServiceOff { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.GuardianGrant"/>
    public LocalizedText GuardianGrant { get; }

    /// <inheritdoc cref="ConsentTextsDeclaration.GuardianWithdraw"/>
    public LocalizedText GuardianWithdraw { get; }

    /// <summary>The keys of the texts only minors and their guardians are shown (joint consent).</summary>
    public static IReadOnlySet<string> JointConsentKeys { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        nameof(MinorNotice),
        nameof(WaitingForParent),
        nameof(GuardianPageTitle),
        nameof(GuardianPageIntro),
        nameof(NoChildren),
        nameof(ChildChoiceLabel),
        nameof(YourChoiceLabel),
        nameof(ServiceStatusLabel),
        nameof(DecisionGranted),
        nameof(DecisionDenied),
        nameof(DecisionNotAsked),
        nameof(ServiceOn),
        nameof(ServiceOff),
        nameof(GuardianGrant),
        nameof(GuardianWithdraw),
    };

    /// <summary>Every text with a stable key, for hashing and for hosts that render their own widget.</summary>
    public IEnumerable<KeyValuePair<string, LocalizedText>> All()
    {
        yield return new(nameof(BannerTitle), BannerTitle);
        yield return new(nameof(BannerBody), BannerBody);
        yield return new(nameof(AcceptAll), AcceptAll);
        yield return new(nameof(RefuseAll), RefuseAll);
        yield return new(nameof(Customize), Customize);
        yield return new(nameof(Save), Save);
        yield return new(nameof(ManageCookies), ManageCookies);
        yield return new(nameof(PreferencesTitle), PreferencesTitle);
        yield return new(nameof(PreferencesIntro), PreferencesIntro);
        yield return new(nameof(AlwaysActive), AlwaysActive);
        yield return new(nameof(AudienceOptOut), AudienceOptOut);
        yield return new(nameof(CookiePageLink), CookiePageLink);
        yield return new(nameof(CookiePageTitle), CookiePageTitle);
        yield return new(nameof(CookiePageIntro), CookiePageIntro);
        yield return new(nameof(BlockedContent), BlockedContent);
        yield return new(nameof(AllowService), AllowService);
        yield return new(nameof(AccountScope), AccountScope);
        yield return new(nameof(AccountChoiceApplied), AccountChoiceApplied);
        yield return new(nameof(ReviewChoices), ReviewChoices);
        yield return new(nameof(Close), Close);
        yield return new(nameof(Back), Back);
        yield return new(nameof(CategoryLabel), CategoryLabel);
        yield return new(nameof(ProviderLabel), ProviderLabel);
        yield return new(nameof(PurposeLabel), PurposeLabel);
        yield return new(nameof(LegalBasisLabel), LegalBasisLabel);
        yield return new(nameof(JustificationLabel), JustificationLabel);
        yield return new(nameof(PrivacyPolicyLabel), PrivacyPolicyLabel);
        yield return new(nameof(CookiesCaption), CookiesCaption);
        yield return new(nameof(CookieNameLabel), CookieNameLabel);
        yield return new(nameof(CookieLifetimeLabel), CookieLifetimeLabel);
        yield return new(nameof(CookieRoleLabel), CookieRoleLabel);
        yield return new(nameof(SessionCookie), SessionCookie);
        yield return new(nameof(NoCookies), NoCookies);
        yield return new(nameof(CategoryEssential), CategoryEssential);
        yield return new(nameof(CategoryExemptAudience), CategoryExemptAudience);
        yield return new(nameof(CategoryConsentRequired), CategoryConsentRequired);
        yield return new(nameof(LegalBasisConsent), LegalBasisConsent);
        yield return new(nameof(LegalBasisContract), LegalBasisContract);
        yield return new(nameof(LegalBasisLegalObligation), LegalBasisLegalObligation);
        yield return new(nameof(LegalBasisVitalInterests), LegalBasisVitalInterests);
        yield return new(nameof(LegalBasisPublicInterest), LegalBasisPublicInterest);
        yield return new(nameof(LegalBasisLegitimateInterests), LegalBasisLegitimateInterests);
        yield return new(nameof(MinorNotice), MinorNotice);
        yield return new(nameof(WaitingForParent), WaitingForParent);
        yield return new(nameof(GuardianPageTitle), GuardianPageTitle);
        yield return new(nameof(GuardianPageIntro), GuardianPageIntro);
        yield return new(nameof(NoChildren), NoChildren);
        yield return new(nameof(ChildChoiceLabel), ChildChoiceLabel);
        yield return new(nameof(YourChoiceLabel), YourChoiceLabel);
        yield return new(nameof(ServiceStatusLabel), ServiceStatusLabel);
        yield return new(nameof(DecisionGranted), DecisionGranted);
        yield return new(nameof(DecisionDenied), DecisionDenied);
        yield return new(nameof(DecisionNotAsked), DecisionNotAsked);
        yield return new(nameof(ServiceOn), ServiceOn);
        yield return new(nameof(ServiceOff), ServiceOff);
        yield return new(nameof(GuardianGrant), GuardianGrant);
        yield return new(nameof(GuardianWithdraw), GuardianWithdraw);
    }
}
