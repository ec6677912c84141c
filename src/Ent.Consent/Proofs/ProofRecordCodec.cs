using System.Data.Common;
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

    /// <summary>
    /// One proof record from a row of <paramref name="reader"/>, the same in every store. Columns, in this order:
    /// sequence, record id, recorded at, consent id, subject key, tenant, timestamp, decisions (JSON), policy version,
    /// texts hash, locale, channel name, user-agent family, IP prefix, previous hash, hash, about-subject key.
    /// </summary>
    /// <param name="reader">The reader, on the row.</param>
    /// <param name="readInstant">Reads the instant of a column as the store keeps instants.</param>
    public static ConsentProof ReadProof(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> readInstant)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(readInstant);
        return new ConsentProof
        {
            Sequence = reader.GetInt64(0),
            RecordId = reader.GetString(1),
            RecordedAt = readInstant(reader, 2),
            Content = new ConsentProofDraft
            {
                ConsentId = reader.GetString(3),
                SubjectKey = NullableString(reader, 4),
                Tenant = NullableString(reader, 5),
                Timestamp = readInstant(reader, 6),
                Decisions = ParseDecisions(reader.GetString(7)),
                PolicyVersion = reader.GetString(8),
                TextsHash = reader.GetString(9),
                Locale = reader.GetString(10),
                Channel = ConsentWireNames.ParseChannel(reader.GetString(11)),
                UserAgentFamily = NullableString(reader, 12),
                IpPrefix = NullableString(reader, 13),
                AboutSubjectKey = NullableString(reader, 16),
            },
            PreviousHash = reader.GetString(14),
            Hash = reader.GetString(15),
        };
    }

    private static string? NullableString(DbDataReader reader, int column) => reader.IsDBNull(column) ? null : reader.GetString(column);
}
