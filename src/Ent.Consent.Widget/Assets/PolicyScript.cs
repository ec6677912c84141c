using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace Ent.Consent.Widget;

/// <summary>
/// <c>{prefix}/policy.js</c>: what the guard and the script need besides the visitor's choice (the guard's cookie and
/// storage maps, the services' names and cookies, the texts, the endpoint's names), as <c>window.EntConsentPolicy</c>.
/// It is the same on every page of a policy, culture and consent path, so pages carry only the choice and browsers
/// cache the rest for a year under a content-hashed URL.
/// </summary>
internal sealed class PolicyScript
{
    public const string FileName = "policy.js";

    // Enough for every school of a large gateway in a few languages; past it the endpoint renders again from the request.
    private const int MaxServed = 1024;

    // The scripts pages were given, by version: served as written even when the request that fetches one would resolve
    // another policy (a resolver that reads more than the host).
    private static readonly ConcurrentDictionary<string, WidgetAsset> Served = new(StringComparer.Ordinal);

    private PolicyScript(WidgetAsset asset, string tagOpen)
    {
        Asset = asset;
        TagOpen = tagOpen;
    }

    public WidgetAsset Asset { get; }

    /// <summary>The script tag up to where its nonce goes: <c>&lt;script src="…/policy.js?lang=…&amp;v=…" integrity="…"</c>.</summary>
    public string TagOpen { get; }

    public static PolicyScript Create(WidgetRequest request)
    {
        var json = JsonSerializer.Serialize(WidgetRenderer.PolicyData(request), WidgetJsonContext.Default.PolicyScriptData);
        // The default encoder escapes <, >, &, quotes and non-ASCII: the JSON is a valid script expression as it is.
        var asset = WidgetAsset.Create(FileName, "text/javascript; charset=utf-8", Encoding.UTF8.GetBytes("window.EntConsentPolicy=" + json + ";\n"));
        if (Served.Count >= MaxServed)
        {
            Served.Clear();
        }

        Served[asset.Version] = asset;
        // The culture in the URL lets another node (or this one after a restart) render the same script again.
        var url = $"{request.ConsentUrl}/{FileName}?lang={Uri.EscapeDataString(request.Culture.Name)}&v={asset.Version}";
        return new PolicyScript(asset, $"<script src=\"{WidgetRenderer.Encode(url)}\" integrity=\"{asset.Integrity}\"");
    }

    /// <summary>The script a page was given under <paramref name="version"/>, when this process wrote it and still keeps it.</summary>
    public static WidgetAsset? Find(string? version)
        => version is { Length: > 0 } && Served.TryGetValue(version, out var asset) ? asset : null;
}
