using System.Globalization;
using System.Security.Claims;
using System.Text;
using Ent.Portal.Accounts;
using Ent.Portal.Security;
using Ent.Portal.ThirdParty;
using Microsoft.AspNetCore.Antiforgery;
using static Ent.Portal.Localization.PortalCultures;

namespace Ent.Portal.Pages;

/// <summary>
/// The page shell every portal page shares: header with sign-in and the language switch, the consent banner, the
/// footer with "Gérer mes cookies", and the blocked national audience script.
/// </summary>
internal static class PortalLayout
{
    public static IResult Page(HttpContext context, string title, string mainHtml) => Render(context, title, $"<h1>{Html.Encode(title)}</h1>\n{mainHtml}");

    /// <summary>A page whose content brings its own <c>h1</c> (the generated cookie page).</summary>
    public static IResult PageWithOwnHeading(HttpContext context, string title, string mainHtml) => Render(context, title, mainHtml);

    private static IResult Render(HttpContext context, string title, string mainHtml)
    {
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        var tokens = antiforgery.GetAndStoreTokens(context);
        var tokenField = $"<input type=\"hidden\" name=\"{Html.Encode(tokens.FormFieldName)}\" value=\"{Html.Encode(tokens.RequestToken)}\">";
        var returnUrl = Html.Encode(context.Request.Path + context.Request.QueryString);
        var portalName = Text("Portail ENT (exemple)", "ENT portal (sample)");

        var html = new StringBuilder(4096);
        html.Append("<!doctype html>\n<html lang=\"").Append(IsEnglish ? "en" : "fr").Append("\">\n<head>\n")
            .Append("<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(Html.Encode(title)).Append(" – ").Append(Html.Encode(portalName)).Append("</title>\n")
            .Append("<link rel=\"stylesheet\" href=\"/portal.css\">\n")
            .Append(ConsentWidgetSlots.Head(context))
            .Append("</head>\n<body>\n")
            .Append(ConsentWidgetSlots.Banner(context))
            .Append("<header class=\"site\">\n<a class=\"skip\" href=\"#contenu\">").Append(Text("Aller au contenu", "Skip to content")).Append("</a>\n")
            .Append("<p class=\"brand\"><a href=\"/\">").Append(Html.Encode(portalName)).Append("</a></p>\n")
            .Append("<nav aria-label=\"").Append(Text("Menu principal", "Main menu")).Append("\"><ul>")
            .Append("<li><a href=\"/\">").Append(Text("Accueil", "Home")).Append("</a></li>")
            .Append("<li><a href=\"/cookies\">").Append(Text("Cookies", "Cookies")).Append("</a></li>")
            .Append("<li><a href=\"/statistiques\">").Append(Text("Statistiques", "Statistics")).Append("</a></li>")
            .Append("</ul></nav>\n");

        AppendAccount(html, context.User, tokenField, returnUrl);
        AppendLanguageSwitch(html, tokenField, returnUrl);

        html.Append("</header>\n<main id=\"contenu\" tabindex=\"-1\">\n")
            .Append(mainHtml)
            .Append("\n</main>\n<footer class=\"site\">\n<ul>")
            .Append("<li><a href=\"/cookies\">").Append(Text("Cookies et traceurs", "Cookies and trackers")).Append("</a></li>")
            .Append("<li>").Append(ConsentWidgetSlots.ManageButton(context)).Append("</li>")
            .Append("</ul>\n</footer>\n")
            .Append("<script type=\"text/plain\" data-ent-consent=\"").Append(DnmaEmulation.ServiceIdOf(context.RequestServices.GetRequiredService<IConfiguration>())).Append("\" src=\"")
            .Append(DnmaEmulation.ScriptPath).Append("\" nonce=\"").Append(ContentSecurityPolicy.Nonce(context)).Append("\"></script>\n")
            .Append(ConsentWidgetSlots.Script(context))
            .Append("</body>\n</html>\n");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static void AppendAccount(StringBuilder html, ClaimsPrincipal user, string tokenField, string returnUrl)
    {
        html.Append("<section class=\"account\" aria-label=\"").Append(Text("Compte", "Account")).Append("\">\n");
        if (user.Identity?.IsAuthenticated == true)
        {
            var account = DemoAccount.Find(user.FindFirstValue(ClaimTypes.NameIdentifier));
            html.Append("<p>").Append(Text("Connecté·e : ", "Signed in: ")).Append("<strong>").Append(Html.Encode(user.Identity.Name)).Append("</strong>");
            if (account is not null)
            {
                html.Append(" (").Append(Html.Encode(Text(account.RoleFr, account.RoleEn))).Append(')');
            }

            html.Append("</p>\n");
            if (account is { IsGuardian: true })
            {
                // A parent's page of their children's consent (joint consent for pupils under 15).
                html.Append("<p><a href=\"/consent/guardian/page?returnUrl=").Append(Uri.EscapeDataString(System.Net.WebUtility.HtmlDecode(returnUrl)))
                    .Append("\" data-portal-action=\"guardian-page\">").Append(Text("Cookies de mes enfants", "My children's cookies")).Append("</a></p>\n");
            }

            html.Append("<form method=\"post\" action=\"/account/sign-out\">").Append(tokenField)
                .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(returnUrl).Append("\">")
                .Append("<button type=\"submit\" data-portal-action=\"sign-out\">").Append(Text("Se déconnecter", "Sign out")).Append("</button></form>\n");
        }
        else
        {
            html.Append("<p>").Append(Text("Comptes de démonstration, sans mot de passe :", "Demonstration accounts, no password:")).Append("</p>\n");
            foreach (var account in DemoAccount.All)
            {
                html.Append("<form method=\"post\" action=\"/account/sign-in\">").Append(tokenField)
                    .Append("<input type=\"hidden\" name=\"account\" value=\"").Append(Html.Encode(account.Id)).Append("\">")
                    .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(returnUrl).Append("\">")
                    .Append("<button type=\"submit\" data-portal-action=\"sign-in-").Append(Html.Encode(account.Id)).Append("\">")
                    .Append(Text("Se connecter comme ", "Sign in as ")).Append(Html.Encode(account.DisplayName))
                    .Append(" (").Append(Html.Encode(Text(account.RoleFr, account.RoleEn))).Append(")</button></form>\n");
            }
        }

        html.Append("</section>\n");
    }

    // One button per other language, named in its own language (with its lang and dir, for screen readers).
    private static void AppendLanguageSwitch(StringBuilder html, string tokenField, string returnUrl)
    {
        var current = CultureInfo.CurrentUICulture.TwoLetterISOLanguageName;
        html.Append("<nav class=\"language\" aria-label=\"").Append(Text("Langue", "Language")).Append("\"><ul>");
        foreach (var culture in All.Where(c => c.Name != current))
        {
            var native = culture.TextInfo.ToTitleCase(culture.NativeName);
            html.Append("<li><form method=\"post\" action=\"/language\">").Append(tokenField)
                .Append("<input type=\"hidden\" name=\"culture\" value=\"").Append(culture.Name).Append("\">")
                .Append("<input type=\"hidden\" name=\"returnUrl\" value=\"").Append(returnUrl).Append("\">")
                .Append("<button type=\"submit\" lang=\"").Append(culture.Name).Append("\" dir=\"").Append(culture.TextInfo.IsRightToLeft ? "rtl" : "ltr")
                .Append("\" data-portal-action=\"language-").Append(culture.Name).Append("\">")
                .Append(Html.Encode(native)).Append("</button></form></li>");
        }

        html.Append("</ul></nav>\n");
    }
}
