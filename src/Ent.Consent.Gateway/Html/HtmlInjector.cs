using System.Buffers;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.Gateway.Html;

/// <summary>What the gateway adds to one page, already encoded for the page's charset.</summary>
internal sealed record InjectionParts(byte[] Head, byte[] Banner, byte[] Tail);

/// <summary>
/// Streams one HTML document through, adding the widget where a browser expects it: the head tags first in
/// <c>&lt;head&gt;</c> (after a <c>&lt;meta charset&gt;</c>, which must stay in the first 1024 bytes), the banner first in
/// <c>&lt;body&gt;</c>, the manage button and scripts before <c>&lt;/body&gt;</c>. Works on bytes, so any ASCII-compatible
/// charset passes unchanged; skips comments and the raw text of <c>script</c>, <c>style</c>, <c>textarea</c>, … so a
/// <c>&lt;/body&gt;</c> in a script string is not taken for the real one. Holds back at most one unfinished tag
/// (bounded by <c>MaxTagBytes</c>) between chunks; everything else is written as soon as it is read.
/// </summary>
internal sealed class HtmlInjector
{
    private enum Mode { Text, Comment, RawText }
    private enum HeadState { None, Open, Done }

    private static readonly string[] RawTextElements = ["script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes"];

    // Elements that may sit in <head>; any other one means the body has begun even without a <body> tag.
    private static readonly HashSet<string> HeadElements = new(StringComparer.Ordinal)
    {
        "html", "head", "title", "meta", "link", "style", "script", "base", "noscript", "template",
    };

    // Whitespace and the bytes of a UTF-8 byte order mark.
    private static ReadOnlySpan<byte> NotText => [(byte)' ', (byte)'\t', (byte)'\r', (byte)'\n', (byte)'\f', 0xEF, 0xBB, 0xBF];

    private readonly InjectionParts _parts;
    private readonly ContentBlocker? _blocker;
    private readonly int _maxTagBytes;
    private readonly ILogger _logger;
    private byte[] _carry = [];
    private int _carryLength;
    private Mode _mode;
    private string _rawTextEnd = string.Empty;
    private HeadState _head;
    private bool _bannerDone;
    private bool _tailDone;
    private long _bytesIn;

    public HtmlInjector(InjectionParts parts, ContentBlocker? blocker, int maxTagBytes, ILogger logger)
    {
        _parts = parts;
        _blocker = blocker;
        _maxTagBytes = maxTagBytes;
        _logger = logger;
    }

    /// <summary>Whether the banner went somewhere; for tests and logs.</summary>
    public bool BannerInjected => _bannerDone;

    public void Process(ReadOnlySpan<byte> chunk, IBufferWriter<byte> output)
    {
        _bytesIn += chunk.Length;
        if (_carryLength == 0)
        {
            var consumed = Scan(chunk, final: false, output);
            Keep(chunk[consumed..]);
            return;
        }

        var length = _carryLength + chunk.Length;
        var joined = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            _carry.AsSpan(0, _carryLength).CopyTo(joined);
            chunk.CopyTo(joined.AsSpan(_carryLength));
            _carryLength = 0;
            var data = joined.AsSpan(0, length);
            var consumed = Scan(data, final: false, output);
            Keep(data[consumed..]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(joined);
        }
    }

    /// <summary>The end of the document: whatever was held back, then whatever could not be placed.</summary>
    public void Complete(IBufferWriter<byte> output)
    {
        if (_carryLength > 0)
        {
            var rest = _carry.AsSpan(0, _carryLength).ToArray();
            _carryLength = 0;
            Scan(rest, final: true, output);
        }

        if (_bytesIn == 0)
        {
            // An empty body stays empty: nothing to show a banner in.
            return;
        }

        if (_head != HeadState.Done)
        {
            GatewayLog.NoHead(_logger);
            output.Write(_parts.Head);
            _head = HeadState.Done;
        }

        if (!_bannerDone)
        {
            GatewayLog.BannerAppended(_logger);
            output.Write(_parts.Banner);
            _bannerDone = true;
        }

        if (!_tailDone)
        {
            GatewayLog.NoBodyEnd(_logger);
            output.Write(_parts.Tail);
            _tailDone = true;
        }
    }

    private void Keep(ReadOnlySpan<byte> rest)
    {
        if (rest.IsEmpty)
        {
            return;
        }

        if (_carry.Length < rest.Length)
        {
            _carry = new byte[Math.Max(rest.Length, 256)];
        }

        rest.CopyTo(_carry);
        _carryLength = rest.Length;
    }

    /// <summary>Writes what can be decided now; returns how many bytes were consumed (the rest is held back).</summary>
    private int Scan(ReadOnlySpan<byte> data, bool final, IBufferWriter<byte> output)
    {
        var i = 0;
        while (i < data.Length)
        {
            switch (_mode)
            {
                case Mode.Comment:
                {
                    var end = data[i..].IndexOf("-->"u8);
                    if (end < 0)
                    {
                        var keep = final ? 0 : Math.Min(2, data.Length - i);
                        output.Write(data[i..^keep]);
                        return data.Length - keep;
                    }

                    output.Write(data.Slice(i, end + 3));
                    i += end + 3;
                    _mode = Mode.Text;
                    continue;
                }

                case Mode.RawText:
                {
                    var at = FindRawTextEnd(data, i, final, out var complete);
                    if (!complete)
                    {
                        output.Write(data[i..at]);
                        return at;
                    }

                    output.Write(data[i..at]);
                    i = at;
                    _mode = Mode.Text;
                    continue;
                }
            }

            var lt = data[i..].IndexOf((byte)'<');
            if (lt < 0)
            {
                Text(data[i..], output);
                return data.Length;
            }

            if (lt > 0)
            {
                Text(data.Slice(i, lt), output);
                i += lt;
            }

            if (data.Length - i < 4 && !final)
            {
                return i;
            }

            var next = i + 1 < data.Length ? data[i + 1] : (byte)0;
            if (next == '!' && data[i..].StartsWith("<!--"u8))
            {
                output.Write("<!--"u8);
                i += 4;
                _mode = Mode.Comment;
                continue;
            }

            if (next is (byte)'!' or (byte)'?' || (next == '/' && i + 2 < data.Length && IsAsciiLetter(data[i + 2])) || IsAsciiLetter(next))
            {
                var end = next == '/' || next == '!' || next == '?' ? IndexOfFrom(data, i + 2, (byte)'>') : FindTagEnd(data, i + 1);
                if (end < 0)
                {
                    if (!final && data.Length - i <= _maxTagBytes)
                    {
                        return i;
                    }

                    // Longer than any real tag, or cut off by the end of the page: passed on as text.
                    output.Write(data.Slice(i, 1));
                    i++;
                    continue;
                }

                var tag = data[i..(end + 1)];
                if (next == '/')
                {
                    EndTag(tag, output);
                }
                else if (next is (byte)'!' or (byte)'?')
                {
                    output.Write(tag);
                }
                else
                {
                    StartTag(tag, output);
                }

                i = end + 1;
                continue;
            }

            output.Write(data.Slice(i, 1));
            i++;
        }

        return data.Length;
    }

    private void Text(ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        // Visible text before the head is closed means the body has begun (the parser closes the head there).
        // A UTF-8 byte order mark is not text: injecting before it would push the doctype down (quirks mode).
        if (_head != HeadState.Done && text.IndexOfAnyExcept(NotText) >= 0)
        {
            output.Write(_parts.Head);
            _head = HeadState.Done;
        }

        output.Write(text);
    }

    private void StartTag(ReadOnlySpan<byte> tag, IBufferWriter<byte> output)
    {
        var name = TagName(tag[1..]);
        if (_head != HeadState.Done)
        {
            if (name == "html" && _head == HeadState.None)
            {
                output.Write(tag);
                return;
            }

            if (name == "head" && _head == HeadState.None)
            {
                output.Write(tag);
                _head = HeadState.Open;
                return;
            }

            if (name == "meta" && IsCharsetMeta(tag))
            {
                // Stays where it is: browsers only look for it in the first 1024 bytes.
                output.Write(tag);
                return;
            }

            output.Write(_parts.Head);
            _head = HeadState.Done;
        }

        if (!_bannerDone)
        {
            if (name == "body")
            {
                output.Write(tag);
                output.Write(_parts.Banner);
                _bannerDone = true;
                return;
            }

            if (!HeadElements.Contains(name))
            {
                // No <body> tag: the first element of the body opens it, so the banner goes just before it.
                output.Write(_parts.Banner);
                _bannerDone = true;
            }
        }

        if (_blocker is null || !_blocker.TryRewrite(name, tag, output))
        {
            output.Write(tag);
        }

        if (Array.IndexOf(RawTextElements, name) >= 0)
        {
            _mode = Mode.RawText;
            _rawTextEnd = name;
        }
    }

    private void EndTag(ReadOnlySpan<byte> tag, IBufferWriter<byte> output)
    {
        if (_head != HeadState.Done)
        {
            output.Write(_parts.Head);
            _head = HeadState.Done;
        }

        var name = TagName(tag[2..]);
        if (name is "body" or "html")
        {
            if (!_bannerDone)
            {
                GatewayLog.BannerAppended(_logger);
                output.Write(_parts.Banner);
                _bannerDone = true;
            }

            if (!_tailDone)
            {
                output.Write(_parts.Tail);
                _tailDone = true;
            }
        }

        output.Write(tag);
    }

    /// <summary>Where the raw text ends (the start of its end tag), or how far it can be written before more bytes come.</summary>
    private int FindRawTextEnd(ReadOnlySpan<byte> data, int from, bool final, out bool complete)
    {
        var nameLength = _rawTextEnd.Length;
        var at = from;
        while (true)
        {
            var found = data[at..].IndexOf("</"u8);
            if (found < 0)
            {
                complete = false;
                // Keep a possible "</scrip" cut at the chunk's end.
                var keep = final ? 0 : Math.Min(nameLength + 2, data.Length - from);
                return data.Length - keep;
            }

            var position = at + found;
            if (position + 2 + nameLength >= data.Length)
            {
                complete = final;
                return final ? data.Length : position;
            }

            if (EqualsIgnoreCase(data.Slice(position + 2, nameLength), _rawTextEnd) && IsTagNameEnd(data[position + 2 + nameLength]))
            {
                complete = true;
                return position;
            }

            at = position + 2;
        }
    }

    private static bool IsCharsetMeta(ReadOnlySpan<byte> tag)
        => ContainsIgnoreCase(tag, "charset"u8);

    private static int IndexOfFrom(ReadOnlySpan<byte> data, int from, byte value)
    {
        if (from >= data.Length)
        {
            return -1;
        }

        var found = data[from..].IndexOf(value);
        return found < 0 ? -1 : from + found;
    }

    /// <summary>The '&gt;' that ends a start tag, skipping quoted attribute values; -1 when not in <paramref name="data"/>.</summary>
    internal static int FindTagEnd(ReadOnlySpan<byte> data, int from)
    {
        byte quote = 0;
        byte previous = 0;
        for (var j = from; j < data.Length; j++)
        {
            var c = data[j];
            if (quote != 0)
            {
                if (c == quote)
                {
                    quote = 0;
                    previous = c;
                }

                continue;
            }

            if (c == '>')
            {
                return j;
            }

            if (c is (byte)'"' or (byte)'\'' && previous == '=')
            {
                quote = c;
                continue;
            }

            if (c is not ((byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f'))
            {
                previous = c;
            }
        }

        return -1;
    }

    /// <summary>A tag's name in lower case, from the byte after '&lt;' or '&lt;/'.</summary>
    internal static string TagName(ReadOnlySpan<byte> from)
    {
        var length = 0;
        while (length < from.Length && length < 16 && !IsTagNameEnd(from[length]))
        {
            length++;
        }

        return KnownName(from[..length]);
    }

    private static readonly string[] KnownNames =
    [
        "html", "head", "body", "meta", "title", "link", "style", "script", "base", "noscript", "template", "iframe",
        "img", "textarea", "xmp", "noembed", "noframes", "div", "p", "a", "span",
    ];

    private static string KnownName(ReadOnlySpan<byte> name)
    {
        // The usual names without allocating; others are rare enough.
        foreach (var known in KnownNames)
        {
            if (EqualsIgnoreCase(name, known))
            {
                return known;
            }
        }

        Span<char> chars = stackalloc char[name.Length];
        for (var k = 0; k < name.Length; k++)
        {
            chars[k] = (char)(name[k] is >= (byte)'A' and <= (byte)'Z' ? name[k] + 32 : name[k]);
        }

        return new string(chars);
    }

    internal static bool EqualsIgnoreCase(ReadOnlySpan<byte> bytes, string ascii)
    {
        if (bytes.Length != ascii.Length)
        {
            return false;
        }

        for (var k = 0; k < bytes.Length; k++)
        {
            var b = bytes[k];
            if (b is >= (byte)'A' and <= (byte)'Z')
            {
                b += 32;
            }

            if (b != ascii[k])
            {
                return false;
            }
        }

        return true;
    }

    private static bool ContainsIgnoreCase(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> lowerNeedle)
    {
        for (var k = 0; k + lowerNeedle.Length <= haystack.Length; k++)
        {
            var match = true;
            for (var m = 0; m < lowerNeedle.Length; m++)
            {
                var b = haystack[k + m];
                if (b is >= (byte)'A' and <= (byte)'Z')
                {
                    b += 32;
                }

                if (b != lowerNeedle[m])
                {
                    match = false;
                    break;
                }
            }

            if (match)
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsAsciiLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsTagNameEnd(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f' or (byte)'/' or (byte)'>';
}
