using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Widget;

/// <summary>
/// Renders the consent widget into a page, from the request's policy, choice and culture. Usable from Razor Pages,
/// MVC views (<c>@Widget.RenderBanner(Context)</c>) and minimal APIs (<c>.ToString()</c> gives the HTML). The banner and
/// placeholders carry forms with an antiforgery token, so call the methods before the response starts.
/// </summary>
public interface IConsentWidget
{
    /// <summary>
    /// The first layer, only while a choice is pending (no valid choice for this policy version and user), with its
    /// antiforgery token; otherwise nothing (or the notice of a choice restored from the account) and no token. The
    /// preference centre is not in the page: the script fetches it from <c>GET {prefix}/dialog</c> when opened, and
    /// without script the controls lead to <c>GET {prefix}/preferences</c>. Put it first in the body.
    /// </summary>
    IHtmlContent RenderBanner(HttpContext context);

    /// <summary>The preference centre as a region of the host's own page, with a heading of <paramref name="headingLevel"/>.</summary>
    IHtmlContent RenderPreferences(HttpContext context, int headingLevel = 1);

    /// <summary>The cookie information page's content generated from the catalogue, with a heading of <paramref name="headingLevel"/>.</summary>
    IHtmlContent RenderCookiePage(HttpContext context, int headingLevel = 1);

    /// <summary>
    /// The placeholder of content blocked until <paramref name="serviceId"/> is allowed, for right before the embed
    /// (<c>&lt;iframe data-ent-consent="…" data-src="…" hidden&gt;</c>): it says what is blocked, by whom and why, and
    /// offers a form that allows this service and a link to the preferences page, so that it works without JavaScript;
    /// the script reuses it and swaps the embed in place once allowed. Empty when the service may run. Razor pages get
    /// it from the tag helper on <c>&lt;iframe data-ent-consent&gt;</c>.
    /// </summary>
    /// <exception cref="ArgumentException">No service of the request's policy has this id.</exception>
    IHtmlContent RenderPlaceholder(HttpContext context, string serviceId);

    /// <summary>The persistent "Gérer mes cookies" control that reopens the choices; put it on every page (a footer).</summary>
    IHtmlContent RenderManageButton(HttpContext context);

    /// <summary>
    /// For the head, before any other script: the in-page guard (its data block and the blocking <c>guard.js</c>, which
    /// drops script writes of cookies and storage keys of services not allowed now) and the stylesheet link, with their
    /// integrity values. May start the exempt audience first-deposit cycle, so call it before the response starts.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="nonce">
    /// The page's Content-Security-Policy nonce, if it uses one; when null, the one
    /// <see cref="Ent.Consent.AspNetCore.ConsentContentSecurityPolicyOptions.Nonce"/> gives for this request, if set.
    /// </param>
    IHtmlContent RenderHeadTags(HttpContext context, string? nonce = null);

    /// <summary>The widget's configuration data block and its deferred script with its integrity value, for the end of the body.</summary>
    /// <param name="context">The request.</param>
    /// <param name="nonce">
    /// The page's Content-Security-Policy nonce, if it uses one; when null, the one
    /// <see cref="Ent.Consent.AspNetCore.ConsentContentSecurityPolicyOptions.Nonce"/> gives for this request, if set.
    /// </param>
    IHtmlContent RenderScriptTags(HttpContext context, string? nonce = null);

    /// <summary>
    /// What every page carries, for a host that places it in pages it does not render itself (a proxy): the same as
    /// <see cref="RenderHeadTags"/>, <see cref="RenderBanner"/>, <see cref="RenderManageButton"/> and
    /// <see cref="RenderScriptTags"/> called in that order, from one reading of the request. Call it before the
    /// response starts, as the banner and the head tags need.
    /// </summary>
    /// <param name="context">The request.</param>
    /// <param name="nonce">The page's Content-Security-Policy nonce, as for <see cref="RenderHeadTags"/>.</param>
    ConsentWidgetParts RenderParts(HttpContext context, string? nonce = null)
        => new(RenderHeadTags(context, nonce), RenderBanner(context), RenderManageButton(context), RenderScriptTags(context, nonce));
}
