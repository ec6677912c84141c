using System.Buffers.Text;

namespace Ent.Consent.AspNetCore.Cookies;

/// <summary>Base64url without padding, decoded strictly: only the canonical spelling of some bytes is accepted.</summary>
internal static class Base64UrlText
{
    private static bool TryDecode(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        try
        {
            return Base64Url.TryDecodeFromChars(text, destination, out written);
        }
        catch (FormatException)
        {
            written = 0;
            return false;
        }
    }

    public static string Encode(ReadOnlySpan<byte> bytes) => Base64Url.EncodeToString(bytes);

    public static bool IsBase64UrlCharacters(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '-' && c != '_')
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Decodes <paramref name="text"/> into <paramref name="destination"/>; false unless it is the exact canonical
    /// encoding (a changed trailing bit that decodes to the same bytes is refused, so no two spellings verify).
    /// </summary>
    public static bool TryDecodeCanonical(ReadOnlySpan<char> text, Span<byte> destination, out int written)
    {
        written = 0;
        if (text.Length % 4 == 1 || !IsBase64UrlCharacters(text) || Base64Url.GetMaxDecodedLength(text.Length) > destination.Length)
        {
            return false;
        }

        // Refuses non-zero unused bits by throwing rather than returning false.
        if (!Base64Url.IsValid(text) || !TryDecode(text, destination, out written))
        {
            return false;
        }

        Span<char> again = stackalloc char[text.Length];
        return Base64Url.TryEncodeToChars(destination[..written], again, out var charsWritten)
            && charsWritten == text.Length
            && again.SequenceEqual(text);
    }
}
