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
