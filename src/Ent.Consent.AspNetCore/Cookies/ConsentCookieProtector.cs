using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.DataProtection;

namespace Ent.Consent.AspNetCore.Cookies;

/// <summary>
/// Signs and verifies the text of Ent.Consent's cookies with a key from ASP.NET Core Data Protection, so that every
/// node sharing a key ring agrees and keys rotate with the ring.
/// </summary>
/// <remarks>
/// Data Protection encrypts with a random IV, so it cannot give a deterministic MAC. The tag is therefore the
/// authenticated encryption of a digest of the text: SHA-256 truncated to 15 bytes (one AES block once padded,
/// which keeps the tag at 112 characters), protected; verifying unprotects it and compares the digests in constant
/// time. Forging a tag needs the key ring, and a tag moved to another text does not match its digest.
/// </remarks>
internal sealed class ConsentCookieProtector
{
    private const int DigestLength = 15;
    private const int MaxTagCharacters = 256;
    private readonly IDataProtector _protector;

    public ConsentCookieProtector(IDataProtectionProvider provider, string purpose)
    {
        _protector = provider.CreateProtector("Ent.Consent", purpose, "v1");
    }

    public string Sign(string text)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(text, digest);
        return Base64UrlText.Encode(_protector.Protect(digest[..DigestLength].ToArray()));
    }

    public bool Verify(ReadOnlySpan<char> text, ReadOnlySpan<char> tag)
    {
        if (tag.IsEmpty || tag.Length > MaxTagCharacters)
        {
            return false;
        }

        Span<byte> protectedDigest = stackalloc byte[MaxTagCharacters];
        if (!Base64UrlText.TryDecodeCanonical(tag, protectedDigest, out var length))
        {
            return false;
        }

        byte[] expected;
        try
        {
            expected = _protector.Unprotect(protectedDigest[..length].ToArray());
        }
        catch (CryptographicException)
        {
            return false;
        }

        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        Digest(text, digest);
        return expected.Length == DigestLength && CryptographicOperations.FixedTimeEquals(expected, digest[..DigestLength]);
    }

    private static void Digest(ReadOnlySpan<char> text, Span<byte> destination)
    {
        var bytes = Encoding.UTF8.GetBytes(text.ToArray());
        SHA256.HashData(bytes, destination);
    }
}
