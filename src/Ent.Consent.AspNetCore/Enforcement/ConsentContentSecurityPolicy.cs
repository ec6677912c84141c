using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// Writes the consent-aware <c>Content-Security-Policy</c> on HTML responses. The header is built once per request
/// consent (<see cref="ConsentSnapshot"/>, shared by the requests carrying the same verified cookie) and kept on it,
/// so a returning visitor's page costs no formatting; a per-request nonce costs one concatenation.
/// </summary>
internal sealed class ConsentContentSecurityPolicy
{
    private readonly ConsentContentSecurityPolicyOptions _options;
    private readonly string _headerName;

    private ConsentContentSecurityPolicy(ConsentContentSecurityPolicyOptions options)
    {
        _options = options;
        _headerName = options.Mode == ConsentContentSecurityPolicyMode.ReportOnly ? HeaderNames.ContentSecurityPolicyReportOnly : HeaderNames.ContentSecurityPolicy;
    }

    /// <summary>The writer for <paramref name="options"/>, or null when the feature is off.</summary>
    public static ConsentContentSecurityPolicy? Create(ConsentContentSecurityPolicyOptions options)
        => options.Mode == ConsentContentSecurityPolicyMode.Off ? null : new ConsentContentSecurityPolicy(options);

    /// <summary>Adds the policy to <paramref name="headers"/> when the response is HTML; the host's own policy stays.</summary>
    public void Write(HttpContext context, ConsentSnapshot snapshot, IHeaderDictionary headers)
    {
        var contentType = headers.ContentType;
        if (contentType.Count == 0 || !(contentType[0] ?? string.Empty).StartsWith("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        var parts = snapshot.ContentSecurityPolicy ??= Build(snapshot);
        var nonce = _options.Nonce?.Invoke(context);
        var value = string.IsNullOrEmpty(nonce) || !IsNonce(nonce) ? parts.WithoutNonce : string.Concat(parts.BeforeNonce, nonce, parts.AfterNonce);
        var existing = headers[_headerName];
        headers[_headerName] = existing.Count == 0 ? new(value) : StringValues.Concat(existing, value);
    }

    /// <summary>
    /// Whether a page served with <paramref name="snapshot"/> lets the browser reach every host of
    /// <paramref name="service"/>: false only when the policy is enforced and leaves one of them out, so that granting
    /// the service on that page needs a new page (a policy cannot be widened after it was sent).
    /// </summary>
    public bool PageReaches(ConsentSnapshot snapshot, ServiceDefinition service)
    {
        if (_options.Mode != ConsentContentSecurityPolicyMode.Enforce)
        {
            return true;
        }

        var parts = snapshot.ContentSecurityPolicy ??= Build(snapshot);
        foreach (var host in service.Hosts)
        {
            // A host the policy could never list is skipped by Build too: a new page would not reach it either.
            if (ContentSecuritySources.IsHostSource(host) && !parts.Hosts.Contains(host, StringComparer.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        return true;
    }

    private ContentSecurityPolicyParts Build(ConsentSnapshot snapshot)
    {
        var policy = snapshot.Policy;
        var state = snapshot.State ?? snapshot.EarlierState;
        var hosts = new List<string>();
        foreach (var host in _options.AlwaysAllowedHosts)
        {
            Add(hosts, host);
        }

        foreach (var service in policy.Services)
        {
            if (service.Category == ServiceCategory.Essential || policy.IsAllowed(service.Id, state, snapshot.Guardians))
            {
                foreach (var host in service.Hosts)
                {
                    Add(hosts, host);
                }
            }
        }

        var list = hosts.Count == 0 ? string.Empty : " " + string.Join(' ', hosts);
        var scriptHead = "script-src 'self'" + list;
        var strictDynamic = _options.StrictDynamic ? " 'strict-dynamic'" : string.Empty;
        var rest = new StringBuilder()
            .Append("; connect-src 'self'").Append(list)
            // data: and blob: images and media make no request, so they reach no tracker.
            .Append("; img-src 'self' data: blob:").Append(list)
            .Append("; frame-src 'self'").Append(list)
            .Append("; media-src 'self' data: blob:").Append(list);
        if (_options.ReportUri is { Length: > 0 } reportUri)
        {
            rest.Append("; report-uri ").Append(reportUri);
        }

        var tail = rest.ToString();
        return new ContentSecurityPolicyParts(scriptHead + tail, scriptHead + " 'nonce-", "'" + strictDynamic + tail, [.. hosts]);
    }

    private static void Add(List<string> hosts, string host)
    {
        // Declarations are validated at start-up; anything that still could widen or break the header is skipped.
        if (ContentSecuritySources.IsHostSource(host) && !hosts.Contains(host, StringComparer.OrdinalIgnoreCase))
        {
            hosts.Add(host);
        }
    }

    // A base64 nonce (RFC 4648, url-safe allowed): anything else could end the directive.
    private static bool IsNonce(string nonce)
    {
        foreach (var c in nonce)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '/' or '=' or '-' or '_'))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>A built policy: whole without a nonce, or in two parts around it, and the hosts it lists.</summary>
internal sealed record ContentSecurityPolicyParts(string WithoutNonce, string BeforeNonce, string AfterNonce, string[] Hosts);

/// <summary>What a CSP host source may be here.</summary>
internal static class ContentSecuritySources
{
    /// <summary>
    /// <c>[scheme://]host[:port]</c> where host is a DNS name (optionally <c>*.</c> followed by at least two labels),
    /// an IPv4 address or <c>localhost</c>; scheme http, https, ws or wss; port digits or <c>*</c>. No path, no bare
    /// scheme, no <c>*</c> alone, no quote or separator.
    /// </summary>
    public static bool IsHostSource(string? source)
    {
        if (string.IsNullOrWhiteSpace(source) || source.Length > 253)
        {
            return false;
        }

        var rest = source.AsSpan();
        var scheme = rest.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            var name = rest[..scheme];
            if (!(name.Equals("https", StringComparison.OrdinalIgnoreCase) || name.Equals("http", StringComparison.OrdinalIgnoreCase)
                || name.Equals("wss", StringComparison.OrdinalIgnoreCase) || name.Equals("ws", StringComparison.OrdinalIgnoreCase)))
            {
                return false;
            }

            rest = rest[(scheme + 3)..];
        }

        var colon = rest.IndexOf(':');
        if (colon >= 0)
        {
            var port = rest[(colon + 1)..];
            if (!(port is "*" || (port.Length is > 0 and <= 5 && !port.ContainsAnyExceptInRange('0', '9'))))
            {
                return false;
            }

            rest = rest[..colon];
        }

        var wildcard = rest.StartsWith("*.");
        if (wildcard)
        {
            rest = rest[2..];
        }

        if (rest.IsEmpty || rest.Count('.') < (wildcard ? 1 : 0))
        {
            return false;
        }

        if (!wildcard && rest.IndexOf('.') < 0 && !rest.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        foreach (var label in rest.ToString().Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            foreach (var c in label)
            {
                if (!char.IsAsciiLetterOrDigit(c) && c != '-')
                {
                    return false;
                }
            }
        }

        return true;
    }
}
