using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Ent.Consent.Gateway;

/// <summary>
/// A portal that does not know it sits behind the gateway redirects to its own address
/// (<c>Location: http://127.0.0.1:8080/login</c>): that address is rewritten to the one the browser used, so the user
/// stays behind the gateway (and under its enforcement) instead of reaching the portal directly, or nothing at all.
/// Locations to any other site, and relative ones, are left as they are.
/// </summary>
internal static class UpstreamLocation
{
    public static void Rewrite(HttpContext context, Uri upstream)
    {
        var headers = context.Response.Headers;
        if (headers.Location.Count != 1 || !Uri.TryCreate(headers.Location[0], UriKind.Absolute, out var location)
            || !string.Equals(location.Scheme, upstream.Scheme, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(location.Authority, upstream.Authority, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        // The upstream's own path base is the gateway's root.
        var path = location.AbsolutePath;
        var upstreamBase = upstream.AbsolutePath.TrimEnd('/');
        if (upstreamBase.Length > 0)
        {
            if (!path.StartsWith(upstreamBase, StringComparison.Ordinal) || (path.Length > upstreamBase.Length && path[upstreamBase.Length] != '/'))
            {
                return;
            }

            path = path[upstreamBase.Length..];
        }

        var request = context.Request;
        headers[HeaderNames.Location] = string.Concat(request.Scheme, "://", request.Host.Value, request.PathBase.Value, path.Length == 0 ? "/" : path, location.Query, location.Fragment);
    }
}
