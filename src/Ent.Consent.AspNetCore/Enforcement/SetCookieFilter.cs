using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// Applies the policy to every <c>Set-Cookie</c> of a response, however it was written (<c>Response.Cookies</c> or
/// a raw header), just before the headers leave: consent-required cookies without consent are dropped, exempt
/// audience cookies end no later than their first deposit + 13 months, undeclared cookies are dropped or reported.
/// Deletions always pass: removing a cookie never needs consent.
/// </summary>
internal static class SetCookieFilter
{
    public static void Apply(HttpContext context, ConsentFeature feature, ConsentRuntime runtime)
    {
        var headers = context.Response.Headers;
        var setCookies = headers.SetCookie;
        if (setCookies.Count == 0)
        {
            return;
        }

        var now = runtime.Time.GetUtcNow();
        List<string>? result = null;
        for (var i = 0; i < setCookies.Count; i++)
        {
            var header = setCookies[i] ?? string.Empty;
            var outcome = Decide(header, feature, runtime, now, out var rewritten);
            if (outcome == Outcome.Keep && result is null)
            {
                continue;
            }

            if (result is null)
            {
                result = new List<string>(setCookies.Count + 1);
                for (var j = 0; j < i; j++)
                {
                    result.Add(setCookies[j]!);
                }
            }

            if (outcome == Outcome.Keep)
            {
                result.Add(header);
            }
            else if (outcome == Outcome.Rewrite)
            {
                result.Add(rewritten!);
            }
        }

        if (feature.DepositStarted)
        {
            result ??= [.. setCookies.Select(static h => h ?? string.Empty)];
            result.Add(DepositCookieHeader(context, feature, runtime, now));
        }

        if (result is not null)
        {
            headers.SetCookie = new StringValues(result.ToArray());
        }
    }

    private static Outcome Decide(string header, ConsentFeature feature, ConsentRuntime runtime, DateTimeOffset now, out string? rewritten)
    {
        rewritten = null;
        var policy = feature.Policy;

        // Fast path, no allocation: essential cookies and granted consent-required ones pass on their name and domain.
        if (TryReadNameAndDomain(header, out var fastName, out var fastDomain)
            && policy.Classifier.Classify(fastName, fastDomain) is { Service: { } known } fast
            && (fast.Category == ServiceCategory.Essential || (fast.Category == ServiceCategory.ConsentRequired && feature.IsAllowed(known.Id))))
        {
            return Outcome.Keep;
        }

        if (!SetCookieHeaderValue.TryParse(header, out var cookie) || cookie.Name.Length == 0)
        {
            var keep = runtime.Options.UndeclaredCookies == UndeclaredCookieMode.Report;
            ConsentLog.UnreadableSetCookie(runtime.Logger, keep ? "let through (Report mode)" : "dropped");
            runtime.Metrics.CookieBlocked("(unreadable)", keep ? "reported" : "unreadable");
            return keep ? Outcome.Keep : Outcome.Drop;
        }

        if (IsDeletion(cookie, now))
        {
            return Outcome.Keep;
        }

        var name = cookie.Name.Value!;
        var classification = policy.Classifier.Classify(name, cookie.Domain.HasValue ? cookie.Domain.Value : null);
        if (classification.Service is not { } service)
        {
            var keep = runtime.Options.UndeclaredCookies == UndeclaredCookieMode.Report;
            ConsentLog.UndeclaredCookie(runtime.Logger, name, keep ? "let through (Report mode)" : "dropped");
            runtime.Metrics.CookieBlocked(name, keep ? "reported" : "undeclared");
            return keep ? Outcome.Keep : Outcome.Drop;
        }

        if (classification.Category == ServiceCategory.Essential)
        {
            return Outcome.Keep;
        }

        if (!feature.IsAllowed(service.Id))
        {
            ConsentLog.CookieBlocked(runtime.Logger, name, service.Id);
            runtime.Metrics.CookieBlocked(name, "no-consent");
            return Outcome.Drop;
        }

        if (classification.Category != ServiceCategory.ExemptAudience)
        {
            return Outcome.Keep;
        }

        var firstDeposit = feature.FirstDeposit(now, out _);
        DateTimeOffset? requested = cookie.MaxAge is { } maxAge ? now + maxAge : cookie.Expires;
        var capped = RegulatoryDurations.CapExemptAudienceCookieExpiry(firstDeposit, requested);
        if (capped == requested)
        {
            return Outcome.Keep;
        }

        // An absolute date, so that every later visit writes the very same end.
        cookie.MaxAge = null;
        cookie.Expires = capped;
        rewritten = cookie.ToString();
        ConsentLog.ExemptExpiryCapped(runtime.Logger, name, capped!.Value);
        return Outcome.Rewrite;
    }

    /// <summary>The cookie's name and its <c>Domain</c> attribute (empty when absent), read in place.</summary>
    private static bool TryReadNameAndDomain(ReadOnlySpan<char> header, out ReadOnlySpan<char> name, out ReadOnlySpan<char> domain)
    {
        domain = default;
        var end = header.IndexOf(';');
        var pair = end < 0 ? header : header[..end];
        var equals = pair.IndexOf('=');
        name = equals < 0 ? default : pair[..equals].Trim(' ');
        if (name.IsEmpty)
        {
            return false;
        }

        var attributes = end < 0 ? default : header[(end + 1)..];
        while (!attributes.IsEmpty)
        {
            var next = attributes.IndexOf(';');
            var attribute = (next < 0 ? attributes : attributes[..next]).Trim(' ');
            attributes = next < 0 ? default : attributes[(next + 1)..];
            if (attribute.StartsWith("domain=", StringComparison.OrdinalIgnoreCase))
            {
                domain = attribute["domain=".Length..].Trim(' ');
            }
        }

        return true;
    }

    private static bool IsDeletion(SetCookieHeaderValue cookie, DateTimeOffset now)
        => cookie.MaxAge is { } maxAge ? maxAge <= TimeSpan.Zero : cookie.Expires is { } expires && expires <= now;

    private static string DepositCookieHeader(HttpContext context, ConsentFeature feature, ConsentRuntime runtime, DateTimeOffset now)
    {
        var firstDeposit = feature.FirstDeposit(now, out _);
        var header = new SetCookieHeaderValue(
            AudienceDepositCookie.NameFor(feature.Policy.ConsentCookieName),
            AudienceDepositCookie.Write(firstDeposit, runtime.DepositCookieSigner))
        {
            Expires = RegulatoryDurations.ExemptAudienceCookieDeadline(firstDeposit),
            Path = "/",
            HttpOnly = true,
            Secure = context.Request.IsHttps,
            SameSite = Microsoft.Net.Http.Headers.SameSiteMode.Lax,
        };
        return header.ToString();
    }

    private enum Outcome
    {
        Keep,
        Drop,
        Rewrite,
    }
}
