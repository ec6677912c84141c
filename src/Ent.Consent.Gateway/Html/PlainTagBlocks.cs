using System.Diagnostics;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ent.Consent.Gateway.Html;

/// <summary>
/// Reads markup 64 bytes at a time and tells how far it is made of plain tags: tags that end at their first
/// <c>&gt;</c>, with no <c>&lt;</c> and no single quote inside, whose double quotes open right after <c>=</c> and close
/// in pairs. The end of such a tag is the one <see cref="HtmlInjector"/>'s walk finds, so within plain markup only the
/// tags' <c>&lt;</c> are left to look at, and those are known at once from the block's masks instead of one search after
/// the other.
/// </summary>
/// <remarks>
/// Anything else ends the plain run where the walk must take over: a <c>&lt;</c> or single quote inside a tag, a quote
/// not right after <c>=</c> (or one opening with spaces between), a tag whose quotes do not pair before its first
/// <c>&gt;</c>, a <c>&gt;</c> in text. Such markup is valid HTML and rare; the walk reads it as before. Comments,
/// raw text and the elements the injector acts on are for the caller to find among the <c>&lt;</c> it is given.
/// </remarks>
internal struct PlainTagBlocks
{
    public const int BlockSize = 64;

    // What runs on from one block to the next: all ones while in a tag or in a quoted value, and whether the block
    // ended with '=' (a quote starting the next one then opens a value).
    private ulong _inTag;
    private ulong _inValue;
    private ulong _equalsBefore;
    private int _lastLessThan;

    /// <summary>
    /// Reads the 64 bytes of <paramref name="data"/> at <paramref name="block"/>, from the byte at
    /// <paramref name="block"/> + <paramref name="from"/> on (<paramref name="from"/> is 0 after the first block of a
    /// run). Returns where plain markup stops, past the block's end when all of it is plain; <paramref name="lessThan"/>
    /// is then the '&lt;' of the plain part, bit n for the byte at <paramref name="block"/> + n.
    /// </summary>
    /// <remarks>The return value is a '&lt;' in text for the walk to take from, perhaps in an earlier block, or a
    /// '&gt;' in text.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Read(ReadOnlySpan<byte> data, int block, int from, out ulong lessThan)
    {
        ref var start = ref Unsafe.Add(ref MemoryMarshal.GetReference(data), block);
        var after = ulong.MaxValue << from;
        var lt = MarkupIndex.Positions(ref start, (byte)'<') & after;
        var gt = MarkupIndex.Positions(ref start, (byte)'>') & after;
        var doubleQuote = MarkupIndex.Positions(ref start, (byte)'"') & after;
        var singleQuote = MarkupIndex.Positions(ref start, (byte)'\'') & after;
        var equals = MarkupIndex.Positions(ref start, (byte)'=');

        // Set from each '<' up to the byte before its '>': plain tags alternate the two.
        var inTag = PrefixXor(lt | gt) ^ _inTag;
        var textGreaterThan = gt & inTag;
        var misplaced = (lt & ~inTag) | textGreaterThan;

        // Set from each opening quote up to the byte before its closing one.
        var quotes = doubleQuote & inTag;
        var inValue = PrefixXor(quotes) ^ _inValue;
        var opening = quotes & inValue;
        var notPlain = misplaced | (singleQuote & inTag) | (opening & ~((equals << 1) | _equalsBefore)) | (gt & inValue);

        if (notPlain == 0)
        {
            lessThan = lt;
            // In plain markup, a tag still open at the end of a block started at the last '<' read.
            var last = block + 63 - BitOperations.LeadingZeroCount(lt);
            _lastLessThan = lt != 0 ? last : _lastLessThan;
            _inTag = (ulong)((long)inTag >> 63);
            _inValue = (ulong)((long)inValue >> 63);
            _equalsBefore = equals >> 63;
            return block + BlockSize;
        }

        var first = BitOperations.TrailingZeroCount(notPlain);
        var before = lt & ((1UL << first) - 1);
        if (((textGreaterThan >> first) & 1) != 0)
        {
            // A '>' in text: everything before it is plain, and the walk reads on from it.
            lessThan = before;
            return block + first;
        }

        // The tag holding the first byte that is not plain starts at the last '<' before that byte, or in an earlier
        // block when there is none (the block then started in that tag).
        if (before == 0)
        {
            Debug.Assert(_inTag != 0, "A byte inside a tag with no '<' before it in the block: the tag began earlier.");
            lessThan = 0;
            return _lastLessThan;
        }

        var tagStart = 63 - BitOperations.LeadingZeroCount(before);
        lessThan = lt & ((1UL << tagStart) - 1);
        return block + tagStart;
    }

    /// <summary>Where the walk takes over once the run ends at <paramref name="position"/> after whole blocks.</summary>
    public readonly int Resume(int position) => _inTag != 0 ? _lastLessThan : position;

    // Bit n set when the prefix of the mask up to bit n holds an odd number of set bits.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong PrefixXor(ulong mask)
    {
        if (Pclmulqdq.IsSupported)
        {
            return Pclmulqdq.CarrylessMultiply(Vector128.CreateScalarUnsafe(mask), Vector128.Create(ulong.MaxValue), 0).ToScalar();
        }

        mask ^= mask << 1;
        mask ^= mask << 2;
        mask ^= mask << 4;
        mask ^= mask << 8;
        mask ^= mask << 16;
        mask ^= mask << 32;
        return mask;
    }
}
