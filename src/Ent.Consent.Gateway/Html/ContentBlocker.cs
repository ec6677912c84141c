using System.Buffers;
using Ent.Consent.AspNetCore;

namespace Ent.Consent.Gateway.Html;

/// <summary>
/// Turns a <c>&lt;script src&gt;</c>, <c>&lt;iframe src&gt;</c> or <c>&lt;img src&gt;</c> of a service that is not allowed
/// for this request into the widget's blocked form (docs/widget.md "Blocked content"): a script becomes
/// <c>type="text/plain" data-ent-consent="id"</c>, a frame or image keeps its address in <c>data-src</c> only, and a
/// frame is hidden behind the widget's placeholder (<c>IConsentWidget.RenderPlaceholder</c>: who hosts it, why it is
/// blocked, a form that allows it and a link to the preferences page), so it works without JavaScript too. Content already
/// marked <c>data-ent-consent</c> is the portal's own business and left alone.
/// </summary>
internal sealed class ContentBlocker
{
    private readonly GatewayRules _rules;
    private readonly IConsentFeature _consent;
    private readonly Func<string, string> _placeholder;
    private readonly bool _asciiOnly;

    /// <param name="rules">Which service an element belongs to.</param>
    /// <param name="consent">The request's consent.</param>
    /// <param name="placeholder">The widget's placeholder (<c>IConsentWidget.RenderPlaceholder</c>) of a service not allowed now.</param>
    /// <param name="asciiOnly">Whether the page's charset is not UTF-8, so non-ASCII text goes as character references.</param>
    public ContentBlocker(GatewayRules rules, IConsentFeature consent, Func<string, string> placeholder, bool asciiOnly)
    {
        _rules = rules;
        _consent = consent;
        _placeholder = placeholder;
        _asciiOnly = asciiOnly;
    }

    /// <summary>How many elements were blocked in this page.</summary>
    public int Blocked { get; private set; }

    public bool TryRewrite(string name, ReadOnlySpan<byte> tag, IBufferWriter<byte> output)
    {
        if (name is not ("script" or "iframe" or "img"))
        {
            return false;
        }

        var attributes = TagAttributes.Parse(tag);
        var src = TagAttributes.Find(attributes, tag, "src");
        if (src < 0 || TagAttributes.Find(attributes, tag, "data-ent-consent") >= 0)
        {
            return false;
        }

        var type = TagAttributes.Find(attributes, tag, "type");
        if (name == "script" && type >= 0 && !IsScriptType(TagAttributes.Value(tag, attributes[type])))
        {
            return false;
        }

        var service = _rules.ServiceFor(_consent.Policy, name, tag, attributes, TagAttributes.Value(tag, attributes[src]));
        if (service is null || _consent.IsAllowed(service.Id))
        {
            return false;
        }

        Blocked++;
        var marker = $" data-ent-consent=\"{service.Id}\"";
        if (name == "iframe")
        {
            WriteAscii(output, Placeholder(service));
            marker += " hidden";
        }
        else if (name == "script")
        {
            marker = " type=\"text/plain\"" + marker;
        }

        // "<name" + marker, then the attributes with src (and type, srcset) renamed to data-*.
        var nameEnd = 1 + name.Length;
        output.Write(tag[..nameEnd]);
        WriteAscii(output, marker);
        var position = nameEnd;
        foreach (var attribute in attributes)
        {
            var attributeName = tag.Slice(attribute.NameStart, attribute.NameLength);
            // A text/plain script keeps its src (nothing loads it); the widget copies it back when allowed.
            var rename = (name != "script" && HtmlInjector.EqualsIgnoreCase(attributeName, "src"))
                || (name == "script" && HtmlInjector.EqualsIgnoreCase(attributeName, "type"))
                || (name == "img" && HtmlInjector.EqualsIgnoreCase(attributeName, "srcset"));
            if (rename)
            {
                output.Write(tag[position..attribute.NameStart]);
                output.Write("data-"u8);
                position = attribute.NameStart;
            }
        }

        output.Write(tag[position..]);
        return true;
    }

    private string Placeholder(ServiceDefinition service) => _placeholder(service.Id);

    private void WriteAscii(IBufferWriter<byte> output, string text)
        => output.Write(PageText.Encode(text, _asciiOnly));

    private static bool IsScriptType(string type)
        => type.Length == 0
            || type.Equals("module", StringComparison.OrdinalIgnoreCase)
            || type.Contains("javascript", StringComparison.OrdinalIgnoreCase)
            || type.Contains("ecmascript", StringComparison.OrdinalIgnoreCase);
}
