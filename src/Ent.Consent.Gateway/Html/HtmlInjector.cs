using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.Gateway.Html;

/// <summary>
/// What the gateway adds to one page, already encoded for the page's charset. For a UTF-8 page the widget's markup is
/// written straight into one rented buffer, given back by <see cref="Dispose"/>: the same 10-15 KB would otherwise be
/// joined into strings and then copied again for every page.
/// </summary>
internal sealed class InjectionParts : IDisposable
{
    private PooledBufferWriter? _buffer;

    public InjectionParts(byte[] head, byte[] banner, byte[] tail)
    {
        Head = head;
        Banner = banner;
        Tail = tail;
    }

    private InjectionParts(PooledBufferWriter buffer, int headEnd, int bannerEnd)
    {
        _buffer = buffer;
        var written = buffer.WrittenMemory;
        Head = written[..headEnd];
        Banner = written[headEnd..bannerEnd];
        Tail = written[bannerEnd..];
    }

    /// <summary>The parts of one page; the tail is the manage button followed by the script tags.</summary>
    public static InjectionParts Render(IHtmlContent head, IHtmlContent banner, IHtmlContent manageButton, IHtmlContent scripts, bool asciiOnly)
    {
        if (asciiOnly)
        {
            // Another charset: anything outside ASCII becomes a character reference (rare, so strings are fine).
            return new InjectionParts(
                PageText.Encode(Text(head), asciiOnly: true),
                PageText.Encode(Text(banner), asciiOnly: true),
                PageText.Encode(Text(manageButton) + Text(scripts), asciiOnly: true));
        }

        var buffer = new PooledBufferWriter(16 * 1024);
        using var writer = new Utf8Writer(buffer);
        head.WriteTo(writer, HtmlEncoder.Default);
        writer.Flush();
        var headEnd = buffer.WrittenCount;
        banner.WriteTo(writer, HtmlEncoder.Default);
        writer.Flush();
        var bannerEnd = buffer.WrittenCount;
        manageButton.WriteTo(writer, HtmlEncoder.Default);
        scripts.WriteTo(writer, HtmlEncoder.Default);
        writer.Flush();
        return new InjectionParts(buffer, headEnd, bannerEnd);
    }

    public ReadOnlyMemory<byte> Head { get; }

    public ReadOnlyMemory<byte> Banner { get; }

    public ReadOnlyMemory<byte> Tail { get; }

    public void Dispose()
    {
        _buffer?.Dispose();
        _buffer = null;
    }

    private static string Text(IHtmlContent content)
    {
        using var writer = new StringWriter();
        content.WriteTo(writer, HtmlEncoder.Default);
        return writer.ToString();
    }

    /// <summary>A <see cref="TextWriter"/> that encodes what it is given to UTF-8, straight into a buffer.</summary>
    private sealed class Utf8Writer(IBufferWriter<byte> output) : TextWriter
    {
        private readonly Encoder _encoder = Encoding.UTF8.GetEncoder();

        public override Encoding Encoding => Encoding.UTF8;

        public override void Write(char value) => Write(new ReadOnlySpan<char>(in value));

        public override void Write(string? value) => Write(value.AsSpan());

        public override void Write(char[] buffer, int index, int count) => Write(buffer.AsSpan(index, count));

        public override void Write(ReadOnlySpan<char> buffer)
        {
            while (!buffer.IsEmpty)
            {
                var span = output.GetSpan(Math.Min(buffer.Length, 4096) * 3);
                _encoder.Convert(buffer, span, flush: false, out var charsUsed, out var bytesUsed, out _);
                output.Advance(bytesUsed);
                buffer = buffer[charsUsed..];
            }
        }

        // Ends a part: a surrogate pair cannot be left half-written between two parts.
        public override void Flush()
        {
            var span = output.GetSpan(8);
            _encoder.Convert([], span, flush: true, out _, out var bytesUsed, out _);
            output.Advance(bytesUsed);
        }
    }
}

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

    // Whitespace and the bytes of a UTF-8 byte order mark.
    private static ReadOnlySpan<byte> NotText => [(byte)' ', (byte)'\t', (byte)'\r', (byte)'\n', (byte)'\f', 0xEF, 0xBB, 0xBF];

    private readonly InjectionParts _parts;
    private readonly ContentBlocker? _blocker;
    private readonly int _maxTagBytes;
    private readonly ILogger _logger;
    private readonly Func<string, string>? _extendPolicy;
    private byte[] _carry = [];
    private int _carryLength;
    private Mode _mode;
    private string _rawTextEnd = string.Empty;
    private HeadState _head;
    private bool _bannerDone;
    private bool _tailDone;
    private long _bytesIn;

    /// <param name="parts">The widget's parts for this page.</param>
    /// <param name="blocker">Holds unmarked content of services not allowed; null when no rule applies.</param>
    /// <param name="maxTagBytes">The longest tag held back between chunks.</param>
    /// <param name="logger">Where the injector says what it could not place.</param>
    /// <param name="extendPolicy">
    /// Extends a Content-Security-Policy for the widget, as the header policies are: applied to a
    /// <c>&lt;meta http-equiv="Content-Security-Policy"&gt;</c> of the page, which governs what follows it.
    /// </param>
    public HtmlInjector(InjectionParts parts, ContentBlocker? blocker, int maxTagBytes, ILogger logger, Func<string, string>? extendPolicy = null)
    {
        _parts = parts;
        _blocker = blocker;
        _maxTagBytes = maxTagBytes;
        _logger = logger;
        _extendPolicy = extendPolicy;
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
            output.Write(_parts.Head.Span);
            _head = HeadState.Done;
        }

        if (!_bannerDone)
        {
            GatewayLog.BannerAppended(_logger);
            output.Write(_parts.Banner.Span);
            _bannerDone = true;
        }

        if (!_tailDone)
        {
            GatewayLog.NoBodyEnd(_logger);
            output.Write(_parts.Tail.Span);
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
    /// <remarks>
    /// What passes unchanged is written in runs (<c>written</c> is where the unwritten run starts), one copy per
    /// insertion or rewrite rather than one per tag: most of a page is text and tags that go through as they are.
    /// </remarks>
    private int Scan(ReadOnlySpan<byte> data, bool final, IBufferWriter<byte> output)
    {
        var i = 0;
        var written = 0;
        var index = new MarkupIndex(data);
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
                        return Flush(data, ref written, data.Length - keep, output);
                    }

                    i += end + 3;
                    _mode = Mode.Text;
                    continue;
                }

                case Mode.RawText:
                {
                    var at = FindRawTextEnd(data, i, final, out var complete);
                    if (!complete)
                    {
                        return Flush(data, ref written, at, output);
                    }

                    i = at;
                    _mode = Mode.Text;
                    continue;
                }
            }

            var lt = _head == HeadState.Done && _bannerDone ? SkipInertTags(data, i, ref index) : index.NextLessThan(i);
            if (lt < 0)
            {
                Text(data, i, data.Length, ref written, output);
                return Flush(data, ref written, data.Length, output);
            }

            if (lt > i)
            {
                if (_head != HeadState.Done)
                {
                    Text(data, i, lt, ref written, output);
                }

                i = lt;
            }

            if (data.Length - i < 4 && !final)
            {
                return Flush(data, ref written, i, output);
            }

            var next = i + 1 < data.Length ? data[i + 1] : (byte)0;
            if (next == '!' && data[i..].StartsWith("<!--"u8))
            {
                i += 4;
                _mode = Mode.Comment;
                continue;
            }

            if (next is (byte)'!' or (byte)'?' || (next == '/' && i + 2 < data.Length && IsAsciiLetter(data[i + 2])) || IsAsciiLetter(next))
            {
                var end = next == '/' || next == '!' || next == '?' ? index.NextGreaterThan(i + 2) : FindTagEnd(data, i + 1, ref index);
                if (end < 0)
                {
                    if (!final && data.Length - i <= _maxTagBytes)
                    {
                        return Flush(data, ref written, i, output);
                    }

                    // Longer than any real tag, or cut off by the end of the page: passed on as text.
                    i++;
                    continue;
                }

                if (next == '/')
                {
                    // Once the widget's tail is in, end tags change nothing; before, only </body> and </html> do (two
                    // letters tell them from </h2> or </b>: data[i + 3] exists, since the tag's '>' is at or after it).
                    if (!_tailDone && (_head != HeadState.Done || IsBodyOrHtmlStart(data[i + 2], data[i + 3])))
                    {
                        EndTag(data, i, end, ref written, output);
                    }
                }
                else if (next is not ((byte)'!' or (byte)'?'))
                {
                    // Most tags of a page are none of those the injector acts on: once the head tags and the banner are
                    // in, such a tag needs nothing more than its name, and not even that when no element the injector
                    // knows starts with its first letter (<p>, <div>, <a>, <li>, …).
                    var placing = _head != HeadState.Done || !_bannerDone;
                    if (placing || IsFirstLetterOf(KnownTagFirstLetters, next))
                    {
                        var name = TagOf(data[(i + 1)..(end + 1)]);
                        if (name != Tag.Other || placing)
                        {
                            StartTag(data, i, end, name, ref written, output);
                        }
                    }
                }

                i = end + 1;
                continue;
            }

            i++;
        }

        return Flush(data, ref written, data.Length, output);
    }

    /// <summary>
    /// Once the head tags and the banner are in, most of a page is tags nothing is done with: skips them, from
    /// <paramref name="i"/> in text, and returns the first '&lt;' the loop of <see cref="Scan"/> must look at (a comment, an
    /// element the injector acts on, <c>&lt;/body&gt;</c> before the tail, a tag not ended in <paramref name="data"/>, the
    /// last bytes), or -1 when no '&lt;' is left.
    /// </summary>
    /// <remarks>
    /// Decides every tag exactly as that loop does; it only leaves out what does not apply any more (the head and banner
    /// checks, the mode), which on a page of short tags cost as much as finding the tags.
    /// </remarks>
    private int SkipInertTags(ReadOnlySpan<byte> data, int i, ref MarkupIndex index)
    {
        var endTagsMatter = !_tailDone;
        var last = data.Length - 4;
        // Whole blocks, clear of the last bytes (which the walk may keep for the next chunk).
        var plainLimit = data.Length - 8;
        var plainFrom = i;
        while (true)
        {
            if (i >= plainFrom && (i & ~(PlainTagBlocks.BlockSize - 1)) + PlainTagBlocks.BlockSize <= plainLimit)
            {
                var at = SkipPlainTags(data, i, plainLimit, endTagsMatter, out var acted);
                if (acted)
                {
                    return at;
                }

                // Markup that is not plain: walked tag by tag up to the next block.
                i = at;
                plainFrom = (at & ~(PlainTagBlocks.BlockSize - 1)) + PlainTagBlocks.BlockSize;
            }

            var lt = index.NextLessThan(i);
            if (lt < 0 || lt > last)
            {
                return lt;
            }

            if (IsActedOnPastBanner(data, lt, endTagsMatter))
            {
                return lt;
            }

            var next = data[lt + 1];
            if (IsAsciiLetter(next) || (next == '/' && IsAsciiLetter(data[lt + 2])))
            {
                var end = next == '/' ? index.NextGreaterThan(lt + 2) : FindTagEnd(data, lt + 1, ref index);
                if (end < 0)
                {
                    // A tag not ended in the data is decided by Scan, which sees its end is missing.
                    return lt;
                }

                i = end + 1;
            }
            else
            {
                i = lt + 1;
            }
        }
    }

    /// <summary>
    /// Skips plain tags (<see cref="PlainTagBlocks"/>) from <paramref name="i"/>, in text, in whole blocks ending by
    /// <paramref name="limit"/>. Returns the first '&lt;' of an element acted on (<paramref name="acted"/>), else where
    /// the tag-by-tag walk must take over: a tag that is not plain, a '&gt;' in text, or the end of the blocks.
    /// </summary>
    private int SkipPlainTags(ReadOnlySpan<byte> data, int i, int limit, bool endTagsMatter, out bool acted)
    {
        var blocks = new PlainTagBlocks();
        var block = i & ~(PlainTagBlocks.BlockSize - 1);
        var from = i - block;
        acted = false;
        while (block + PlainTagBlocks.BlockSize <= limit)
        {
            var plainEnd = blocks.Read(data, block, from, out var lessThan);
            for (lessThan = MayBeActedOn(data, block, lessThan, endTagsMatter); lessThan != 0; lessThan &= lessThan - 1)
            {
                var lt = block + BitOperations.TrailingZeroCount(lessThan);
                if (IsActedOnPastBanner(data, lt, endTagsMatter))
                {
                    acted = true;
                    return lt;
                }
            }

            if (plainEnd < block + PlainTagBlocks.BlockSize)
            {
                return plainEnd;
            }

            block += PlainTagBlocks.BlockSize;
            from = 0;
        }

        return blocks.Resume(block);
    }

    /// <summary>
    /// Of the '&lt;' in <paramref name="lessThan"/> (bit n for the byte at <paramref name="block"/> + n), those that may
    /// start what <see cref="IsActedOnPastBanner"/> looks for, told from the bytes after them all at once; all of them
    /// where that needs instructions the processor lacks. At least 8 bytes follow the block.
    /// </summary>
    /// <remarks>Most tags of a page start with a letter no element acted on starts with, or are end tags other than
    /// <c>&lt;/body&gt;</c> and <c>&lt;/html&gt;</c>: looking at each in turn cost as much as finding them.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MayBeActedOn(ReadOnlySpan<byte> data, int block, ulong lessThan, bool endTagsMatter)
    {
        if (!Avx512Vbmi.IsSupported || lessThan == 0)
        {
            return lessThan;
        }

        // Each byte after a '<' looked up in a 128-entry table (its low 7 bits: a byte past ASCII may match, and is then
        // looked at as before).
        var next = Vector512.LoadUnsafe(ref Unsafe.Add(ref MemoryMarshal.GetReference(data), block + 1));
        var classes = Avx512Vbmi.PermuteVar64x8x2(NextByteClasses.Low, next, NextByteClasses.High);
        var mayAct = lessThan & NextByteClasses.Has(classes, NextByteClasses.Starts);
        if (endTagsMatter)
        {
            // "</" then b or h then o or t; the last bytes of the block, whose followers are in the next, are kept.
            var secondLetter = (NextByteClasses.Has(classes, NextByteClasses.BodyOrHtmlFirst) >> 1) | (1UL << 63);
            var thirdLetter = (NextByteClasses.Has(classes, NextByteClasses.BodyOrHtmlSecond) >> 2) | (3UL << 62);
            mayAct |= lessThan & NextByteClasses.Has(classes, NextByteClasses.Slash) & secondLetter & thirdLetter;
        }

        return mayAct;
    }

    /// <summary>What the bytes after a '&lt;' may start, one bit per class, for <see cref="MayBeActedOn"/>.</summary>
    private static class NextByteClasses
    {
        public const byte Starts = 1;
        public const byte Slash = 2;
        public const byte BodyOrHtmlFirst = 4;
        public const byte BodyOrHtmlSecond = 8;

        public static readonly Vector512<byte> Low = Table(0);
        public static readonly Vector512<byte> High = Table(64);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static ulong Has(Vector512<byte> classes, byte which)
            => ~Vector512.Equals(classes & Vector512.Create(which), Vector512<byte>.Zero).ExtractMostSignificantBits();

        private static Vector512<byte> Table(int first)
        {
            Span<byte> table = stackalloc byte[64];
            for (var k = 0; k < 64; k++)
            {
                var c = (byte)(first + k);
                var letter = IsAsciiLetter(c);
                table[k] = (byte)(
                    ((letter && IsFirstLetterOf(ActiveTagFirstLetters, c)) || c is (byte)'!' or (byte)'?' ? Starts : 0)
                    | (c == '/' ? Slash : 0)
                    | (AnyByte(other => IsBodyOrHtmlStart(c, other)) ? BodyOrHtmlFirst : 0)
                    | (AnyByte(other => IsBodyOrHtmlStart(other, c)) ? BodyOrHtmlSecond : 0));
            }

            return Vector512.Create((ReadOnlySpan<byte>)table);
        }

        // The two letters after "</" are those IsBodyOrHtmlStart accepts, whichever letter comes with them.
        private static bool AnyByte(Func<byte, bool> holds)
        {
            for (var other = 0; other < 128; other++)
            {
                if (holds((byte)other))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// Whether the '&lt;' at <paramref name="lt"/>, past the banner, starts what <see cref="SkipInertTags"/> hands back:
    /// an element acted on, <c>&lt;/body&gt;</c> or <c>&lt;/html&gt;</c> while <paramref name="endTagsMatter"/>, a
    /// comment, <c>&lt;!</c> or <c>&lt;?</c>. At least three bytes follow it.
    /// </summary>
    private static bool IsActedOnPastBanner(ReadOnlySpan<byte> data, int lt, bool endTagsMatter)
    {
        var next = data[lt + 1];
        if (IsAsciiLetter(next))
        {
            return IsFirstLetterOf(ActiveTagFirstLetters, next) && TagOf(data[(lt + 1)..]) != Tag.Other;
        }

        return next == '/'
            ? endTagsMatter && IsBodyOrHtmlStart(data[lt + 2], data[lt + 3])
            : next is (byte)'!' or (byte)'?';
    }

    /// <summary>Writes the unwritten run up to <paramref name="to"/>; returns <paramref name="to"/>.</summary>
    private static int Flush(ReadOnlySpan<byte> data, ref int written, int to, IBufferWriter<byte> output)
    {
        if (to > written)
        {
            output.Write(data[written..to]);
            written = to;
        }

        return to;
    }

    /// <summary>Writes <paramref name="part"/> at <paramref name="at"/>: after the run before it.</summary>
    private static void Insert(ReadOnlySpan<byte> data, int at, ref int written, ReadOnlySpan<byte> part, IBufferWriter<byte> output)
    {
        Flush(data, ref written, at, output);
        output.Write(part);
    }

    private void Text(ReadOnlySpan<byte> data, int start, int end, ref int written, IBufferWriter<byte> output)
    {
        // Visible text before the head is closed means the body has begun (the parser closes the head there).
        // A UTF-8 byte order mark is not text: injecting before it would push the doctype down (quirks mode).
        if (_head != HeadState.Done && data[start..end].IndexOfAnyExcept(NotText) >= 0)
        {
            Insert(data, start, ref written, _parts.Head.Span, output);
            _head = HeadState.Done;
        }
    }

    /// <summary>A start tag from <paramref name="start"/> ('&lt;') to <paramref name="end"/> ('&gt;').</summary>
    private void StartTag(ReadOnlySpan<byte> data, int start, int end, Tag name, ref int written, IBufferWriter<byte> output)
    {
        var tag = data[start..(end + 1)];
        if (_head != HeadState.Done)
        {
            if (name == Tag.Html && _head == HeadState.None)
            {
                return;
            }

            if (name == Tag.Head && _head == HeadState.None)
            {
                _head = HeadState.Open;
                return;
            }

            if (name == Tag.Meta && IsCharsetMeta(tag))
            {
                // Stays where it is: browsers only look for it in the first 1024 bytes.
                return;
            }

            Insert(data, start, ref written, _parts.Head.Span, output);
            _head = HeadState.Done;
        }

        if (!_bannerDone)
        {
            if (name == Tag.Body)
            {
                Insert(data, end + 1, ref written, _parts.Banner.Span, output);
                _bannerDone = true;
                return;
            }

            if (!IsHeadElement(name))
            {
                // No <body> tag: the first element of the body opens it, so the banner goes just before it.
                Insert(data, start, ref written, _parts.Banner.Span, output);
                _bannerDone = true;
            }
        }

        if (_extendPolicy is not null && name == Tag.Meta && TryExtendMetaPolicy(tag, output, data, start, ref written))
        {
            written = end + 1;
            return;
        }

        if (_blocker is not null && (name == Tag.Script || name == Tag.Iframe || name == Tag.Img))
        {
            Flush(data, ref written, start, output);
            if (_blocker.TryRewrite(NameOf(name), tag, output))
            {
                written = end + 1;
            }
        }

        if (IsRawTextElement(name))
        {
            _mode = Mode.RawText;
            _rawTextEnd = NameOf(name);
        }
    }

    /// <summary>An end tag from <paramref name="start"/> ('&lt;') to <paramref name="end"/> ('&gt;').</summary>
    private void EndTag(ReadOnlySpan<byte> data, int start, int end, ref int written, IBufferWriter<byte> output)
    {
        if (_head != HeadState.Done)
        {
            Insert(data, start, ref written, _parts.Head.Span, output);
            _head = HeadState.Done;
        }

        var name = TagOf(data[(start + 2)..(end + 1)]);
        if (name == Tag.Body || name == Tag.Html)
        {
            if (!_bannerDone)
            {
                GatewayLog.BannerAppended(_logger);
                Insert(data, start, ref written, _parts.Banner.Span, output);
                _bannerDone = true;
            }

            if (!_tailDone)
            {
                Insert(data, start, ref written, _parts.Tail.Span, output);
                _tailDone = true;
            }
        }
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

    /// <summary>
    /// A <c>&lt;meta http-equiv="Content-Security-Policy" content="…"&gt;</c> written again with its policy extended
    /// (after the unwritten run before it); false, nothing written, for any other meta tag or a policy that is not
    /// plain ASCII.
    /// </summary>
    private bool TryExtendMetaPolicy(ReadOnlySpan<byte> tag, IBufferWriter<byte> output, ReadOnlySpan<byte> data, int start, ref int written)
    {
        if (!ContainsIgnoreCase(tag, "content-security-policy"u8))
        {
            return false;
        }

        var attributes = TagAttributes.Parse(tag);
        var httpEquiv = TagAttributes.Find(attributes, tag, "http-equiv");
        var content = TagAttributes.Find(attributes, tag, "content");
        if (httpEquiv < 0 || content < 0
            || !string.Equals(TagAttributes.Value(tag, attributes[httpEquiv]), "content-security-policy", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var value = attributes[content];
        var raw = tag.Slice(value.ValueStart, value.ValueLength);
        if (!System.Text.Ascii.IsValid(raw))
        {
            return false;
        }

        var policy = System.Net.WebUtility.HtmlDecode(System.Text.Encoding.ASCII.GetString(raw));
        var extended = System.Net.WebUtility.HtmlEncode(_extendPolicy!(policy));
        var quoted = value.ValueStart > 0 && tag[value.ValueStart - 1] is (byte)'"' or (byte)'\'';
        Flush(data, ref written, start, output);
        output.Write(tag[..value.ValueStart]);
        if (!quoted)
        {
            output.Write("\""u8);
        }

        output.Write(PageText.Encode(extended, asciiOnly: true));
        if (!quoted)
        {
            output.Write("\""u8);
        }

        output.Write(tag[(value.ValueStart + value.ValueLength)..]);
        return true;
    }

    private static bool IsCharsetMeta(ReadOnlySpan<byte> tag)
        => ContainsIgnoreCase(tag, "charset"u8);

    /// <summary>The '&gt;' that ends a start tag, skipping quoted attribute values; -1 when not in <paramref name="data"/>.</summary>
    internal static int FindTagEnd(ReadOnlySpan<byte> data, int from)
    {
        var index = new MarkupIndex(data);
        return FindTagEnd(data, from, ref index);
    }

    /// <inheritdoc cref="FindTagEnd(ReadOnlySpan{byte}, int)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FindTagEnd(ReadOnlySpan<byte> data, int from, ref MarkupIndex index)
    {
        var j = from;
        while ((j = index.NextGreaterThanOrQuote(j)) >= 0)
        {
            var c = data[j];
            if (c == '>')
            {
                return j;
            }

            // A quote opens a value only right after '=' (spaces between allowed); elsewhere it is a plain character.
            var previous = j - 1;
            while (previous >= from && data[previous] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f')
            {
                previous--;
            }

            if (previous < from || data[previous] != '=')
            {
                j++;
                continue;
            }

            var close = index.NextQuote(j + 1, c);
            if (close < 0)
            {
                return -1;
            }

            j = close + 1;
        }

        return -1;
    }

    /// <summary>
    /// Which of the elements the injector acts on a tag names, from the byte after '&lt;' or '&lt;/'; <see cref="Tag.Other"/>
    /// for any other element (most tags of a page).
    /// </summary>
    /// <remarks>
    /// Runs for every tag of the page, so it allocates and copies nothing: every name acted on is 3 to 8 ASCII letters,
    /// packed into one number (lower-cased by setting bit 5, which turns only 'A'-'Z' into letters) and compared at once.
    /// </remarks>
    internal static Tag TagOf(ReadOnlySpan<byte> from)
    {
        ulong packed = 0;
        var length = 0;
        while (length < from.Length && !IsTagNameEnd(from[length]))
        {
            if (length == 8)
            {
                return Tag.Other;
            }

            packed |= (ulong)(from[length] | 0x20u) << (length * 8);
            length++;
        }

        return packed switch
        {
            Packed.Html => Tag.Html,
            Packed.Head => Tag.Head,
            Packed.Body => Tag.Body,
            Packed.Meta => Tag.Meta,
            Packed.Title => Tag.Title,
            Packed.Link => Tag.Link,
            Packed.Style => Tag.Style,
            Packed.Script => Tag.Script,
            Packed.Base => Tag.Base,
            Packed.Noscript => Tag.Noscript,
            Packed.Template => Tag.Template,
            Packed.Iframe => Tag.Iframe,
            Packed.Img => Tag.Img,
            Packed.Textarea => Tag.Textarea,
            Packed.Xmp => Tag.Xmp,
            Packed.Noembed => Tag.Noembed,
            Packed.Noframes => Tag.Noframes,
            _ => Tag.Other,
        };
    }

    /// <summary>The element names the injector acts on, as <see cref="TagOf"/> packs them.</summary>
    private static class Packed
    {
        public const ulong Html = (ulong)'h' | (ulong)'t' << 8 | (ulong)'m' << 16 | (ulong)'l' << 24;
        public const ulong Head = (ulong)'h' | (ulong)'e' << 8 | (ulong)'a' << 16 | (ulong)'d' << 24;
        public const ulong Body = (ulong)'b' | (ulong)'o' << 8 | (ulong)'d' << 16 | (ulong)'y' << 24;
        public const ulong Meta = (ulong)'m' | (ulong)'e' << 8 | (ulong)'t' << 16 | (ulong)'a' << 24;
        public const ulong Title = (ulong)'t' | (ulong)'i' << 8 | (ulong)'t' << 16 | (ulong)'l' << 24 | (ulong)'e' << 32;
        public const ulong Link = (ulong)'l' | (ulong)'i' << 8 | (ulong)'n' << 16 | (ulong)'k' << 24;
        public const ulong Style = (ulong)'s' | (ulong)'t' << 8 | (ulong)'y' << 16 | (ulong)'l' << 24 | (ulong)'e' << 32;
        public const ulong Script = (ulong)'s' | (ulong)'c' << 8 | (ulong)'r' << 16 | (ulong)'i' << 24 | (ulong)'p' << 32 | (ulong)'t' << 40;
        public const ulong Base = (ulong)'b' | (ulong)'a' << 8 | (ulong)'s' << 16 | (ulong)'e' << 24;
        public const ulong Noscript = (ulong)'n' | (ulong)'o' << 8 | (ulong)'s' << 16 | (ulong)'c' << 24 | (ulong)'r' << 32 | (ulong)'i' << 40 | (ulong)'p' << 48 | (ulong)'t' << 56;
        public const ulong Template = (ulong)'t' | (ulong)'e' << 8 | (ulong)'m' << 16 | (ulong)'p' << 24 | (ulong)'l' << 32 | (ulong)'a' << 40 | (ulong)'t' << 48 | (ulong)'e' << 56;
        public const ulong Iframe = (ulong)'i' | (ulong)'f' << 8 | (ulong)'r' << 16 | (ulong)'a' << 24 | (ulong)'m' << 32 | (ulong)'e' << 40;
        public const ulong Img = (ulong)'i' | (ulong)'m' << 8 | (ulong)'g' << 16;
        public const ulong Textarea = (ulong)'t' | (ulong)'e' << 8 | (ulong)'x' << 16 | (ulong)'t' << 24 | (ulong)'a' << 32 | (ulong)'r' << 40 | (ulong)'e' << 48 | (ulong)'a' << 56;
        public const ulong Xmp = (ulong)'x' | (ulong)'m' << 8 | (ulong)'p' << 16;
        public const ulong Noembed = (ulong)'n' | (ulong)'o' << 8 | (ulong)'e' << 16 | (ulong)'m' << 24 | (ulong)'b' << 32 | (ulong)'e' << 40 | (ulong)'d' << 48;
        public const ulong Noframes = (ulong)'n' | (ulong)'o' << 8 | (ulong)'f' << 16 | (ulong)'r' << 24 | (ulong)'a' << 32 | (ulong)'m' << 40 | (ulong)'e' << 48 | (ulong)'s' << 56;
    }

    /// <summary>The lower-case name of <paramref name="tag"/>, which is not <see cref="Tag.Other"/>.</summary>
    internal static string NameOf(Tag tag) => tag switch
    {
        Tag.Html => "html",
        Tag.Head => "head",
        Tag.Body => "body",
        Tag.Meta => "meta",
        Tag.Title => "title",
        Tag.Link => "link",
        Tag.Style => "style",
        Tag.Script => "script",
        Tag.Base => "base",
        Tag.Noscript => "noscript",
        Tag.Template => "template",
        Tag.Iframe => "iframe",
        Tag.Img => "img",
        Tag.Textarea => "textarea",
        Tag.Xmp => "xmp",
        Tag.Noembed => "noembed",
        Tag.Noframes => "noframes",
        _ => throw new ArgumentOutOfRangeException(nameof(tag)),
    };

    /// <summary>The elements the injector acts on.</summary>
    internal enum Tag : byte
    {
        Other,
        Html,
        Head,
        Body,
        Meta,
        Title,
        Link,
        Style,
        Script,
        Base,
        Noscript,
        Template,
        Iframe,
        Img,
        Textarea,
        Xmp,
        Noembed,
        Noframes,
    }

    // Elements that may sit in <head>; any other one means the body has begun even without a <body> tag.
    private static bool IsHeadElement(Tag tag)
        => tag is Tag.Html or Tag.Head or Tag.Title or Tag.Meta or Tag.Link or Tag.Style or Tag.Script
            or Tag.Base or Tag.Noscript or Tag.Template;

    // Elements whose content is raw text: a "</body>" inside is not the end of the body.
    private static bool IsRawTextElement(Tag tag)
        => tag is Tag.Script or Tag.Style or Tag.Textarea or Tag.Title or Tag.Xmp or Tag.Iframe
            or Tag.Noembed or Tag.Noframes;

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

    private static bool IsBodyOrHtmlStart(byte first, byte second)
        => ((first | 0x20) == 'b' && (second | 0x20) == 'o') || ((first | 0x20) == 'h' && (second | 0x20) == 't');

    // The first letters of every element the injector acts on, and of those it still acts on once the head tags and
    // the banner are in (raw text, blocked content, a meta policy): not html, head, body, link or base, so that past
    // the banner <h2>, <b> or <li> need no look at their names.
    private static readonly uint KnownTagFirstLetters = FirstLetters(static tag => tag != Tag.Other);
    private static readonly uint ActiveTagFirstLetters = FirstLetters(static tag => IsRawTextElement(tag) || tag is Tag.Script or Tag.Iframe or Tag.Img or Tag.Meta);

    /// <summary>Bit n set when one of the tags <paramref name="which"/> picks has a name starting with the n-th letter.</summary>
    private static uint FirstLetters(Func<Tag, bool> which) => Enum.GetValues<Tag>()
        .Where(which)
        .Aggregate(0u, static (letters, tag) => letters | (1u << (NameOf(tag)[0] - 'a')));

    /// <summary>Whether the ASCII letter <paramref name="letter"/> (either case) is one of <paramref name="firstLetters"/>.</summary>
    private static bool IsFirstLetterOf(uint firstLetters, byte letter) => ((firstLetters >> ((letter | 0x20) - 'a')) & 1) != 0;

    private static bool IsAsciiLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsTagNameEnd(byte b) => TagNameEnds[b] != 0;

    // Whitespace, '/' and '>': one load per byte of every tag name rather than seven compares.
    private static ReadOnlySpan<byte> TagNameEnds =>
    [
        0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ];
}
