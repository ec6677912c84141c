using System.Text.Json.Serialization;
using Ent.Consent.AspNetCore.Endpoints;

namespace Ent.Consent.Widget;

/// <summary>
/// The page's part of the script's data (<c>&lt;script type="application/json" id="ent-consent-config"&gt;</c>): the
/// choice. The rest comes from <c>policy.js</c> (<see cref="WidgetPolicy"/>), cached across pages.
/// </summary>
internal sealed class WidgetConfig
{
    /// <summary>The state exactly as <c>GET {prefix}</c> answers it.</summary>
    public required ConsentStateDocument State { get; init; }

    /// <summary>
    /// Ids of the services this page's enforced Content-Security-Policy keeps out: allowing one reloads the page, so
    /// that the browser gets a policy listing its hosts.
    /// </summary>
    public required List<string> Reload { get; init; }
}

/// <summary>
/// What the script needs besides the choice, the same on every page of a policy, culture and consent path:
/// <c>EntConsentPolicy.widget</c> in <c>policy.js</c>.
/// </summary>
internal sealed class WidgetPolicy
{
    public required string Endpoint { get; init; }

    /// <summary>Where the script fetches the preference centre's dialog from (<c>{prefix}/dialog</c>).</summary>
    public required string Dialog { get; init; }

    /// <summary>The stand-alone preferences page, where the script sends the user when the dialog cannot be fetched.</summary>
    public required string Preferences { get; init; }

    /// <summary>Where the script finds the antiforgery token and which header it sends it in.</summary>
    public required WidgetAntiforgery Antiforgery { get; init; }

    /// <summary>The endpoint's field and value names the script posts (<c>ConsentHttpNames</c>, <c>ConsentWireNames</c>).</summary>
    public required Dictionary<string, string> Wire { get; init; }

    /// <summary>Per choosable service: name, provider, cookies and storage keys the script deletes on withdrawal.</summary>
    public required Dictionary<string, WidgetService> Services { get; init; }

    /// <summary>Ids of the essential services, which always run.</summary>
    public required List<string> Essential { get; init; }

    /// <summary>The language of <see cref="Texts"/> and its direction, for the placeholders the script creates.</summary>
    public required string Lang { get; init; }

    /// <inheritdoc cref="Lang"/>
    public required string Dir { get; init; }

    public required Dictionary<string, string> Texts { get; init; }
}

/// <summary>The object <c>policy.js</c> assigns to <c>window.EntConsentPolicy</c>.</summary>
internal sealed class PolicyScriptData
{
    public required GuardPolicy Guard { get; init; }

    public required WidgetPolicy Widget { get; init; }
}

internal sealed class WidgetAntiforgery
{
    public required string Field { get; init; }

    public required string? Header { get; init; }
}

internal sealed class WidgetService
{
    [JsonPropertyName("n")]
    public required string Name { get; init; }

    [JsonPropertyName("p")]
    public required string Provider { get; init; }

    /// <summary>Cookies as [name or prefix*, path, domain or empty].</summary>
    [JsonPropertyName("k")]
    public required List<string[]> Cookies { get; init; }

    /// <summary>localStorage / sessionStorage keys, exact or prefix*.</summary>
    [JsonPropertyName("s")]
    public required List<string> StorageKeys { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(WidgetConfig))]
[JsonSerializable(typeof(GuardConfig))]
[JsonSerializable(typeof(PolicyScriptData))]
[JsonSerializable(typeof(ConsentStateDocument))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class WidgetJsonContext : JsonSerializerContext;
