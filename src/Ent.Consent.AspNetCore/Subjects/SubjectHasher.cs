using System.Security.Cryptography;
using System.Text;
using Ent.Consent.AspNetCore.Cookies;

namespace Ent.Consent.AspNetCore.Subjects;

/// <summary>
/// Turns a signed-in user's id into the keyed hash that names the subject in proofs: HMAC-SHA-256 with
/// <see cref="EntConsentOptions.SubjectKey"/>, truncated to 128 bits, base64url (22 characters). Without the key
/// the hash cannot be recomputed from a guessed id. The consent cookie never carries that hash (page scripts read the
/// cookie, and the hash is the same on every device): it carries a binding of the hash to the cookie's own consent
/// id, which links nothing beyond that one cookie.
/// </summary>
internal sealed class SubjectHasher
{
    private const int TagBytes = 16;
    private readonly byte[] _key;
    private readonly byte[] _bindingKey;
    private readonly VerifiedCookieCache<string> _hashes;

    public SubjectHasher(byte[] key, int cacheSize = 10_000)
    {
        _key = key;
        // A key of its own, so a binding can never be mistaken for a subject hash or the other way round.
        _bindingKey = HMACSHA256.HashData(key, "Ent.Consent consent-cookie subject binding v1"u8);
        _hashes = new VerifiedCookieCache<string>(cacheSize, StringComparer.Ordinal);
    }

    public bool IsEphemeral { get; init; }

    public string Hash(string subjectId)
    {
        if (_hashes.TryGet(subjectId, out var known))
        {
            return known;
        }

        // One implementation with the public one, so the CLI finds the keys the portal wrote.
        var hash = ConsentSubject.Hash(_key, subjectId);
        _hashes.Add(subjectId, hash);
        return hash;
    }

    /// <summary>The consent cookie's subject field: binds the choice to the user without naming them.</summary>
    public string Bind(string subjectHash, string consentId)
    {
        Span<byte> tag = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeBinding(subjectHash, consentId, tag);
        return Base64UrlText.Encode(tag[..TagBytes]);
    }

    /// <summary>Whether <paramref name="field"/> binds the choice <paramref name="consentId"/> to <paramref name="subjectHash"/>; fixed-time.</summary>
    public bool IsBound(ReadOnlySpan<char> field, string subjectHash, string consentId)
    {
        Span<byte> given = stackalloc byte[32];
        if (!Base64UrlText.TryDecodeCanonical(field, given, out var length) || length != TagBytes)
        {
            return false;
        }

        Span<byte> expected = stackalloc byte[HMACSHA256.HashSizeInBytes];
        ComputeBinding(subjectHash, consentId, expected);
        return CryptographicOperations.FixedTimeEquals(given[..TagBytes], expected[..TagBytes]);
    }

    private void ComputeBinding(string subjectHash, string consentId, Span<byte> destination)
    {
        // Both are ASCII (base64url) of bounded length: "{subjectHash}.{consentId}".
        Span<byte> message = stackalloc byte[subjectHash.Length + 1 + consentId.Length];
        var written = Encoding.ASCII.GetBytes(subjectHash, message);
        message[written] = (byte)'.';
        Encoding.ASCII.GetBytes(consentId, message[(written + 1)..]);
        HMACSHA256.HashData(_bindingKey, message, destination);
    }

    public static SubjectHasher FromOptions(EntConsentOptions options)
    {
        if (options.SubjectKey is { } key)
        {
            return new SubjectHasher(Encoding.UTF8.GetBytes(key), options.VerifiedCookieCacheSize);
        }

        return new SubjectHasher(RandomNumberGenerator.GetBytes(32), options.VerifiedCookieCacheSize) { IsEphemeral = true };
    }
}
