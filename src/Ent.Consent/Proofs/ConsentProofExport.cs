using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Ent.Consent;

/// <summary>
/// The JSON a rights request or an audit receives: every record of a consent id or subject, with the hashes that let
/// the reader check each record with <see cref="ProofChain.HasValidHash"/>.
/// </summary>
public sealed class ConsentProofExport
{
    /// <summary>The export format, <c>ent-consent/proofs/1</c>.</summary>
    public string Format { get; init; } = "ent-consent/proofs/1";

    /// <summary>When the export was made (UTC).</summary>
    public required DateTimeOffset ExportedAt { get; init; }

    /// <summary>The consent id asked for, when the export is by consent id.</summary>
    public string? ConsentId { get; init; }

    /// <summary>The subject key asked for, when the export is by subject.</summary>
    public string? SubjectKey { get; init; }

    /// <summary>The records, in chain order.</summary>
    public required IReadOnlyList<ConsentProof> Records { get; init; }

    /// <summary>Writes the export as UTF-8 JSON.</summary>
    public Task WriteToAsync(Stream stream, CancellationToken cancellationToken = default)
        => JsonSerializer.SerializeAsync(stream, this, ConsentProofJsonContext.Default.ConsentProofExport, cancellationToken);

    /// <summary>The export as JSON text.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, ConsentProofJsonContext.Default.ConsentProofExport);

    /// <summary>The source-generated JSON contract of an export, for a host that writes it itself (<c>Results.Json</c>).</summary>
    public static JsonTypeInfo<ConsentProofExport> JsonTypeInfo => ConsentProofJsonContext.Default.ConsentProofExport;

    /// <summary>The source-generated JSON contract of a <see cref="ChainVerification"/>, in the same naming.</summary>
    public static JsonTypeInfo<ChainVerification> VerificationJsonTypeInfo => ConsentProofJsonContext.Default.ChainVerification;

    /// <summary>Reads an export written by <see cref="ToJson"/> or <see cref="WriteToAsync"/>.</summary>
    /// <exception cref="JsonException">The text is not such an export.</exception>
    public static ConsentProofExport Parse(string json)
        => JsonSerializer.Deserialize(json, ConsentProofJsonContext.Default.ConsentProofExport)
            ?? throw new JsonException("The export is null.");
}

/// <summary>
/// Source-generated JSON for proof exports and chain verification: camelCase names, enums by their camelCase name
/// (<c>firstLayer</c>, <c>granted</c>), the same names as <see cref="ConsentWireNames"/> and the HTTP contract.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    WriteIndented = false,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(CamelCaseEnumConverter<ConsentChannel>), typeof(CamelCaseEnumConverter<ConsentDecision>)])]
[JsonSerializable(typeof(ConsentProofExport))]
[JsonSerializable(typeof(ChainVerification))]
internal sealed partial class ConsentProofJsonContext : JsonSerializerContext;

/// <summary>Writes and reads an enum by its camelCase name, and refuses numbers.</summary>
internal sealed class CamelCaseEnumConverter<TEnum> : JsonStringEnumConverter<TEnum>
    where TEnum : struct, Enum
{
    public CamelCaseEnumConverter()
        : base(JsonNamingPolicy.CamelCase, allowIntegerValues: false)
    {
    }
}
