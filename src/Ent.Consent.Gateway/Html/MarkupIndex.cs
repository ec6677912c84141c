using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Ent.Consent.Gateway.Html;

/// <summary>
/// Where the <c>&lt;</c>, <c>&gt;</c> and quotes of a span are, 64 bytes at a time: a few vector compares per block,
/// then each search is a shift and a trailing-zero count. A page is mostly short tags a few bytes apart, for which one
/// vectorised search per tag cost more to start than to run.
/// </summary>
internal ref struct MarkupIndex
{
    private const int BlockSize = 64;

    private readonly ReadOnlySpan<byte> _data;
    private int _block;
    private ulong _lessThan;
    private ulong _greaterThan;
    private ulong _doubleQuote;
    private ulong _singleQuote;

    public MarkupIndex(ReadOnlySpan<byte> data)
    {
        _data = data;
        _block = -1;
    }

    /// <summary>The first <c>&lt;</c> at or after <paramref name="from"/>, or -1.</summary>
    public int NextLessThan(int from) => Next(from, Wanted.LessThan);

    /// <summary>The first <c>&gt;</c> at or after <paramref name="from"/>, or -1.</summary>
    public int NextGreaterThan(int from) => Next(from, Wanted.GreaterThan);

    /// <summary>The first <c>&gt;</c>, <c>"</c> or <c>'</c> at or after <paramref name="from"/>, or -1.</summary>
    public int NextGreaterThanOrQuote(int from) => Next(from, Wanted.GreaterThanOrQuote);

    /// <summary>The first <paramref name="quote"/> (<c>"</c> or <c>'</c>) at or after <paramref name="from"/>, or -1.</summary>
    public int NextQuote(int from, byte quote) => Next(from, quote == '"' ? Wanted.DoubleQuote : Wanted.SingleQuote);

    private enum Wanted { LessThan, GreaterThan, GreaterThanOrQuote, DoubleQuote, SingleQuote }

    // Inlined into each search above, where the wanted mask is a constant.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int Next(int from, Wanted wanted)
    {
        while (from < _data.Length)
        {
            var block = from & ~(BlockSize - 1);
            if (block != _block)
            {
                Load(block);
            }

            var mask = wanted switch
            {
                Wanted.LessThan => _lessThan,
                Wanted.GreaterThan => _greaterThan,
                Wanted.GreaterThanOrQuote => _greaterThan | _doubleQuote | _singleQuote,
                Wanted.DoubleQuote => _doubleQuote,
                _ => _singleQuote,
            } >> (from - block);
            if (mask != 0)
            {
                return from + BitOperations.TrailingZeroCount(mask);
            }

            from = block + BlockSize;
        }

        return -1;
    }

    // Inlined into the searches, with no stack buffer for the last block: a call per block (a frame, a stack cookie)
    // cost more than the compares themselves.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Load(int block)
    {
        _block = block;
        ref var data = ref MemoryMarshal.GetReference(_data);
        var length = _data.Length;
        if ((uint)block + BlockSize <= (uint)length)
        {
            Masks(ref Unsafe.Add(ref data, block));
            return;
        }

        if (length >= BlockSize)
        {
            // The last, partial block: the 64 bytes that end the span, shifted so that the block's first byte is bit 0
            // and nothing past the end is set.
            Masks(ref Unsafe.Add(ref data, length - BlockSize));
            var shift = BlockSize - (length - block);
            _lessThan >>= shift;
            _greaterThan >>= shift;
            _doubleQuote >>= shift;
            _singleQuote >>= shift;
            return;
        }

        // A span shorter than one block (a short chunk, a test): byte by byte.
        _lessThan = _greaterThan = _doubleQuote = _singleQuote = 0;
        for (var k = 0; k < length; k++)
        {
            var bit = 1UL << k;
            var value = Unsafe.Add(ref data, k);
            _lessThan |= value == '<' ? bit : 0;
            _greaterThan |= value == '>' ? bit : 0;
            _doubleQuote |= value == '"' ? bit : 0;
            _singleQuote |= value == '\'' ? bit : 0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Masks(ref byte start)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            // One register holds the whole block: one compare per byte searched for.
            var bytes = Vector512.LoadUnsafe(ref start);
            _lessThan = Vector512.Equals(bytes, Vector512.Create((byte)'<')).ExtractMostSignificantBits();
            _greaterThan = Vector512.Equals(bytes, Vector512.Create((byte)'>')).ExtractMostSignificantBits();
            _doubleQuote = Vector512.Equals(bytes, Vector512.Create((byte)'"')).ExtractMostSignificantBits();
            _singleQuote = Vector512.Equals(bytes, Vector512.Create((byte)'\'')).ExtractMostSignificantBits();
            return;
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var low = Vector256.LoadUnsafe(ref start);
            var high = Vector256.LoadUnsafe(ref start, 32);
            _lessThan = Mask(low, high, (byte)'<');
            _greaterThan = Mask(low, high, (byte)'>');
            _doubleQuote = Mask(low, high, (byte)'"');
            _singleQuote = Mask(low, high, (byte)'\'');
            return;
        }

        var a = Vector128.LoadUnsafe(ref start);
        var b = Vector128.LoadUnsafe(ref start, 16);
        var c = Vector128.LoadUnsafe(ref start, 32);
        var d = Vector128.LoadUnsafe(ref start, 48);
        _lessThan = Mask(a, b, c, d, (byte)'<');
        _greaterThan = Mask(a, b, c, d, (byte)'>');
        _doubleQuote = Mask(a, b, c, d, (byte)'"');
        _singleQuote = Mask(a, b, c, d, (byte)'\'');
    }

    private static ulong Mask(Vector256<byte> low, Vector256<byte> high, byte value)
    {
        var wanted = Vector256.Create(value);
        return Vector256.Equals(low, wanted).ExtractMostSignificantBits()
            | ((ulong)Vector256.Equals(high, wanted).ExtractMostSignificantBits() << 32);
    }

    private static ulong Mask(Vector128<byte> a, Vector128<byte> b, Vector128<byte> c, Vector128<byte> d, byte value)
    {
        var wanted = Vector128.Create(value);
        return Vector128.Equals(a, wanted).ExtractMostSignificantBits()
            | ((ulong)Vector128.Equals(b, wanted).ExtractMostSignificantBits() << 16)
            | ((ulong)Vector128.Equals(c, wanted).ExtractMostSignificantBits() << 32)
            | ((ulong)Vector128.Equals(d, wanted).ExtractMostSignificantBits() << 48);
    }
}
