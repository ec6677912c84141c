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
        // One load per block: the JIT reads the block once for the four compares.
        _lessThan = Positions(ref start, (byte)'<');
        _greaterThan = Positions(ref start, (byte)'>');
        _doubleQuote = Positions(ref start, (byte)'"');
        _singleQuote = Positions(ref start, (byte)'\'');
    }

    /// <summary>Bit n set when the byte at <paramref name="start"/> + n is <paramref name="value"/>, for 64 bytes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Positions(ref byte start, byte value)
    {
        if (Vector512.IsHardwareAccelerated)
        {
            // One register holds the whole block.
            return Vector512.Equals(Vector512.LoadUnsafe(ref start), Vector512.Create(value)).ExtractMostSignificantBits();
        }

        if (Vector256.IsHardwareAccelerated)
        {
            var wanted256 = Vector256.Create(value);
            return Vector256.Equals(Vector256.LoadUnsafe(ref start), wanted256).ExtractMostSignificantBits()
                | ((ulong)Vector256.Equals(Vector256.LoadUnsafe(ref start, 32), wanted256).ExtractMostSignificantBits() << 32);
        }

        var wanted = Vector128.Create(value);
        return Vector128.Equals(Vector128.LoadUnsafe(ref start), wanted).ExtractMostSignificantBits()
            | ((ulong)Vector128.Equals(Vector128.LoadUnsafe(ref start, 16), wanted).ExtractMostSignificantBits() << 16)
            | ((ulong)Vector128.Equals(Vector128.LoadUnsafe(ref start, 32), wanted).ExtractMostSignificantBits() << 32)
            | ((ulong)Vector128.Equals(Vector128.LoadUnsafe(ref start, 48), wanted).ExtractMostSignificantBits() << 48);
    }
}
