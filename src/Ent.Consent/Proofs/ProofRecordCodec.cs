using System.Text;
using System.Text.Json;

namespace Ent.Consent;

/// <summary>
/// How stores write the fields a database has no type for, identically in every store: decisions as JSON, instants as
/// Unix microseconds.
/// </summary>
public static class ProofRecordCodec
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

    /// <summary>Reads decisions written by <see cref="FormatDecisions"/>.</summary>
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

    /// <summary>An instant as whole microseconds since the Unix epoch (sub-microsecond ticks are dropped).</summary>
    public static long ToUnixMicroseconds(DateTimeOffset instant) => (instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>The instant (UTC) of <paramref name="microseconds"/> since the Unix epoch.</summary>
    public static DateTimeOffset FromUnixMicroseconds(long microseconds) => DateTimeOffset.UnixEpoch.AddTicks(microseconds * 10);
}
