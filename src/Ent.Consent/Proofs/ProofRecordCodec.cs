using System.Text;
using System.Text.Json;

namespace Ent.Consent;

/// <summary>How stores write the fields a database has no type for, identically in every store.</summary>
internal static class ProofRecordCodec
{
    /// <summary>Decisions as a JSON object of stable names, keys in ordinal order: <c>{"matomo":"granted"}</c>.</summary>
    public static string FormatDecisions(IReadOnlyDictionary<string, ConsentDecision> decisions)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var decision in decisions.OrderBy(static d => d.Key, StringComparer.Ordinal))
            {
                writer.WriteString(decision.Key, ConsentWireNames.Of(decision.Value));
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <exception cref="FormatException">The text is not a decisions object.</exception>
    public static IReadOnlyDictionary<string, ConsentDecision> ParseDecisions(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            var decisions = new SortedDictionary<string, ConsentDecision>(StringComparer.Ordinal);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                decisions[property.Name] = ConsentWireNames.ParseDecision(property.Value.GetString() ?? string.Empty);
            }

            return decisions;
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            throw new FormatException("The stored decisions are not a JSON object of decision names.", exception);
        }
    }

    public static long ToUnixMicroseconds(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    public static DateTimeOffset FromUnixMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);
}
