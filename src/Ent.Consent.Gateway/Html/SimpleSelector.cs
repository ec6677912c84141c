using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace Ent.Consent.Gateway.Html;

/// <summary>
/// The small selector language of <c>Gateway:Block</c>: <c>tag#id.class[attr]</c>, <c>[attr=value]</c>, <c>^=</c>,
/// <c>*=</c>, <c>$=</c>, values quoted or not. No combinators: it is matched against one tag as it streams past.
/// </summary>
internal sealed partial class SimpleSelector
{
    private string? _tag;
    private readonly List<(string Name, string Operator, string? Value)> _attributes = [];

    [GeneratedRegex("""\G(?:(?<tag>[a-zA-Z][a-zA-Z0-9-]*)|\#(?<id>[\w-]+)|\.(?<class>[\w-]+)|\[\s*(?<attr>[\w:-]+)\s*(?:(?<op>[\^\*\$]?=)\s*(?:"(?<value>[^"]*)"|'(?<value>[^']*)'|(?<value>[^\]\s]+))\s*)?\])""")]
    private static partial Regex Part();

    public static bool TryParse(string text, [NotNullWhen(true)] out SimpleSelector? selector)
    {
        selector = new SimpleSelector();
        var position = 0;
        text = text.Trim();
        while (position < text.Length)
        {
            var match = Part().Match(text, position);
            if (!match.Success || match.Length == 0)
            {
                selector = null;
                return false;
            }

            if (match.Groups["tag"].Success)
            {
                if (position != 0)
                {
                    selector = null;
                    return false;
                }

                selector._tag = match.Groups["tag"].Value.ToLowerInvariant();
            }
            else if (match.Groups["id"].Success)
            {
                selector._attributes.Add(("id", "=", match.Groups["id"].Value));
            }
            else if (match.Groups["class"].Success)
            {
                selector._attributes.Add(("class", "~=", match.Groups["class"].Value));
            }
            else
            {
                selector._attributes.Add((match.Groups["attr"].Value.ToLowerInvariant(), match.Groups["op"].Success ? match.Groups["op"].Value : string.Empty,
                    match.Groups["value"].Success ? match.Groups["value"].Value : null));
            }

            position += match.Length;
        }

        if (selector._tag is null && selector._attributes.Count == 0)
        {
            selector = null;
            return false;
        }

        return true;
    }

    public bool Matches(string tagName, ReadOnlySpan<byte> tag, List<TagAttribute> attributes)
    {
        if (_tag is not null && _tag != tagName)
        {
            return false;
        }

        foreach (var (name, op, expected) in _attributes)
        {
            var index = TagAttributes.Find(attributes, tag, name);
            if (index < 0)
            {
                return false;
            }

            if (op.Length == 0)
            {
                continue;
            }

            var value = TagAttributes.Value(tag, attributes[index]);
            var ok = op switch
            {
                "=" => value == expected,
                "~=" => value.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains(expected),
                "^=" => value.StartsWith(expected!, StringComparison.Ordinal),
                "$=" => value.EndsWith(expected!, StringComparison.Ordinal),
                "*=" => value.Contains(expected!, StringComparison.Ordinal),
                _ => false,
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }
}
