using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Ent.Consent.Gateway.Html;

/// <summary>
/// The <c>Cache-Control</c> of a page the gateway injected: the portal's directives for the browser's own cache kept,
/// made <c>private</c> (RFC 9111 §5.2.2.7) so that no shared cache (a CDN, a school's proxy) stores one visitor's page,
/// banner state and CSP nonce for the next. Directives addressed to shared caches only are dropped.
/// </summary>
internal static class PrivateCacheControl
{
    public static StringValues From(StringValues upstream)
    {
        // ASP.NET Core's parser of the directive list (quoted values may hold commas: private="Set-Cookie, X-Id").
        if (!NameValueHeaderValue.TryParseList(upstream, out var directives))
        {
            // Unreadable: nothing of it can be kept with certainty, and the page must stay out of shared caches.
            return "private";
        }

        var kept = new List<string>(directives.Count + 1);
        var isPrivate = false;
        foreach (var directive in directives)
        {
            var name = directive.Name.Value ?? string.Empty;
            var hasValue = directive.Value.HasValue;
            if (name.Equals("public", StringComparison.OrdinalIgnoreCase) || name.Equals("s-maxage", StringComparison.OrdinalIgnoreCase)
                || name.Equals("proxy-revalidate", StringComparison.OrdinalIgnoreCase)
                || (name.Equals("private", StringComparison.OrdinalIgnoreCase) && hasValue))
            {
                // For shared caches only, or a private="field" that would still let them store the page.
                continue;
            }

            isPrivate |= !hasValue && (name.Equals("private", StringComparison.OrdinalIgnoreCase) || name.Equals("no-store", StringComparison.OrdinalIgnoreCase));
            kept.Add(directive.ToString());
        }

        if (!isPrivate)
        {
            kept.Insert(0, "private");
        }

        return string.Join(", ", kept);
    }
}
