using Ent.Consent.Widget;
using Ent.Portal.Security;

namespace Ent.Portal.Pages;

/// <summary>Where the consent widget's pieces go in the page shell.</summary>
internal static class ConsentWidgetSlots
{
    public static string Head(HttpContext context) => Widget(context).RenderHeadTags(context, ContentSecurityPolicy.Nonce(context)).ToString()!;

    public static string Banner(HttpContext context) => Widget(context).RenderBanner(context).ToString()!;

    public static string ManageButton(HttpContext context) => Widget(context).RenderManageButton(context).ToString()!;

    public static string Script(HttpContext context) => Widget(context).RenderScriptTags(context, ContentSecurityPolicy.Nonce(context)).ToString()!;

    public static string Placeholder(HttpContext context, string serviceId) => Widget(context).RenderPlaceholder(context, serviceId).ToString()!;

    public static string CookiePage(HttpContext context) => Widget(context).RenderCookiePage(context, headingLevel: 1).ToString()!;

    private static IConsentWidget Widget(HttpContext context) => context.RequestServices.GetRequiredService<IConsentWidget>();
}
