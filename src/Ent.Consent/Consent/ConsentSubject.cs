using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Ent.Consent;

/// <summary>
/// The subject key a proof records for a signed-in user: HMAC-SHA-256 of the user's id keyed with the portal's
/// secret (<c>EntConsent:SubjectKey</c>), truncated to 128 bits, base64url (22 characters). Without the secret the
/// key cannot be recomputed from a guessed id; with it, a data protection officer finds a user's proofs offline
/// (<c>ent-consent export --user</c>) exactly as the portal wrote them.
/// </summary>
public static class ConsentSubject
{
    private const int TagBytes = 16;

    /// <summary>The subject key of <paramref name="userId"/> under the portal's secret <paramref name="secret"/>.</summary>
    /// <param name="secret">The portal's <c>EntConsent:SubjectKey</c>, as configured (UTF-8).</param>
    /// <param name="userId">The user's id as the portal's sign-in names it (the claim the portal reads).</param>
    public static string Hash(string secret, string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        ArgumentNullException.ThrowIfNull(userId);
        return Hash(Encoding.UTF8.GetBytes(secret), userId);
    }

    /// <summary>
    /// The subject key of <paramref name="userId"/> under the secret's UTF-8 bytes: the same key as
    /// <see cref="Hash(string, string)"/>, for a caller that keeps the bytes rather than encoding the secret each time.
    /// </summary>
    /// <param name="key">The UTF-8 bytes of the portal's <c>EntConsent:SubjectKey</c>.</param>
    /// <param name="userId">The user's id as the portal's sign-in names it.</param>
    public static string Hash(byte[] key, string userId)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(userId);
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(userId), mac);
        return Base64Url.EncodeToString(mac[..TagBytes]);
    }
}
