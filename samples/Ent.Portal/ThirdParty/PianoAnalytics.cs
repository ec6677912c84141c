using System.Collections.Concurrent;

namespace Ent.Portal.ThirdParty;

/// <summary>
/// The real Piano Analytics SDK (npm <c>piano-analytics-js</c>, the vendor of the national ENT audience scheme) as the
/// portal's <c>dnma</c> service, when <c>ThirdParty:PianoSdkPath</c> names its browser build
/// (<c>artifacts/npm/node_modules/piano-analytics-js/dist/browser/piano-analytics.js</c> after
/// <c>bash eng/test-deps.sh install</c>). Served at the DNMA script's address with the portal's tag after it; hits go to
/// the portal itself (<see cref="CollectPath"/>), which counts them instead of sending them anywhere.
/// </summary>
public sealed class PianoAnalytics
{
    public const string CollectPath = "/thirdparty/piano-collect";

    // The portal's tag: page views to the local collector; no hit once the visitor has opted out.
    private const string Tag = """

        ;(function () {
          "use strict";
          pa.setConfigurations({ site: 1, collectDomain: location.origin + "/thirdparty/piano-collect", sendEventWhenOptout: false });
          pa.sendEvent("page.display", { page: document.title });
          window.dnmaHits = (window.dnmaHits || 0) + 1;
        })();
        """;

    private PianoAnalytics(byte[] script) => Script = script;

    /// <summary>The SDK followed by the portal's tag.</summary>
    public byte[] Script { get; }

    /// <summary>Every hit the SDK sent, as path and query.</summary>
    public ConcurrentQueue<string> Hits { get; } = new();

    /// <summary>The SDK named by configuration, or null (then the portal serves its emulation and says why).</summary>
    public static PianoAnalytics? Load(IConfiguration configuration, ILogger logger)
    {
        var path = configuration["ThirdParty:PianoSdkPath"];
        if (string.IsNullOrEmpty(path))
        {
            logger.LogInformation("DNMA is emulated. To run the real Piano Analytics SDK, run `bash eng/test-deps.sh install` and start with --ThirdParty:PianoSdkPath artifacts/npm/node_modules/piano-analytics-js/dist/browser/piano-analytics.js");
            return null;
        }

        if (!File.Exists(path))
        {
            logger.LogError("ThirdParty:PianoSdkPath '{Path}' does not exist: DNMA is emulated instead. Install the pinned SDK with `bash eng/test-deps.sh install` (npm).", path);
            return null;
        }

        return new PianoAnalytics([.. File.ReadAllBytes(path), .. System.Text.Encoding.UTF8.GetBytes(Tag)]);
    }
}
