using System.Buffers;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;

namespace Ent.Consent;

/// <summary>
/// Hashes a policy over a canonical JSON form (fixed property order, sorted keys), so the version depends on content
/// only: not on declaration order of dictionaries, machine, culture or run.
/// </summary>
internal static class PolicyFingerprint
{
    public static string ComputeVersion(ConsentPolicy policy)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("format", "1");
            WriteStrings(writer, "controllers", policy.Controllers);
            writer.WriteString("choiceValidity", policy.ChoiceValidity.ToString());
            writer.WriteString("consentCookie", policy.ConsentCookieName);
            // "minors": false as before for the default, so existing versions (and the choices made under them) hold.
            writer.WriteBoolean("minors", policy.JointConsent != JointConsentRule.Off);
            if (policy.JointConsent != JointConsentRule.Off)
            {
                writer.WriteString("jointConsent", policy.JointConsent == JointConsentRule.EveryGuardian ? "every-guardian" : "any-guardian");
            }

            writer.WriteStartObject("texts");
            foreach (var (key, text) in ShownTexts(policy))
            {
                WriteText(writer, key, text);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("purposes");
            foreach (var purpose in policy.Purposes.OrderBy(static p => p.Id, StringComparer.Ordinal))
            {
                writer.WriteStartObject();
                writer.WriteString("id", purpose.Id);
                WriteText(writer, "name", purpose.Name);
                WriteText(writer, "description", purpose.Description);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("services");
            foreach (var service in policy.Services.OrderBy(static s => s.Id, StringComparer.Ordinal))
            {
                WriteService(writer, service);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan))[..16];
    }

    public static string ComputeTextsHash(ConsentPolicy policy, CultureInfo culture)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("culture", culture.Name);
            writer.WriteString("version", policy.Version);
            WriteStrings(writer, "controllers", policy.Controllers);
            foreach (var (key, text) in ShownTexts(policy))
            {
                writer.WriteString(key, text.Resolve(culture));
            }

            writer.WriteStartArray("services");
            foreach (var service in policy.Services)
            {
                writer.WriteStartObject();
                writer.WriteString("id", service.Id);
                writer.WriteString("name", service.Name.Resolve(culture));
                writer.WriteString("description", service.Description.Resolve(culture));
                writer.WriteString("provider", service.Provider);
                writer.WriteString("purpose", policy.FindPurpose(service.Purpose)?.Name.Resolve(culture) ?? service.Purpose);
                writer.WriteString("category", service.Category.ToString());
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Convert.ToHexStringLower(SHA256.HashData(buffer.WrittenSpan));
    }

    private static void WriteService(Utf8JsonWriter writer, ServiceDefinition service)
    {
        writer.WriteStartObject();
        writer.WriteString("id", service.Id);
        WriteText(writer, "name", service.Name);
        WriteText(writer, "description", service.Description);
        writer.WriteString("provider", service.Provider);
        writer.WriteString("purpose", service.Purpose);
        writer.WriteString("category", service.Category.ToString());
        writer.WriteString("legalBasis", service.LegalBasis.ToString());
        writer.WriteString("privacyPolicy", service.PrivacyPolicyUrl?.OriginalString);
        WriteText(writer, "justification", service.Justification);
        if (service.Exemption is { } exemption)
        {
            writer.WriteStartObject("exemption");
            foreach (var condition in Enum.GetValues<ExemptionCondition>())
            {
                writer.WriteBoolean(condition.ToString(), exemption.IsAttested(condition));
            }

            writer.WriteString("dataRetention", exemption.DataRetention?.ToString());
            writer.WriteString("configuration", exemption.Configuration);
            writer.WriteEndObject();
        }

        writer.WriteStartArray("cookies");
        foreach (var cookie in service.Cookies.OrderBy(static c => c.Name, StringComparer.Ordinal).ThenBy(static c => c.Domain, StringComparer.Ordinal))
        {
            writer.WriteStartObject();
            writer.WriteString("name", cookie.Name);
            writer.WriteString("domain", cookie.Domain);
            writer.WriteString("path", cookie.Path);
            writer.WriteString("lifetime", cookie.Lifetime?.ToString());
            writer.WriteBoolean("httpOnly", cookie.HttpOnly);
            WriteText(writer, "description", cookie.Description);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        WriteStrings(writer, "storageKeys", service.StorageKeys.Order(StringComparer.Ordinal));
        WriteStrings(writer, "hosts", service.Hosts.Order(StringComparer.Ordinal));
        writer.WriteEndObject();
    }

    private static void WriteText(Utf8JsonWriter writer, string name, LocalizedText text)
    {
        writer.WriteStartObject(name);
        foreach (var (culture, value) in text.OrderBy(static t => t.Key, StringComparer.OrdinalIgnoreCase))
        {
            writer.WriteString(culture.ToLowerInvariant(), value);
        }

        writer.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    // The joint-consent texts are shown only when joint consent is on: otherwise they change neither version nor hash.
    private static IEnumerable<KeyValuePair<string, LocalizedText>> ShownTexts(ConsentPolicy policy)
        => policy.Texts.All()
            .Where(t => policy.JointConsent != JointConsentRule.Off || !ConsentTexts.JointConsentKeys.Contains(t.Key))
            .OrderBy(static t => t.Key, StringComparer.Ordinal);
}
