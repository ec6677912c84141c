using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Ent.Consent.AspNetCore.Endpoints;
using Ent.Consent.AspNetCore.Enforcement;
using Ent.Consent.AspNetCore.Guardians;

namespace Ent.Consent.Widget;

/// <summary>The widget's own responses: its assets, its stand-alone pages and the dialog the script fetches.</summary>
internal static class WidgetEndpoints
{
    public static Task WriteAssetAsync(HttpContext context, WidgetAsset asset)
    {
        var response = context.Response;
        var headers = response.GetTypedHeaders();
        response.Headers.ETag = asset.ETag;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.Vary = HeaderNames.AcceptEncoding;
        // The URL the widget writes carries the content hash: that copy never changes and is cached for a year.
        response.Headers.CacheControl = context.Request.Query["v"] == asset.Version
            ? "public, max-age=31536000, immutable"
            : "public, no-cache";
        if (context.Request.Headers.IfNoneMatch.Any(value => value is not null && value.Contains(asset.ETag, StringComparison.Ordinal)))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        var body = asset.Content;
        if (AcceptsGzip(context.Request.Headers.AcceptEncoding))
        {
            response.Headers.ContentEncoding = "gzip";
            body = asset.Gzipped;
        }

        headers.ContentLength = body.Length;
        return HttpMethods.IsHead(context.Request.Method) ? Task.CompletedTask : response.Body.WriteAsync(body).AsTask();
    }

    /// <summary>
    /// <c>policy.js</c>: the one a page was given when this process wrote it (by <c>v</c>), otherwise the script of this
    /// request's policy in the page's language (<c>lang</c>), which is the same one unless the policy changed.
    /// </summary>
    public static Task WritePolicyScriptAsync(HttpContext context)
    {
        var asset = PolicyScript.Find(context.Request.Query["v"]);
        if (asset is null)
        {
            var widget = context.RequestServices.GetRequiredService<ConsentWidget>();
            asset = WidgetTemplates.PolicyScript(widget.CreateRequest(context, TokenWhen.Never, culture: PageLanguage(context))).Asset;
        }

        // A URL whose version no longer matches gets the current script uncached (WriteAssetAsync), never an error.
        return WriteAssetAsync(context, asset);
    }

    public static Task WritePreferencesPageAsync(HttpContext context)
    {
        var widget = context.RequestServices.GetRequiredService<ConsentWidget>();
        var back = LocalUrl.OrRoot(context.Request.Query["returnUrl"]);
        var request = widget.CreateRequest(context, returnUrl: back, culture: PageLanguage(context));
        var body = WidgetRenderer.Preferences(request, 1);
        return WriteHtmlAsync(context, WidgetRenderer.Document(request, request.Text(request.Policy.Texts.PreferencesTitle), body, back));
    }

    /// <summary>
    /// The preference centre's <c>&lt;dialog&gt;</c> alone, which the script inserts and opens: pages no longer carry it.
    /// Its forms carry an antiforgery token (and the cookie goes out with this response when the visitor has none).
    /// </summary>
    public static Task WriteDialogAsync(HttpContext context)
    {
        var widget = context.RequestServices.GetRequiredService<ConsentWidget>();
        var html = widget.RenderDialog(context, LocalUrl.OrRoot(context.Request.Query["returnUrl"]), PageLanguage(context));
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return WriteHtmlAsync(context, html);
    }

    public static Task WriteCookiePageAsync(HttpContext context)
    {
        var widget = context.RequestServices.GetRequiredService<ConsentWidget>();
        var back = LocalUrl.OrRoot(context.Request.Query["returnUrl"]);
        // The opt-out form comes back to this page.
        var request = widget.CreateRequest(context, returnUrl: ConsentWidget.CurrentUrl(context));
        var body = WidgetRenderer.CookiePage(request, 1);
        return WriteHtmlAsync(context, WidgetRenderer.Document(request, request.Text(request.Policy.Texts.CookiePageTitle), body, back));
    }

    /// <summary>
    /// The page a guardian decides on for each of their children under 15 (joint consent): forms that post to
    /// <c>{prefix}/guardian</c> and come back here. 404 when joint consent is off, 403 when nobody is signed in.
    /// </summary>
    public static async Task WriteGuardianPageAsync(HttpContext context)
    {
        var runtime = context.RequestServices.GetRequiredService<ConsentRuntime>();
        var consent = ConsentResponse.Of(context)?.Consent
            ?? throw new InvalidOperationException("The guardian page needs the feature set by app.UseEntConsent().");
        var policy = consent.Policy;
        context.Response.Headers.CacheControl = "no-store";
        if (policy.JointConsent == JointConsentRule.Off || runtime.Guardians is null || runtime.ProofStore is null)
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Joint consent is off",
                detail: "This portal does not collect guardians' consent (JointConsent is Off, or no guardian directory or proof store is registered).").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var overview = await GuardianOverview.ReadAsync(context, runtime, policy, consent.Tenant, context.RequestAborted).ConfigureAwait(false);
        if (overview is null)
        {
            await TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Not signed in",
                detail: "Sign in as a guardian to see your children's consent.").ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var widget = context.RequestServices.GetRequiredService<ConsentWidget>();
        var back = LocalUrl.OrRoot(context.Request.Query["returnUrl"]);
        var request = widget.CreateRequest(context, returnUrl: ConsentWidget.CurrentUrl(context));
        var body = WidgetRenderer.GuardianPage(request, overview, 1);
        await WriteHtmlAsync(context, WidgetRenderer.Document(request, request.Text(policy.Texts.GuardianPageTitle), body, back)).ConfigureAwait(false);
    }

    /// <summary>
    /// The language of the page the script came from (<c>lang</c>: its widget's language), so the dialog speaks it
    /// whatever gave the page its culture (a query string, a route); null when absent or not a culture.
    /// </summary>
    private static CultureInfo? PageLanguage(HttpContext context)
    {
        var lang = context.Request.Query["lang"].ToString();
        if (lang.Length is 0 or > 35)
        {
            return null;
        }

        try
        {
            return CultureInfo.GetCultureInfo(lang, predefinedOnly: true);
        }
        catch (CultureNotFoundException)
        {
            return null;
        }
    }

    private static Task WriteHtmlAsync(HttpContext context, string html)
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        // The page carries an antiforgery token and the user's choice.
        context.Response.Headers.CacheControl = "no-store";
        return context.Response.WriteAsync(html);
    }

    private static bool AcceptsGzip(StringValues acceptEncoding)
    {
        foreach (var value in acceptEncoding)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var part in value.Split(','))
            {
                var coding = part.Trim();
                if (coding.StartsWith("gzip", StringComparison.OrdinalIgnoreCase) && !coding.Replace(" ", string.Empty, StringComparison.Ordinal).EndsWith(";q=0", StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }
}
