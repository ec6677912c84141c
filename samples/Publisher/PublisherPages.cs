using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Ent.Consent.Widget;

namespace Publisher;

/// <summary>The publisher's pages, rendered as plain HTML with the consent widget's pieces in place.</summary>
internal static class PublisherPages
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static void Map(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/", (HttpContext context, IConsentWidget widget) => Page(context, widget, T("Manuel numérique de sciences", "Science digital textbook"),
            "<p>" + T("Choisissez un chapitre. Ce site d'éditeur est ouvert depuis l'ENT mais reste son propre responsable de traitement : il a son propre bandeau et ses propres choix.",
                "Pick a chapter. This publisher's site is opened from the ENT but is its own controller: it has its own banner and its own choices.") + "</p>\n"
            + "<ul><li><a href=\"/chapitre/1\">" + T("Chapitre 1 : la matière", "Chapter 1: matter") + "</a></li>"
            + "<li><a href=\"/chapitre/2\">" + T("Chapitre 2 : l'énergie", "Chapter 2: energy") + "</a></li></ul>\n"));

        endpoints.MapGet("/chapitre/{number:int:range(1,2)}", (HttpContext context, IConsentWidget widget, int number) =>
            Page(context, widget, string.Format(CultureInfo.InvariantCulture, T("Chapitre {0}", "Chapter {0}"), number),
                "<p>" + T("La vidéo du chapitre est hébergée par Vimeo ; elle ne se charge qu'avec votre accord.",
                    "The chapter's video is hosted by Vimeo; it loads only with your agreement.") + "</p>\n"
                + "<iframe data-ent-consent=\"vimeo\" data-src=\"https://player.vimeo.com/video/76979871\" title=\""
                + T("Vidéo du chapitre (Vimeo)", "Chapter video (Vimeo)") + "\" width=\"640\" height=\"360\" allowfullscreen></iframe>\n"));

        endpoints.MapGet("/cookies", (HttpContext context, IConsentWidget widget) =>
            Page(context, widget, T("Cookies et traceurs", "Cookies and trackers"), widget.RenderCookiePage(context, headingLevel: 2).ToString()!));
    }

    private static IResult Page(HttpContext context, IConsentWidget widget, string title, string main)
    {
        var html = new StringBuilder(4096)
            .Append("<!doctype html>\n<html lang=\"").Append(IsEnglish ? "en" : "fr").Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>").Append(Encoder.Encode(title))
            .Append(" – Éditions Exemple</title>\n").Append(widget.RenderHeadTags(context)).Append("\n</head>\n<body>\n")
            .Append(widget.RenderBanner(context))
            .Append("\n<header><p><a href=\"/\">Éditions Exemple</a></p></header>\n<main>\n<h1>").Append(Encoder.Encode(title)).Append("</h1>\n")
            .Append(main)
            .Append("</main>\n<footer><a href=\"/cookies\">").Append(T("Cookies et traceurs", "Cookies and trackers")).Append("</a> ")
            .Append(widget.RenderManageButton(context)).Append("</footer>\n")
            .Append(widget.RenderScriptTags(context)).Append("\n</body>\n</html>\n");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    private static string T(string french, string english) => IsEnglish ? english : french;
}
