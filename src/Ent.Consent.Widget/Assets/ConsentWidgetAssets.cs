namespace Ent.Consent.Widget;

/// <summary>
/// The widget's scripts and stylesheet as served under <c>{PathPrefix}/widget.js</c>, <c>/guard.js</c> and <c>/widget.css</c>: their
/// Subresource Integrity values, for hosts that write their own tags or a Content-Security-Policy with hashes.
/// </summary>
public static class ConsentWidgetAssets
{
    /// <summary>The SRI value (<c>sha384-…</c>) of <c>widget.js</c>.</summary>
    public static string ScriptIntegrity => WidgetAsset.Script.Integrity;

    /// <summary>The SRI value (<c>sha384-…</c>) of <c>widget.css</c>.</summary>
    public static string StyleIntegrity => WidgetAsset.Style.Integrity;

    /// <summary>The size in bytes of <c>widget.js</c>, uncompressed and gzipped.</summary>
    public static (int Raw, int Gzipped) ScriptSize => (WidgetAsset.Script.Content.Length, WidgetAsset.Script.Gzipped.Length);

    /// <summary>The size in bytes of <c>widget.css</c>, uncompressed and gzipped.</summary>
    public static (int Raw, int Gzipped) StyleSize => (WidgetAsset.Style.Content.Length, WidgetAsset.Style.Gzipped.Length);

    /// <summary>The SRI value (<c>sha384-…</c>) of <c>guard.js</c>, the in-page guard rendered first in <c>&lt;head&gt;</c>.</summary>
    public static string GuardIntegrity => WidgetAsset.Guard.Integrity;

    /// <summary>The size in bytes of <c>guard.js</c>, uncompressed and gzipped.</summary>
    public static (int Raw, int Gzipped) GuardSize => (WidgetAsset.Guard.Content.Length, WidgetAsset.Guard.Gzipped.Length);

    /// <summary>The SRI value (<c>sha384-…</c>) of <c>signals.js</c>, loaded after the guard when the policy has a vendor that takes a consent signal.</summary>
    public static string SignalsIntegrity => WidgetAsset.Signals.Integrity;

    /// <summary>The size in bytes of <c>signals.js</c>, uncompressed and gzipped.</summary>
    public static (int Raw, int Gzipped) SignalsSize => (WidgetAsset.Signals.Content.Length, WidgetAsset.Signals.Gzipped.Length);
}
