using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace Ent.Consent.Widget;

/// <summary>
/// The page's part of the guard's data (<c>&lt;script type="application/json" id="ent-consent-guard"&gt;</c>): the
/// choice. The policy's part comes from <c>policy.js</c> (<see cref="GuardPolicy"/>), cached across pages.
/// </summary>
internal sealed class GuardConfig
{
    /// <summary>The choosable services allowed now.</summary>
    [JsonPropertyName("a")]
    public required List<string> Allowed { get; init; }

    /// <summary>The exempt audience deadline in Unix milliseconds, or null when none is known.</summary>
    [JsonPropertyName("d")]
    public required long? ExemptDeadline { get; init; }
}

/// <summary>The guard's rules, the same on every page of a policy: <c>EntConsentPolicy.guard</c> in <c>policy.js</c>.</summary>
internal sealed class GuardPolicy
{
    [JsonPropertyName("e")]
    public required IReadOnlyList<string> Essential { get; init; }

    [JsonPropertyName("x")]
    public required IReadOnlyList<string> ExemptAudience { get; init; }

    /// <summary>Declared cookie name or <c>prefix*</c> → the service whose decision governs it.</summary>
    [JsonPropertyName("c")]
    public required IReadOnlyDictionary<string, string> Cookies { get; init; }

    /// <summary>Declared storage key or <c>prefix*</c> → the service whose decision governs it.</summary>
    [JsonPropertyName("s")]
    public required IReadOnlyDictionary<string, string> StorageKeys { get; init; }

    /// <summary>Whether script writes of undeclared cookies are dropped (<c>UndeclaredCookies = Enforce</c>).</summary>
    [JsonPropertyName("u")]
    public required bool DropUndeclaredCookies { get; init; }

    /// <summary>Whether dropped writes are reported in the console (development).</summary>
    [JsonPropertyName("v")]
    public required bool Verbose { get; init; }

    /// <summary>The vendors signals.js tells the choice, or null when the policy has none (signals.js is then not loaded).</summary>
    [JsonPropertyName("g")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public VendorSignals? Signals { get; init; }
}

/// <summary>Which services of the policy stand for a vendor that takes a consent signal (docs/widget.md).</summary>
internal sealed class VendorSignals
{
    /// <summary>Piano Analytics: consent-required ids (mode <c>opt-in</c>) and exempt ids (<c>essential</c>).</summary>
    [JsonPropertyName("pa")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public PianoSignal? Piano { get; init; }

    /// <summary>Matomo: consent given while any of these is allowed.</summary>
    [JsonPropertyName("mt")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public List<string>? Matomo { get; init; }

    /// <summary>Google Consent Mode v2.</summary>
    [JsonPropertyName("gcm")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public GoogleSignal? Google { get; init; }

    /// <summary>The signals for the built-in profiles present in <paramref name="policy"/>, or null when none is.</summary>
    public static VendorSignals? For(ConsentPolicy policy)
    {
        List<string>? Present(params string[] ids)
            => ids.Where(id => policy.Services.Any(s => s.Id == id)).ToList() is { Count: > 0 } found ? found : null;

        var piano = Present("dnma", "dnma-exempt") is null ? null : new PianoSignal { Consent = Present("dnma") ?? [], Exempt = Present("dnma-exempt") ?? [] };
        var matomo = Present("matomo", "matomo-exempt");
        var google = Present("google-analytics") is { } analytics ? new GoogleSignal { Analytics = analytics, Ads = [] } : null;
        return piano is null && matomo is null && google is null ? null : new VendorSignals { Piano = piano, Matomo = matomo, Google = google };
    }
}

internal sealed class PianoSignal
{
    [JsonPropertyName("c")]
    public required List<string> Consent { get; init; }

    [JsonPropertyName("x")]
    public required List<string> Exempt { get; init; }
}

internal sealed class GoogleSignal
{
    /// <summary>Services whose grant sets <c>analytics_storage</c>.</summary>
    [JsonPropertyName("an")]
    public required List<string> Analytics { get; init; }

    /// <summary>Services whose grant sets <c>ad_storage</c>, <c>ad_user_data</c> and <c>ad_personalization</c> (none built in).</summary>
    [JsonPropertyName("ad")]
    public required List<string> Ads { get; init; }
}

/// <summary>
/// A policy's names as the guard classifies them, computed once per policy. A name declared by several services is
/// governed by the strictest, as in <see cref="TrackerClassifier"/>, so script and server give the same answer.
/// </summary>
internal sealed class GuardRules
{
    private static readonly ConditionalWeakTable<ConsentPolicy, GuardRules> Cache = [];

    private GuardRules(ConsentPolicy policy)
    {
        Essential = Ids(policy, ServiceCategory.Essential);
        ExemptAudience = Ids(policy, ServiceCategory.ExemptAudience);
        Cookies = Governing(policy.Services.SelectMany(static s => s.Cookies.Select(c => (c.Name, s))));
        StorageKeys = Governing(policy.Services.SelectMany(static s => s.StorageKeys.Select(k => (k, s))));
        Signals = VendorSignals.For(policy);
    }

    public VendorSignals? Signals { get; }

    public IReadOnlyList<string> Essential { get; }

    public IReadOnlyList<string> ExemptAudience { get; }

    public IReadOnlyDictionary<string, string> Cookies { get; }

    public IReadOnlyDictionary<string, string> StorageKeys { get; }

    public static GuardRules For(ConsentPolicy policy) => Cache.GetValue(policy, static p => new GuardRules(p));

    private static List<string> Ids(ConsentPolicy policy, ServiceCategory category)
        => policy.Services.Where(s => s.Category == category).Select(static s => s.Id).ToList();

    private static Dictionary<string, string> Governing(IEnumerable<(string Pattern, ServiceDefinition Service)> declarations)
        => declarations
            .GroupBy(static d => d.Pattern, StringComparer.Ordinal)
            // The strictest category wins; among equals the first declared, as the classifier's stable ordering does.
            .ToDictionary(static g => g.Key, static g => g.OrderByDescending(static d => d.Service.Category).First().Service.Id, StringComparer.Ordinal);
}
