using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Ent.Consent.AspNetCore.Endpoints;

namespace Ent.Consent.Widget;

/// <summary>The widget's own responses: its assets and its two stand-alone pages.</summary>
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

    public static Task WritePreferencesPageAsync(HttpContext context)
    {
        var widget = context.RequestServices.GetRequiredService<ConsentWidget>();
        var back = LocalUrl.OrRoot(context.Request.Query["returnUrl"]);
        var request = widget.CreateRequest(context, returnUrl: back);
        var body = WidgetRenderer.Preferences(request, 1);
        return WriteHtmlAsync(context, WidgetRenderer.Document(request, request.Text(request.Policy.Texts.PreferencesTitle), body, back));
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
