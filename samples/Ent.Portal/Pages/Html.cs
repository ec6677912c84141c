using System.Text.Encodings.Web;
using System.Text.Unicode;

namespace Ent.Portal.Pages;

/// <summary>HTML encoding that keeps accented letters readable in the page source.</summary>
internal static class Html
{
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    public static string Encode(string? text) => Encoder.Encode(text ?? string.Empty);
}
