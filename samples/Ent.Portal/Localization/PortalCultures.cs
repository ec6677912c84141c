using System.Globalization;
using Ent.Consent;
using Microsoft.AspNetCore.Localization;

namespace Ent.Portal.Localization;

/// <summary>
/// French by default; the widget, the cookie page and the catalogue in every language Ent.Consent ships
/// (<see cref="LocalizedText.BuiltInCultures"/>: neutral cultures, so that <c>?culture=ar</c> and the widget's texts,
/// keyed "fr", "ar"…, match directly). The portal's own pages are written in French and English only: in another
/// language they stay in French and say so with <c>lang="fr"</c>, while the widget's elements carry their own
/// <c>lang</c> and <c>dir</c>. The language comes from the <c>.AspNetCore.Culture</c> cookie the language switch writes
/// (an essential cookie: a preference the user chose) or from <c>?culture=</c>; the browser's Accept-Language is
/// deliberately not used, so that a French portal stays French unless the user asks.
/// </summary>
internal static class PortalCultures
{
    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    /// <summary>The cultures offered, French first.</summary>
    public static readonly CultureInfo[] All = [.. LocalizedText.BuiltInCultures.Select(CultureInfo.GetCultureInfo)];

    public static void Configure(RequestLocalizationOptions options)
    {
        options.DefaultRequestCulture = new RequestCulture(French);
        options.SupportedCultures = All;
        options.SupportedUICultures = All;
        options.FallBackToParentCultures = true;
        options.FallBackToParentUICultures = true;
        options.RequestCultureProviders =
        [
            new QueryStringRequestCultureProvider(),
            new CookieRequestCultureProvider(),
        ];
    }

    /// <summary>Whether the current request is in English.</summary>
    public static bool IsEnglish => CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en";

    /// <summary>The text in the request's language: the portal's own pages exist in French and English.</summary>
    public static string Text(string french, string english) => IsEnglish ? english : french;

    /// <summary>The culture a language code from the switch stands for, or null for anything else.</summary>
    public static CultureInfo? FromCode(string? code) => All.FirstOrDefault(culture => culture.Name == code);
}
