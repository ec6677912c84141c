namespace Ent.Consent.Widget;

/// <summary>
/// Options of the consent widget, set with
/// <see cref="Microsoft.Extensions.DependencyInjection.ConsentWidgetEntConsentBuilderExtensions.AddWidget"/>. Where the
/// widget posts and serves its pages is <see cref="Ent.Consent.AspNetCore.EntConsentOptions.PathPrefix"/>.
/// </summary>
public sealed class ConsentWidgetOptions
{
    /// <summary>The look; default <see cref="ConsentWidgetTheme.Default"/>.</summary>
    public ConsentWidgetTheme Theme { get; set; } = ConsentWidgetTheme.Default;

    /// <summary>
    /// Where the banner's "more about cookies" link points: the host's own page that shows
    /// <see cref="IConsentWidget.RenderCookiePage"/>. Null (the default) uses the page the widget serves at
    /// <c>{PathPrefix}/cookies</c>.
    /// </summary>
    public string? CookiePageUrl { get; set; }
}
