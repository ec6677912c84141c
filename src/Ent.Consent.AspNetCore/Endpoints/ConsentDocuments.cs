using System.Text.Json.Serialization;

namespace Ent.Consent.AspNetCore.Endpoints;

/// <summary>
/// The state as <c>GET {prefix}</c> answers it (docs/adr/0004-http-contract.md). The widget embeds the same document
/// in the page, so the script reads one format whichever way the state reached it.
/// </summary>
internal sealed class ConsentStateDocument
{
    public static ConsentStateDocument Create(ConsentPolicy policy, ConsentState? state, bool pending, Func<string, bool> isAllowed, Func<string, bool>? isWaitingForGuardians = null)
    {
        var services = new Dictionary<string, ServiceStateDocument>(policy.Services.Count, StringComparer.Ordinal);
        foreach (var service in policy.Services)
        {
            services[service.Id] = new ServiceStateDocument
            {
                Category = ConsentWireNames.Of(service.Category),
                Decision = ConsentWireNames.Of(state?.GetDecision(service.Id) ?? ConsentDecision.NotAsked),
                Allowed = isAllowed(service.Id),
                Waiting = isWaitingForGuardians?.Invoke(service.Id) == true,
            };
        }

        return new ConsentStateDocument
        {
            PolicyVersion = policy.Version,
            Pending = pending,
            ConsentId = state?.ConsentId,
            GivenAt = state?.GivenAt,
            ExpiresAt = state?.ExpiresAt,
            Channel = state is null ? null : ConsentWireNames.Of(state.Channel),
            Services = services,
        };
    }

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

    /// <summary>A minor granted the service, which waits for their guardians' agreement; written only when true.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
    public bool Waiting { get; init; }
}

/// <summary>The JSON body of <c>POST {prefix}</c>.</summary>
internal sealed class ChoiceDocument
{
    [JsonPropertyName(ConsentHttpNames.Action)]
    public string? Action { get; set; }

    [JsonPropertyName(ConsentHttpNames.Services)]
    public Dictionary<string, bool>? Services { get; set; }

    [JsonPropertyName(ConsentHttpNames.Channel)]
    public string? Channel { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    MaxDepth = 8)]
[JsonSerializable(typeof(ConsentStateDocument))]
[JsonSerializable(typeof(ChoiceDocument))]
internal sealed partial class ConsentJsonContext : JsonSerializerContext;
