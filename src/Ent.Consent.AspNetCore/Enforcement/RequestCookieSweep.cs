using System.Collections.Concurrent;
using System.Net;
using System.Text;
using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Primitives;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// Expires, in the response, the cookies the request carries that its consent does not allow: declared cookies of a
/// service not allowed now (refused, withdrawn, never granted, granted by another user) and, in
/// <see cref="UndeclaredCookieMode.Enforce"/>, undeclared ones. Whoever wrote them (a script, an earlier version of
/// the site, a previous user of a shared computer), the browser then drops them.
/// </summary>
/// <remarks>
/// The request's <c>Cookie</c> header is scanned as spans: when every cookie is allowed nothing is allocated.
/// A response expires at most <see cref="MaxNamesPerResponse"/> names in at most <see cref="MaxHeadersPerResponse"/>
/// headers (a proxy's header buffer is small); the browser sends the rest again and the next responses expire them.
/// </remarks>
internal sealed class RequestCookieSweep
{
    /// <summary>Names expired in one response at most.</summary>
    public const int MaxNamesPerResponse = 32;

    /// <summary>Expiring <c>Set-Cookie</c> headers in one response at most.</summary>
    public const int MaxHeadersPerResponse = 128;

    /// <summary>Longer names are left alone: no tracker needs one, and the headers stay bounded.</summary>
    public const int MaxNameLength = 256;

    /// <summary>The most parent domains a portal may list in <see cref="EntConsentOptions.CookieDomains"/>.</summary>
    public const int MaxCookieDomains = 4;

    private const int MaxNamesLogged = 1000;
    private const string Epoch = "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; max-age=0";

    private readonly ConsentRuntime _runtime;
    private readonly CookieNameSet _ignored;
    private readonly string[] _domains;
    private readonly string? _antiforgeryCookie;
    private readonly ConcurrentDictionary<string, bool> _logged = new(StringComparer.Ordinal);

    public RequestCookieSweep(ConsentRuntime runtime, string? antiforgeryCookie)
    {
        _runtime = runtime;
        _ignored = new CookieNameSet(runtime.Options.IgnoredCookies);
        _domains = [.. runtime.Options.CookieDomains.Select(NormalizeDomain).Distinct(StringComparer.OrdinalIgnoreCase)];
        _antiforgeryCookie = antiforgeryCookie;
    }

    /// <summary>The expiring <c>Set-Cookie</c> headers for <paramref name="context"/>'s request; null when none is due.</summary>
    /// <param name="context">The request.</param>
    /// <param name="cookieHeaders">The request's <c>Cookie</c> headers.</param>
    /// <param name="snapshot">The request's consent.</param>
    /// <param name="reported">Whether an undeclared name was reported (<see cref="UndeclaredCookieMode.Report"/>).</param>
    public List<string>? Sweep(HttpContext context, StringValues cookieHeaders, ConsentSnapshot snapshot, out bool reported)
    {
        reported = false;
        if (cookieHeaders.Count == 0)
        {
            return null;
        }

        List<string>? headers = null;
        List<string>? names = null;
        for (var h = 0; h < cookieHeaders.Count; h++)
        {
            var rest = (cookieHeaders[h] ?? string.Empty).AsSpan();
            while (!rest.IsEmpty)
            {
                var end = rest.IndexOf(';');
                var pair = end < 0 ? rest : rest[..end];
                rest = end < 0 ? default : rest[(end + 1)..];
                var equals = pair.IndexOf('=');
                if (equals <= 0)
                {
                    continue;
                }

                var name = pair[..equals].Trim(" \t");
                if (!MustExpire(name, snapshot, ref reported, out var classification))
                {
                    continue;
                }

                if (names is not null && Contains(names, name))
                {
                    continue;
                }

                names ??= [];
                headers ??= [];
                if (names.Count == MaxNamesPerResponse || !AddVariants(context, name, classification.Cookie, headers))
                {
                    // The browser sends the rest again: the next responses expire them.
                    return headers;
                }

                var nameText = name.ToString();
                names.Add(nameText);
                Report(context, nameText, classification.Service?.Id);
            }
        }

        return headers;
    }

    /// <summary>Whether <paramref name="name"/> is carried against the request's consent (allocates nothing).</summary>
    private bool MustExpire(ReadOnlySpan<char> name, ConsentSnapshot snapshot, ref bool reported, out TrackerClassification classification)
    {
        classification = TrackerClassification.Unknown;
        if (!IsWritableName(name) || _ignored.Contains(name) || IsEssentialByName(name, snapshot))
        {
            return false;
        }

        var policy = snapshot.Policy;
        classification = policy.Classifier.Classify(name, default);
        if (classification.Service is not { } service)
        {
            if (_runtime.Options.UndeclaredCookies == UndeclaredCookieMode.Report)
            {
                ReportUndeclared(name);
                reported = true;
                return false;
            }

            return true;
        }

        return classification.Category != ServiceCategory.Essential
            && !policy.IsAllowed(service.Id, snapshot.State ?? snapshot.EarlierState, snapshot.Guardians);
    }

    private bool IsEssentialByName(ReadOnlySpan<char> name, ConsentSnapshot snapshot)
        => name.SequenceEqual(snapshot.Policy.ConsentCookieName)
            || name.SequenceEqual(snapshot.Policy.AccountConsentCookieName)
            || name.SequenceEqual(snapshot.DepositCookieName)
            || (_antiforgeryCookie is not null && name.SequenceEqual(_antiforgeryCookie));

    /// <summary>
    /// A name a <c>Set-Cookie</c> can carry as is: visible ASCII without the separators of the header. Anything else
    /// (control or non-ASCII characters, a quote) cannot be written back safely and is left alone.
    /// </summary>
    internal static bool IsWritableName(ReadOnlySpan<char> name)
    {
        if (name.IsEmpty || name.Length > MaxNameLength)
        {
            return false;
        }

        foreach (var c in name)
        {
            if (c is <= ' ' or >= '\u007f' or ';' or ',' or '=' or '"' or '\\')
            {
                return false;
            }
        }

        return true;
    }

    private static bool Contains(List<string> names, ReadOnlySpan<char> name)
    {
        foreach (var known in names)
        {
            if (name.SequenceEqual(known))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Every place the cookie may live: the declared domain and path, host-only at <c>/</c> and at the page's default
    /// path (where <c>document.cookie</c> puts a cookie written without a path), and each parent domain of
    /// <see cref="EntConsentOptions.CookieDomains"/> that covers the host. False when they would not fit.
    /// </summary>
    private bool AddVariants(HttpContext context, ReadOnlySpan<char> name, CookieDefinition? declared, List<string> headers)
    {
        var request = context.Request;
        var host = request.Host.Host;
        var canUseDomain = host.Length > 0 && !IPAddress.TryParse(host, out _);
        var declaredPath = declared?.Path is { Length: > 0 } path ? path : "/";
        var defaultPath = DefaultPath(request);

        // At most 1 + 1 + MaxCookieDomains domains and 3 paths.
        var domains = new List<string?>(2 + _domains.Length) { null };
        if (canUseDomain && declared?.Domain is { Length: > 0 } declaredDomain && Covers(NormalizeDomain(declaredDomain), host))
        {
            domains.Insert(0, declaredDomain);
        }

        foreach (var domain in _domains)
        {
            if (canUseDomain && Covers(domain, host) && !domains.Exists(d => d is not null && NormalizeDomain(d).Equals(domain, StringComparison.OrdinalIgnoreCase)))
            {
                domains.Add("." + domain);
            }
        }

        string[] paths = declaredPath == "/" ? (defaultPath == "/" ? ["/"] : ["/", defaultPath]) : (defaultPath == "/" || defaultPath == declaredPath ? [declaredPath, "/"] : [declaredPath, "/", defaultPath]);
        if (headers.Count + (domains.Count * paths.Length) > MaxHeadersPerResponse)
        {
            return false;
        }

        var secure = request.IsHttps;
        var httpOnly = declared?.HttpOnly ?? false;
        foreach (var domain in domains)
        {
            foreach (var variant in paths)
            {
                var builder = new StringBuilder(name.Length + 96).Append(name).Append(Epoch);
                if (domain is not null)
                {
                    builder.Append("; domain=").Append(domain);
                }

                builder.Append("; path=").Append(variant);
                if (secure)
                {
                    builder.Append("; secure");
                }

                if (httpOnly)
                {
                    builder.Append("; httponly");
                }

                headers.Add(builder.Append("; samesite=lax").ToString());
            }
        }

        return true;
    }

    /// <summary>RFC 6265 §5.1.4: the request path up to, not including, its last <c>/</c>; <c>/</c> when that is empty.</summary>
    private static string DefaultPath(HttpRequest request)
    {
        var path = request.PathBase.Add(request.Path).Value;
        if (string.IsNullOrEmpty(path) || path[0] != '/')
        {
            return "/";
        }

        var last = path.LastIndexOf('/');
        if (last <= 0)
        {
            return "/";
        }

        // Only a path a header can carry; anything odd falls back to the root.
        var candidate = path[..last];
        foreach (var c in candidate)
        {
            if (c is <= ' ' or >= '\u007f' or ';' or ',')
            {
                return "/";
            }
        }

        return candidate;
    }

    internal static bool Covers(string domain, string host)
        => host.Equals(domain, StringComparison.OrdinalIgnoreCase)
            || (host.Length > domain.Length && host.EndsWith(domain, StringComparison.OrdinalIgnoreCase) && host[host.Length - domain.Length - 1] == '.');

    internal static string NormalizeDomain(string domain) => domain.Trim().TrimStart('.').ToLowerInvariant();

    private void Report(HttpContext context, string name, string? serviceId)
    {
        if (serviceId is null)
        {
            _runtime.UndeclaredCookies.Record(name, CookieSightingSource.Request);
        }

        var level = FirstTime(name) ? LogLevel.Information : LogLevel.Debug;
        ConsentLog.CookieExpired(_runtime.EnforcementLogger, level, name, serviceId ?? "(undeclared)");
        _runtime.Metrics.CookieBlocked(name, "expired");
        if (_runtime.Events.ObservesBlockedCookies)
        {
            _runtime.Events.CookieBlocked(new ConsentCookieBlockedContext(context, name, serviceId, ConsentCookieBlockReason.Expired));
        }
    }

    private void ReportUndeclared(ReadOnlySpan<char> name)
    {
        var text = name.ToString();
        _runtime.UndeclaredCookies.Record(text, CookieSightingSource.Request);
        var level = FirstTime(text) ? LogLevel.Information : LogLevel.Debug;
        ConsentLog.UndeclaredRequestCookie(_runtime.EnforcementLogger, level, text);
        _runtime.Metrics.CookieBlocked(text, "reported");
    }

    private bool FirstTime(string name)
        => _logged.Count < MaxNamesLogged && _logged.TryAdd(name, true);
}
