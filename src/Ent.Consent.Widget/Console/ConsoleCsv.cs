using System.Globalization;
using System.Text;

namespace Ent.Consent.Widget.Console;

/// <summary>A proof export as CSV (RFC 4180), one row per record, for a spreadsheet.</summary>
internal static class ConsoleCsv
{
    public const string Header = "sequence,record_id,recorded_at,consent_id,subject_key,tenant,timestamp,decisions,policy_version,texts_hash,locale,channel,user_agent_family,ip_prefix,previous_hash,hash";

    public static string Write(ConsentProofExport export)
    {
        var csv = new StringBuilder(Header.Length + (export.Records.Count * 400));
        csv.Append(Header).Append("\r\n");
        foreach (var record in export.Records)
        {
            var content = record.Content;
            var decisions = string.Join(';', content.Decisions.OrderBy(static d => d.Key, StringComparer.Ordinal).Select(static d => d.Key + "=" + ConsentWireNames.Of(d.Value)));
            Row(csv,
                record.Sequence.ToString(CultureInfo.InvariantCulture),
                record.RecordId,
                Instant(record.RecordedAt),
                content.ConsentId,
                content.SubjectKey,
                content.Tenant,
                Instant(content.Timestamp),
                decisions,
                content.PolicyVersion,
                content.TextsHash,
                content.Locale,
                ConsentWireNames.Of(content.Channel),
                content.UserAgentFamily,
                content.IpPrefix,
                record.PreviousHash,
                record.Hash);
        }

        return csv.ToString();
    }

    private static string Instant(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private static void Row(StringBuilder csv, params string?[] cells)
    {
        for (var i = 0; i < cells.Length; i++)
        {
            if (i > 0)
            {
                csv.Append(',');
            }

            Cell(csv, cells[i] ?? string.Empty);
        }

        csv.Append("\r\n");
    }

    private static void Cell(StringBuilder csv, string value)
    {
        // A cell a spreadsheet would run as a formula is defused with a leading quote (CSV injection).
        if (value.Length > 0 && value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        if (value.AsSpan().IndexOfAny("\",\r\n") >= 0)
        {
            csv.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
        }
        else
        {
            csv.Append(value);
        }
    }
}
