using System.Globalization;
using System.Text;
using Ent.Consent.AspNetCore;
using Ent.Portal.Accounts;
using Ent.Portal.Audience;
using static Ent.Portal.Localization.PortalCultures;

namespace Ent.Portal.Pages;

/// <summary>The portal's own pages.</summary>
internal static class PortalPages
{
    // Big Buck Bunny (Blender Foundation, CC BY 3.0): an embed anyone may show.
    private const string VideoEmbedUrl = "https://www.youtube.com/embed/aqz-KE-bpKQ";

    public static void MapPortalPages(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext context) => PortalLayout.Page(context, Text("Accueil", "Home"), Home(context)));
        endpoints.MapGet("/statistiques", (HttpContext context, AudienceStatistics statistics)
            => PortalLayout.Page(context, Text("Statistiques de fréquentation", "Visit statistics"), Statistics(statistics)));
        endpoints.MapGet("/cookies", (HttpContext context)
            => PortalLayout.PageWithOwnHeading(context, Text("Cookies et traceurs", "Cookies and trackers"), ConsentWidgetSlots.CookiePage(context)));
        endpoints.MapGet("/portal.css", () => Results.Text(PortalStyles.Css, "text/css; charset=utf-8"));
    }

    private static string Home(HttpContext context)
    {
        var html = new StringBuilder();
        html.Append("<p>").Append(Text(
            "Ce portail d'exemple montre Ent.Consent en situation : une vidéo YouTube bloquée jusqu'à votre accord, la mesure d'audience nationale (DNMA) émulée, la mesure d'audience propre au portail, exemptée de consentement, et deux comptes qui partagent le même ordinateur.",
            "This sample portal shows Ent.Consent at work: a YouTube video blocked until you agree, the national audience measurement (DNMA) emulated, the portal's own audience measurement, exempt from consent, and two accounts sharing one computer.")).Append("</p>\n");

        html.Append("<section aria-labelledby=\"video-title\">\n<h2 id=\"video-title\">").Append(Text("Vidéo de la semaine", "Video of the week")).Append("</h2>\n")
            // The placeholder comes from the server, so that without JavaScript the page says what is blocked and how to
            // allow it; the embed is written hidden until then, and with its src once allowed (it loads without script).
            .Append(ConsentWidgetSlots.Placeholder(context, "youtube"))
            .Append("<iframe data-ent-consent=\"youtube\" data-src=\"").Append(VideoEmbedUrl)
            .Append(context.GetConsent().IsAllowed("youtube") ? "\" src=\"" + VideoEmbedUrl : "\" hidden=\"hidden").Append("\" title=\"")
            .Append(Text("Vidéo YouTube : Big Buck Bunny", "YouTube video: Big Buck Bunny"))
            .Append("\" width=\"560\" height=\"315\" allow=\"encrypted-media; picture-in-picture\" allowfullscreen></iframe>\n</section>\n");

        html.Append("<section aria-labelledby=\"essayer-title\">\n<h2 id=\"essayer-title\">").Append(Text("À essayer", "Things to try")).Append("</h2>\n<ul>\n")
            .Append("<li>").Append(Text("Refusez tout : le portail reste entièrement utilisable.", "Refuse all: the portal stays fully usable.")).Append("</li>\n")
            .Append("<li>").Append(Text("Acceptez tout, puis retirez la mesure d'audience nationale dans « Gérer mes cookies » : ses cookies atid et xtidc (HttpOnly) disparaissent.",
                "Accept all, then withdraw the national audience measurement in \"Manage cookies\": its atid and xtidc (HttpOnly) cookies are deleted.")).Append("</li>\n")
            .Append("<li>").Append(Text("Connectez-vous comme parent, faites un choix, déconnectez-vous, puis connectez-vous comme élève : la question est posée à nouveau.",
                "Sign in as the parent, make a choice, sign out, then sign in as the pupil: the question is asked again.")).Append("</li>\n")
            .Append("</ul>\n</section>\n");
        if (context.User.IsInRole(DemoAccount.DataProtectionOfficerRole))
        {
            AppendProofLinks(html, context.GetConsent().State?.ConsentId);
        }

        return html.ToString();
    }

    // What the data protection officer may open: the chain check and the records of this browser's consent, as
    // JSON from Ent.Consent's proof endpoints (guarded by the DataProtectionOfficer policy).
    private static void AppendProofLinks(StringBuilder html, string? consentId)
    {
        html.Append("<section aria-labelledby=\"preuves-title\">\n<h2 id=\"preuves-title\">").Append(Text("Preuves de consentement", "Consent proofs")).Append("</h2>\n<ul>\n")
            .Append("<li><a href=\"/consent/console\">").Append(Text("Console de consentement : choix dans le temps, registre, traceurs vus, politique", "Consent console: choices over time, ledger, trackers seen, policy")).Append("</a></li>\n")
            .Append("<li><a href=\"/consent/proofs/verification\">").Append(Text("Vérifier l'intégrité du registre des preuves", "Verify the integrity of the proof ledger")).Append("</a></li>\n");
        if (consentId is not null)
        {
            html.Append("<li><a href=\"/consent/proofs/consents/").Append(Uri.EscapeDataString(consentId)).Append("\">")
                .Append(Text("Les preuves des choix faits sur ce navigateur", "The proofs of the choices made on this browser")).Append("</a></li>\n");
        }

        html.Append("</ul>\n</section>\n");
    }

    private static string Statistics(AudienceStatistics statistics)
    {
        var rows = statistics.Snapshot();
        var html = new StringBuilder();
        html.Append("<p>").Append(Text(
            "Pages vues par jour, sans rien sur les visiteurs. Ces données sont gardées 25 mois au plus ; vous pouvez vous opposer à cette mesure dans « Gérer mes cookies ».",
            "Page views per day, with nothing about the visitors. This data is kept at most 25 months; you can object to this measurement in \"Manage cookies\".")).Append("</p>\n");
        if (rows.Count == 0)
        {
            html.Append("<p>").Append(Text("Aucune page vue pour l'instant.", "No page view yet.")).Append("</p>\n");
            return html.ToString();
        }

        html.Append("<table>\n<caption>").Append(Text("Pages vues", "Page views")).Append("</caption>\n<thead><tr><th scope=\"col\">")
            .Append(Text("Jour", "Day")).Append("</th><th scope=\"col\">").Append(Text("Page", "Page")).Append("</th><th scope=\"col\">")
            .Append(Text("Vues", "Views")).Append("</th></tr></thead>\n<tbody>\n");
        foreach (var (day, path, views) in rows)
        {
            html.Append("<tr><td>").Append(day.ToString("d", CultureInfo.CurrentCulture)).Append("</td><td>").Append(Html.Encode(path))
                .Append("</td><td>").Append(views.ToString(CultureInfo.CurrentCulture)).Append("</td></tr>\n");
        }

        html.Append("</tbody>\n</table>\n");
        return html.ToString();
    }
}
