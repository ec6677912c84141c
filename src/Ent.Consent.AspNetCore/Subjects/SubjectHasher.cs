using System.Security.Cryptography;
using System.Text;

namespace Ent.Consent.AspNetCore.Subjects;

/// <summary>
/// Turns a signed-in user's id into the keyed hash stored in the consent cookie and in proofs: HMAC-SHA-256 with
/// <see cref="EntConsentOptions.SubjectKey"/>, truncated to 128 bits, base64url (22 characters). Without the key
/// the hash cannot be recomputed from a guessed id.
/// </summary>
internal sealed class SubjectHasher
{
    private readonly byte[] _key;

    public SubjectHasher(byte[] key)
    {
        _key = key;
    }

    public bool IsEphemeral { get; init; }

    public string Hash(string subjectId)
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(subjectId), mac);
        return Cookies.Base64UrlText.Encode(mac[..16]);
    }

    public static SubjectHasher FromOptions(EntConsentOptions options)
    {
        if (options.SubjectKey is { } key)
        {
            return new SubjectHasher(Encoding.UTF8.GetBytes(key));
        }

        return new SubjectHasher(RandomNumberGenerator.GetBytes(32)) { IsEphemeral = true };
    }
}
