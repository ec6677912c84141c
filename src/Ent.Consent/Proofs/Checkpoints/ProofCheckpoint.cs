using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ent.Consent;

/// <summary>
/// A signed statement "at <see cref="CreatedAt"/>, record <see cref="Sequence"/> of the chain had hash
/// <see cref="HeadHash"/>", written outside the database. Whoever can rewrite the database cannot forge it without the
/// signing key, so a chain recomputed after it no longer matches. See <c>docs/adr/0007-anchored-proof-chain.md</c>.
/// </summary>
public sealed class ProofCheckpoint
{
    /// <summary>The format named in the signed bytes and in each JSON line: <c>ent-consent/checkpoint/1</c>.</summary>
    public const string FormatName = "ent-consent/checkpoint/1";

    /// <summary>The sequence of the chain's head when the checkpoint was taken.</summary>
    public required long Sequence { get; init; }

    /// <summary>The head's hash (the hash of record <see cref="Sequence"/>).</summary>
    public required string HeadHash { get; init; }

    /// <summary>When the checkpoint was signed (UTC, microsecond precision).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The id of the signing key (<see cref="ProofCheckpointKey.KeyId"/>).</summary>
    public required string KeyId { get; init; }

    /// <summary>The ECDSA P-256 / SHA-256 signature of <see cref="GetSignedBytes"/>, IEEE P1363 form, base64.</summary>
    public required string Signature { get; init; }

    /// <summary>
    /// The bytes the signature covers: each field as <c>name:length:value\n</c> (length in UTF-8 bytes), in the order
    /// format, sequence, headHash, createdAt (Unix microseconds), keyId, as the proof chain's own hashes are written.
    /// </summary>
    public static byte[] GetSignedBytes(long sequence, string headHash, DateTimeOffset createdAt, string keyId)
    {
        ArgumentNullException.ThrowIfNull(headHash);
        ArgumentNullException.ThrowIfNull(keyId);
        var builder = new StringBuilder(160);
        Append(builder, "format", FormatName);
        Append(builder, "sequence", sequence.ToString(CultureInfo.InvariantCulture));
        Append(builder, "headHash", headHash);
        Append(builder, "createdAt", ((ProofChain.TruncateToMicroseconds(createdAt).UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10).ToString(CultureInfo.InvariantCulture));
        Append(builder, "keyId", keyId);
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    /// <summary>This checkpoint as one line of JSON (no line break), the form the file sink appends.</summary>
    public string ToJson() => JsonSerializer.Serialize(ProofCheckpointLine.From(this), ProofCheckpointJsonContext.Default.ProofCheckpointLine);

    /// <summary>Reads a checkpoint written by <see cref="ToJson"/>. The signature is not checked here.</summary>
    /// <exception cref="FormatException">The text is not a checkpoint of this format.</exception>
    public static ProofCheckpoint Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        ProofCheckpointLine? line;
        try
        {
            line = JsonSerializer.Deserialize(json, ProofCheckpointJsonContext.Default.ProofCheckpointLine);
        }
        catch (JsonException exception)
        {
            throw new FormatException($"Not a proof checkpoint: {exception.Message}", exception);
        }

        if (line is null || !string.Equals(line.Format, FormatName, StringComparison.Ordinal))
        {
            throw new FormatException($"Not a proof checkpoint: the format must be \"{FormatName}\".");
        }

        if (line.Sequence < 1 || string.IsNullOrEmpty(line.HeadHash) || string.IsNullOrEmpty(line.KeyId) || string.IsNullOrEmpty(line.Signature) || line.CreatedAt is null)
        {
            throw new FormatException("Not a proof checkpoint: sequence, headHash, createdAt, keyId and signature are required.");
        }

        return new ProofCheckpoint
        {
            Sequence = line.Sequence,
            HeadHash = line.HeadHash,
            CreatedAt = ProofChain.TruncateToMicroseconds(line.CreatedAt.Value),
            KeyId = line.KeyId,
            Signature = line.Signature,
        };
    }

    private static void Append(StringBuilder builder, string name, string value)
        => builder.Append(name).Append(':').Append(Encoding.UTF8.GetByteCount(value).ToString(CultureInfo.InvariantCulture)).Append(':').Append(value).Append('\n');
}

/// <summary>The JSON form of a checkpoint, with its format first so a line explains itself.</summary>
internal sealed class ProofCheckpointLine
{
    public string? Format { get; set; }

    public long Sequence { get; set; }

    public string? HeadHash { get; set; }

    public DateTimeOffset? CreatedAt { get; set; }

    public string? KeyId { get; set; }

    public string? Signature { get; set; }

    public static ProofCheckpointLine From(ProofCheckpoint checkpoint) => new()
    {
        Format = ProofCheckpoint.FormatName,
        Sequence = checkpoint.Sequence,
        HeadHash = checkpoint.HeadHash,
        CreatedAt = checkpoint.CreatedAt,
        KeyId = checkpoint.KeyId,
        Signature = checkpoint.Signature,
    };
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = false)]
[JsonSerializable(typeof(ProofCheckpointLine))]
internal sealed partial class ProofCheckpointJsonContext : JsonSerializerContext;
