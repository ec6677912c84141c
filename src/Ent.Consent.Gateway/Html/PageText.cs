using System.Globalization;
using System.Text;

namespace Ent.Consent.Gateway.Html;

/// <summary>
/// Encodes what the gateway injects for the page's charset. A UTF-8 page gets UTF-8; any other page gets pure ASCII,
/// every other character as a numeric character reference, which means the same thing in every ASCII-compatible
/// charset (ISO-8859-1, windows-1252, …) without the gateway having to know which one the browser will pick. The
/// widget's JSON blocks are already ASCII (non-ASCII escaped as <c>\uXXXX</c>), so no reference lands in script text.
/// </summary>
internal static class PageText
{
    public static byte[] Encode(string html, bool asciiOnly)
    {
        if (!asciiOnly || Ascii.IsValid(html))
        {
            return Encoding.UTF8.GetBytes(html);
        }

        var text = new StringBuilder(html.Length + 64);
        for (var i = 0; i < html.Length; i++)
        {
            var c = html[i];
            if (c < 0x80)
            {
                text.Append(c);
                continue;
            }

            var codePoint = char.IsHighSurrogate(c) && i + 1 < html.Length ? char.ConvertToUtf32(c, html[++i]) : c;
            text.Append("&#x").Append(codePoint.ToString("X", CultureInfo.InvariantCulture)).Append(';');
        }

        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>
    /// Whether the gateway can inject into a page of this charset: every ASCII-compatible one can; UTF-16 and UTF-32
    /// (and anything .NET does not know as ASCII-compatible) cannot, and are passed through untouched.
    /// </summary>
    public static bool IsAsciiCompatible(string? charset)
    {
        if (string.IsNullOrEmpty(charset))
        {
            return true;
        }

        var name = charset.Trim().Trim('"').ToLowerInvariant();
        return !(name.StartsWith("utf-16", StringComparison.Ordinal) || name.StartsWith("utf-32", StringComparison.Ordinal)
            || name.StartsWith("ucs-", StringComparison.Ordinal) || name is "unicode" or "unicodefffe" or "utf-7");
    }

    public static bool IsUtf8(string? charset)
        => charset is not null && charset.Trim().Trim('"').ToLowerInvariant() is "utf-8" or "utf8";
}
