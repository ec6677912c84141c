using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Ent.Consent.Widget.Console;

/// <summary>Server-rendered SVG bar charts: no script, colours named in a legend and every figure in the table beside.</summary>
internal static class ConsoleCharts
{
    // Three colours that keep a 3:1 contrast against white and between neighbours (WCAG 1.4.11).
    public const string GrantedColour = "#1d4f91";
    public const string RefusedColour = "#b5451b";
    public const string WithdrawnColour = "#5c5c5c";

    private const int Width = 640;
    private const int Height = 200;
    private const int Left = 48;
    private const int Bottom = 24;

    public static void Stacked(StringBuilder html, string id, string title, IReadOnlyList<ChoiceBucket> buckets, ConsoleTexts texts)
    {
        var max = Math.Max(1, buckets.Count == 0 ? 1 : buckets.Max(static b => b.Total));
        var plotWidth = Width - Left - 8;
        var plotHeight = Height - Bottom - 8;
        var slot = buckets.Count == 0 ? plotWidth : (double)plotWidth / buckets.Count;
        var bar = Math.Max(1, slot * 0.8);
        html.Append("<svg class=\"ecc-chart\" id=\"").Append(id).Append("\" role=\"img\" aria-labelledby=\"").Append(id).Append("-title\" viewBox=\"0 0 ")
            .Append(Width).Append(' ').Append(Height).Append("\" width=\"100%\" preserveAspectRatio=\"xMinYMin meet\" data-buckets=\"").Append(buckets.Count).Append("\">")
            .Append("<title id=\"").Append(id).Append("-title\">").Append(HtmlEncoder.Default.Encode(title)).Append("</title>");
        // Axis and its top value.
        html.Append("<line x1=\"").Append(Left).Append("\" y1=\"8\" x2=\"").Append(Left).Append("\" y2=\"").Append(Height - Bottom).Append("\" stroke=\"#6b6b6b\"/>")
            .Append("<line x1=\"").Append(Left).Append("\" y1=\"").Append(Height - Bottom).Append("\" x2=\"").Append(Width - 8).Append("\" y2=\"").Append(Height - Bottom).Append("\" stroke=\"#6b6b6b\"/>")
            .Append("<text x=\"").Append(Left - 4).Append("\" y=\"16\" text-anchor=\"end\" font-size=\"11\" fill=\"#1e1e1e\">").Append(max.ToString("N0", CultureInfo.InvariantCulture)).Append("</text>")
            .Append("<text x=\"").Append(Left - 4).Append("\" y=\"").Append(Height - Bottom).Append("\" text-anchor=\"end\" font-size=\"11\" fill=\"#1e1e1e\">0</text>");
        for (var i = 0; i < buckets.Count; i++)
        {
            var bucket = buckets[i];
            var x = Left + (i * slot) + ((slot - bar) / 2);
            var y = (double)(Height - Bottom);
            y = Segment(html, x, y, bar, bucket.Granted, max, plotHeight, GrantedColour, "granted");
            y = Segment(html, x, y, bar, bucket.Refused, max, plotHeight, RefusedColour, "refused");
            Segment(html, x, y, bar, bucket.Withdrawn, max, plotHeight, WithdrawnColour, "withdrawn");
        }

        if (buckets.Count > 0)
        {
            html.Append("<text x=\"").Append(Left).Append("\" y=\"").Append(Height - 6).Append("\" font-size=\"11\" fill=\"#1e1e1e\">").Append(ConsoleFilter.Iso(buckets[0].Start)).Append("</text>")
                .Append("<text x=\"").Append(Width - 8).Append("\" y=\"").Append(Height - 6).Append("\" text-anchor=\"end\" font-size=\"11\" fill=\"#1e1e1e\">").Append(ConsoleFilter.Iso(buckets[^1].Start)).Append("</text>");
        }

        html.Append("</svg>");
        Legend(html, texts);
    }

    public static void Legend(StringBuilder html, ConsoleTexts texts)
    {
        html.Append("<ul class=\"ecc-legend\" aria-hidden=\"true\">");
        Key(html, GrantedColour, texts.Granted);
        Key(html, RefusedColour, texts.Refused);
        Key(html, WithdrawnColour, texts.Withdrawn);
        html.Append("</ul>");
    }

    private static void Key(StringBuilder html, string colour, string label)
        => html.Append("<li><svg width=\"12\" height=\"12\" aria-hidden=\"true\" focusable=\"false\"><rect width=\"12\" height=\"12\" fill=\"").Append(colour).Append("\"/></svg> ")
            .Append(HtmlEncoder.Default.Encode(label)).Append("</li>");

    private static double Segment(StringBuilder html, double x, double bottom, double width, long value, long max, int plotHeight, string colour, string kind)
    {
        if (value == 0)
        {
            return bottom;
        }

        var height = Math.Max(1, (double)value / max * plotHeight);
        var top = bottom - height;
        html.Append("<rect class=\"ecc-").Append(kind).Append("\" x=\"").Append(F(x)).Append("\" y=\"").Append(F(top)).Append("\" width=\"").Append(F(width))
            .Append("\" height=\"").Append(F(height)).Append("\" fill=\"").Append(colour).Append("\"/>");
        return top;
    }

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
