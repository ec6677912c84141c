using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace Ent.Portal.Localization;

/// <summary>
/// French by default, English on request (neutral cultures, so that <c>?culture=en</c> and the
/// widget's texts, keyed "fr" and "en", match directly). The language comes from the <c>.AspNetCore.Culture</c> cookie the
/// language switch writes (an essential cookie: a preference the user chose) or from <c>?culture=</c>; the
/// browser's Accept-Language is deliberately not used, so that a French portal stays French unless the user asks.
/// </summary>
internal static class PortalCultures
{
    public static readonly CultureInfo French = CultureInfo.GetCultureInfo("fr");
    public static readonly CultureInfo English = CultureInfo.GetCultureInfo("en");

    public static void Configure(RequestLocalizationOptions options)
    {
        CultureInfo[] cultures = [French, English];
        options.DefaultRequestCulture = new RequestCulture(French);
        options.SupportedCultures = cultures;
        options.SupportedUICultures = cultures;
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

    /// <summary>The text in the request's language.</summary>
    public static string Text(string french, string english) => IsEnglish ? english : french;

    /// <summary>The culture a language code from the switch stands for, or null for anything else.</summary>
    public static CultureInfo? FromCode(string? code) => code switch
    {
        "fr" => French,
        "en" => English,
        _ => null,
    };
}
