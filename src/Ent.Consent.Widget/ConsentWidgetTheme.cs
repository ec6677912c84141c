namespace Ent.Consent.Widget;

/// <summary>The look of the banner, the preference centre and the cookie page. Both are themable with CSS custom properties.</summary>
public enum ConsentWidgetTheme
{
    /// <summary>A neutral look that takes the host page's font.</summary>
    Default = 0,

    /// <summary>A look that fits the French state design system (DSFR): blue France, square corners, Marianne font when the page has it.</summary>
    Dsfr = 1,
}
