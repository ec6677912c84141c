using Ent.Consent.AspNetCore;

namespace Ent.Consent.Proofs.Tests;

/// <summary>The Ent.Consent options of a small test portal: one consent-required video service.</summary>
internal static class TestPortal
{
    public const string SubjectKey = "a-test-subject-key-of-at-least-32-characters";

    public static void Configure(EntConsentOptions options)
    {
        // A folder per host: the refusal spool is locked to the one host that drains it, and the tests' hosts run side by side.
        options.DataDirectory = Directory.CreateTempSubdirectory("ent-consent-proofs-test-").FullName;
        options.Policy.Controllers = ["Région de test"];
        options.Policy.Services =
        [
            new ServiceDeclaration
            {
                Id = "videos",
                Name = new("Vidéos", "Videos"),
                Provider = "Vidéos SA",
                Purpose = "video",
                Category = ServiceCategory.ConsentRequired,
                Cookies = [new CookieDeclaration { Name = "vid_pref", Lifetime = CalendarPeriod.FromMonths(6) }],
            },
        ];
        options.SubjectKey = SubjectKey;
    }

    /// <summary>The subject key of a user id, computed from the contract (HMAC-SHA-256, 128 bits, base64url).</summary>
    public static string SubjectKeyOf(string userId)
    {
        var mac = System.Security.Cryptography.HMACSHA256.HashData(System.Text.Encoding.UTF8.GetBytes(SubjectKey), System.Text.Encoding.UTF8.GetBytes(userId));
        return Convert.ToBase64String(mac, 0, 16).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
