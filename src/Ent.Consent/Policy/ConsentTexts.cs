namespace Ent.Consent;

/// <summary>
/// Every text the banner, the preference centre and the cookie page show. French and English by default; each can
/// be overridden per language. They are part of the policy: changing one changes <see cref="ConsentPolicy.Version"/>
/// and asks users again, because consent is only informed for the texts that were shown.
/// </summary>
/// <remarks>
/// Placeholders in braces are filled when rendered: <c>{controllers}</c> (the joint controllers), <c>{service}</c>
/// and <c>{provider}</c> (a blocked service).
/// </remarks>
public sealed class ConsentTexts
{
    /// <summary>The banner's heading.</summary>
    public LocalizedText BannerTitle { get; set; } = new("Vos choix sur les cookies", "Your choices about cookies");

    /// <summary>The banner's text: who, why, what each choice does, how to change one's mind.</summary>
    public LocalizedText BannerBody { get; set; } = new(
        "{controllers} utilisent des cookies indispensables au fonctionnement du portail et une mesure d'audience anonyme à laquelle vous pouvez vous opposer. Avec votre accord, des services tiers (vidéos, statistiques de partenaires) déposent aussi des cookies. « Tout accepter » les active, « Tout refuser » les laisse désactivés sans rien changer à votre accès au portail. Vous pouvez changer d'avis à tout moment avec « Gérer mes cookies ».",
        "{controllers} use cookies that the portal needs to work and anonymous audience measurement you can object to. With your agreement, third-party services (videos, partners' statistics) also set cookies. \"Accept all\" turns them on, \"Refuse all\" leaves them off and changes nothing to your access to the portal. You can change your mind at any time with \"Manage cookies\".");

    /// <summary>The first-layer button that grants every consent-required service.</summary>
    public LocalizedText AcceptAll { get; set; } = new("Tout accepter", "Accept all");

    /// <summary>The first-layer button that refuses every consent-required service; same weight as accept.</summary>
    public LocalizedText RefuseAll { get; set; } = new("Tout refuser", "Refuse all");

    /// <summary>The button that opens the preference centre.</summary>
    public LocalizedText Customize { get; set; } = new("Personnaliser", "Customize");

    /// <summary>The preference centre's button that saves per-service choices.</summary>
    public LocalizedText Save { get; set; } = new("Enregistrer mes choix", "Save my choices");

    /// <summary>The persistent control that reopens the choices on every page.</summary>
    public LocalizedText ManageCookies { get; set; } = new("Gérer mes cookies", "Manage cookies");

    /// <summary>The preference centre's heading.</summary>
    public LocalizedText PreferencesTitle { get; set; } = new("Préférences de cookies", "Cookie preferences");

    /// <summary>The preference centre's introduction.</summary>
    public LocalizedText PreferencesIntro { get; set; } = new(
        "Choisissez service par service. Les services soumis à votre consentement sont désactivés tant que vous ne les activez pas ; vous pouvez retirer votre accord à tout moment.",
        "Choose service by service. Services that need your consent stay off until you turn them on; you can withdraw your agreement at any time.");

    /// <summary>Shown beside essential services, which cannot be turned off.</summary>
    public LocalizedText AlwaysActive { get; set; } = new("Toujours actif", "Always active");

    /// <summary>Label of the opt-out of exempt audience measurement.</summary>
    public LocalizedText AudienceOptOut { get; set; } = new(
        "Mesure d'audience anonyme, active sauf si vous vous y opposez",
        "Anonymous audience measurement, on unless you object");

    /// <summary>The link to the cookie information page.</summary>
    public LocalizedText CookiePageLink { get; set; } = new("En savoir plus sur les cookies", "More about cookies");

    /// <summary>The cookie information page's heading.</summary>
    public LocalizedText CookiePageTitle { get; set; } = new("Cookies et traceurs", "Cookies and trackers");

    /// <summary>The cookie information page's introduction.</summary>
    public LocalizedText CookiePageIntro { get; set; } = new(
        "Cette page liste chaque service du portail, son responsable, sa finalité, sa base légale et les cookies qu'il dépose, avec leur durée de vie.",
        "This page lists every service of the portal, who runs it, its purpose, its legal basis and the cookies it sets, with their lifetimes.");

    /// <summary>The placeholder shown instead of blocked content.</summary>
    public LocalizedText BlockedContent { get; set; } = new(
        "Ce contenu est hébergé par {provider} ({service}), qui dépose des cookies. Il ne s'affiche qu'avec votre accord.",
        "This content is hosted by {provider} ({service}), which sets cookies. It is shown only with your agreement.");

    /// <summary>The placeholder's button that grants the one service.</summary>
    public LocalizedText AllowService { get; set; } = new("Autoriser {service}", "Allow {service}");

    /// <summary>The preference centre's button that closes it without saving.</summary>
    public LocalizedText Close { get; set; } = new("Fermer", "Close");

    /// <summary>The link from the stand-alone preferences page back to the page the user came from.</summary>
    public LocalizedText Back { get; set; } = new("Retour au site", "Back to the site");

    /// <summary>Label of a service's category on the cookie page.</summary>
    public LocalizedText CategoryLabel { get; set; } = new("Catégorie", "Category");

    /// <summary>Label of a service's provider.</summary>
    public LocalizedText ProviderLabel { get; set; } = new("Fournisseur", "Provider");

    /// <summary>Label of a service's purpose.</summary>
    public LocalizedText PurposeLabel { get; set; } = new("Finalité", "Purpose");

    /// <summary>Label of a service's legal basis.</summary>
    public LocalizedText LegalBasisLabel { get; set; } = new("Base légale", "Legal basis");

    /// <summary>Label of the reason an essential or exempt service needs no consent.</summary>
    public LocalizedText JustificationLabel { get; set; } = new("Pourquoi sans consentement", "Why no consent is needed");

    /// <summary>The link to a provider's privacy policy.</summary>
    public LocalizedText PrivacyPolicyLabel { get; set; } = new("Politique de confidentialité de {provider}", "Privacy policy of {provider}");

    /// <summary>Caption of a service's cookie table; <c>{service}</c> is the service's name.</summary>
    public LocalizedText CookiesCaption { get; set; } = new("Cookies de {service}", "Cookies of {service}");

    /// <summary>Column heading: a cookie's name.</summary>
    public LocalizedText CookieNameLabel { get; set; } = new("Nom", "Name");

    /// <summary>Column heading: a cookie's lifetime.</summary>
    public LocalizedText CookieLifetimeLabel { get; set; } = new("Durée de vie", "Lifetime");

    /// <summary>Column heading: what a cookie holds.</summary>
    public LocalizedText CookieRoleLabel { get; set; } = new("Rôle", "Role");

    /// <summary>The lifetime of a cookie deleted when the browser closes.</summary>
    public LocalizedText SessionCookie { get; set; } = new("Jusqu'à la fermeture du navigateur", "Until the browser is closed");

    /// <summary>Shown for a service that sets no cookie.</summary>
    public LocalizedText NoCookies { get; set; } = new("Aucun cookie", "No cookie");

    /// <summary>Name of the essential category.</summary>
    public LocalizedText CategoryEssential { get; set; } = new("Indispensable, sans consentement", "Essential, no consent needed");

    /// <summary>Name of the exempt audience measurement category.</summary>
    public LocalizedText CategoryExemptAudience { get; set; } = new("Mesure d'audience exemptée de consentement, avec droit d'opposition", "Audience measurement exempt from consent, which you can object to");

    /// <summary>Name of the consent-required category.</summary>
    public LocalizedText CategoryConsentRequired { get; set; } = new("Soumis à votre consentement", "Subject to your consent");

    /// <summary>GDPR art. 6(1)(a).</summary>
    public LocalizedText LegalBasisConsent { get; set; } = new("Consentement (RGPD, art. 6.1.a)", "Consent (GDPR, art. 6(1)(a))");

    /// <summary>GDPR art. 6(1)(b).</summary>
    public LocalizedText LegalBasisContract { get; set; } = new("Exécution d'un contrat (RGPD, art. 6.1.b)", "Performance of a contract (GDPR, art. 6(1)(b))");

    /// <summary>GDPR art. 6(1)(c).</summary>
    public LocalizedText LegalBasisLegalObligation { get; set; } = new("Obligation légale (RGPD, art. 6.1.c)", "Legal obligation (GDPR, art. 6(1)(c))");

    /// <summary>GDPR art. 6(1)(d).</summary>
    public LocalizedText LegalBasisVitalInterests { get; set; } = new("Sauvegarde des intérêts vitaux (RGPD, art. 6.1.d)", "Vital interests (GDPR, art. 6(1)(d))");

    /// <summary>GDPR art. 6(1)(e).</summary>
    public LocalizedText LegalBasisPublicInterest { get; set; } = new("Mission d'intérêt public (RGPD, art. 6.1.e)", "Task in the public interest (GDPR, art. 6(1)(e))");

    /// <summary>GDPR art. 6(1)(f).</summary>
    public LocalizedText LegalBasisLegitimateInterests { get; set; } = new("Intérêt légitime (RGPD, art. 6.1.f)", "Legitimate interests (GDPR, art. 6(1)(f))");

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
    }

    internal ConsentTexts Clone()
    {
        var copy = new ConsentTexts();
        foreach (var property in typeof(ConsentTexts).GetProperties())
        {
            if (property.PropertyType == typeof(LocalizedText) && property.GetValue(this) is LocalizedText text)
            {
                property.SetValue(copy, text.Clone());
            }
        }

        return copy;
    }
}
