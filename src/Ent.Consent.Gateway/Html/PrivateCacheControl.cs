using Microsoft.Extensions.Primitives;

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
        List<string>? kept = null;
        var isPrivate = false;
        foreach (var header in upstream)
        {
            foreach (var part in (header ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                var name = (equals < 0 ? part : part[..equals]).Trim();
                if (name.Equals("public", StringComparison.OrdinalIgnoreCase) || name.Equals("s-maxage", StringComparison.OrdinalIgnoreCase)
                    || name.Equals("proxy-revalidate", StringComparison.OrdinalIgnoreCase)
                    || (name.Equals("private", StringComparison.OrdinalIgnoreCase) && equals >= 0))
                {
                    // For shared caches only, or a private="field" that would still let them store the page.
                    continue;
                }

                isPrivate |= equals < 0 && (name.Equals("private", StringComparison.OrdinalIgnoreCase) || name.Equals("no-store", StringComparison.OrdinalIgnoreCase));
                (kept ??= []).Add(part);
            }
        }

        if (!isPrivate)
        {
            (kept ??= []).Insert(0, "private");
        }

        return string.Join(", ", kept!);
    }
}
