using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Ent.Consent.Widget;

/// <summary>
/// Markup already encoded, kept as the parts it was made of: a page (or the gateway) writes them one after the other
/// instead of first joining several kilobytes into one more string. <see cref="ToString"/> joins them, as
/// <see cref="HtmlString"/> gives its value.
/// </summary>
internal sealed class HtmlParts(string[] parts) : IHtmlContent
{
    public void WriteTo(TextWriter writer, HtmlEncoder encoder)
    {
        ArgumentNullException.ThrowIfNull(writer);
        foreach (var part in parts)
        {
            writer.Write(part);
        }
    }

    public override string ToString() => string.Concat(parts);
}
