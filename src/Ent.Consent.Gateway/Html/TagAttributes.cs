namespace Ent.Consent.Gateway.Html;

/// <summary>One attribute of a start tag, as offsets into the tag's bytes (value without its quotes).</summary>
internal readonly record struct TagAttribute(int NameStart, int NameLength, int ValueStart, int ValueLength, bool HasValue);

/// <summary>Reads the attributes of a start tag the way the HTML tokenizer does (names lower-cased when compared).</summary>
internal static class TagAttributes
{
    public static List<TagAttribute> Parse(ReadOnlySpan<byte> tag)
    {
        var attributes = new List<TagAttribute>(6);
        var i = 1;
        while (i < tag.Length && !IsSpace(tag[i]) && tag[i] is not ((byte)'/' or (byte)'>'))
        {
            i++;
        }

        while (i < tag.Length)
        {
            while (i < tag.Length && (IsSpace(tag[i]) || tag[i] == '/'))
            {
                i++;
            }

            if (i >= tag.Length || tag[i] == '>')
            {
                break;
            }

            var nameStart = i;
            while (i < tag.Length && !IsSpace(tag[i]) && tag[i] is not ((byte)'/' or (byte)'>' or (byte)'='))
            {
                i++;
            }

            var nameLength = i - nameStart;
            while (i < tag.Length && IsSpace(tag[i]))
            {
                i++;
            }

            if (i >= tag.Length || tag[i] != '=')
            {
                attributes.Add(new TagAttribute(nameStart, nameLength, i, 0, HasValue: false));
                continue;
            }

            i++;
            while (i < tag.Length && IsSpace(tag[i]))
            {
                i++;
            }

            if (i < tag.Length && tag[i] is (byte)'"' or (byte)'\'')
            {
                var quote = tag[i];
                var valueStart = ++i;
                while (i < tag.Length && tag[i] != quote)
                {
                    i++;
                }

                attributes.Add(new TagAttribute(nameStart, nameLength, valueStart, i - valueStart, HasValue: true));
                i++;
            }
            else
            {
                var valueStart = i;
                while (i < tag.Length && !IsSpace(tag[i]) && tag[i] != '>')
                {
                    i++;
                }

                attributes.Add(new TagAttribute(nameStart, nameLength, valueStart, i - valueStart, HasValue: true));
            }
        }

        return attributes;
    }

    public static int Find(List<TagAttribute> attributes, ReadOnlySpan<byte> tag, string name)
    {
        for (var k = 0; k < attributes.Count; k++)
        {
            if (HtmlInjector.EqualsIgnoreCase(tag.Slice(attributes[k].NameStart, attributes[k].NameLength), name))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>An attribute's value as text (character references other than &amp;amp; are left as they are).</summary>
    public static string Value(ReadOnlySpan<byte> tag, TagAttribute attribute)
        => System.Text.Encoding.Latin1.GetString(tag.Slice(attribute.ValueStart, attribute.ValueLength)).Replace("&amp;", "&", StringComparison.Ordinal).Trim();

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f';
}
