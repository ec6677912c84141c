using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Widget;

/// <summary>Options of the consent widget, set with <see cref="Microsoft.Extensions.DependencyInjection.ConsentWidgetServiceCollectionExtensions.AddEntConsentWidget"/>.</summary>
public sealed class ConsentWidgetOptions
{
    /// <summary>
    /// The prefix the consent endpoints are mapped under (the one given to <c>MapEntConsent</c>). The forms post to it,
    /// and the widget serves its assets and pages below it: <c>{ConsentPath}/widget.js</c>, <c>/widget.css</c>,
    /// <c>/preferences</c> and <c>/cookies</c>. Default <c>/consent</c>.
    /// </summary>
    public PathString ConsentPath { get; set; } = "/consent";

    /// <summary>The look; default <see cref="ConsentWidgetTheme.Default"/>.</summary>
    public ConsentWidgetTheme Theme { get; set; } = ConsentWidgetTheme.Default;

    /// <summary>
    /// Where the banner's "more about cookies" link points: the host's own page that shows
    /// <see cref="IConsentWidget.RenderCookiePage"/>. Null (the default) uses the page the widget serves at
    /// <c>{ConsentPath}/cookies</c>.
    /// </summary>
    public string? CookiePageUrl { get; set; }
}
