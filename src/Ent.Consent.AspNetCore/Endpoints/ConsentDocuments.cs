using System.Text.Json.Serialization;

namespace Ent.Consent.AspNetCore.Endpoints;

/// <summary>The state as <c>GET {prefix}</c> answers it (docs/adr/0004-http-contract.md).</summary>
internal sealed class ConsentStateDocument
{
    public required string PolicyVersion { get; init; }

    public required bool Pending { get; init; }

    public string? ConsentId { get; init; }

    public DateTimeOffset? GivenAt { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string? Channel { get; init; }

    public required Dictionary<string, ServiceStateDocument> Services { get; init; }
}

/// <summary>One service in <see cref="ConsentStateDocument"/>.</summary>
internal sealed class ServiceStateDocument
{
    public required string Category { get; init; }

    public required string Decision { get; init; }

    public required bool Allowed { get; init; }
}

/// <summary>The JSON body of <c>POST {prefix}</c>.</summary>
internal sealed class ChoiceDocument
{
    public string? Action { get; set; }

    public Dictionary<string, bool>? Services { get; set; }

    public string? Channel { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    MaxDepth = 8)]
[JsonSerializable(typeof(ConsentStateDocument))]
[JsonSerializable(typeof(ChoiceDocument))]
internal sealed partial class ConsentJsonContext : JsonSerializerContext;
