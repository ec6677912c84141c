using Microsoft.AspNetCore.Http;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// A second <c>Content-Security-Policy</c> on HTML responses that lets the page reach only <c>'self'</c>, the hosts
/// of essential services, <see cref="AlwaysAllowedHosts"/> and the hosts of the services this request allows. Browsers
/// enforce every policy they are given, so it can only narrow the host's own: an embed or a beacon the widget does
/// not know about, to a refused service's host, is blocked by the browser itself. Off by default; recommended.
/// </summary>
public sealed class ConsentContentSecurityPolicyOptions
{
    /// <summary>
    /// <see cref="ConsentContentSecurityPolicyMode.Off"/> (default), <see cref="ConsentContentSecurityPolicyMode.Enforce"/>
    /// or <see cref="ConsentContentSecurityPolicyMode.ReportOnly"/> (<c>Content-Security-Policy-Report-Only</c>, to
    /// inventory a portal first).
    /// </summary>
    public ConsentContentSecurityPolicyMode Mode { get; set; }

    /// <summary>
    /// Hosts every page may reach whatever the consent: a CDN of the portal's own, an API of the ENT. CSP host sources
    /// such as <c>cdn.example.fr</c>, <c>https://cdn.example.fr</c>, <c>*.example.fr</c> or <c>127.0.0.1:8443</c>;
    /// no path, no bare scheme and no <c>*</c> alone (they would allow everything). Validated at start-up.
    /// </summary>
    public IList<string> AlwaysAllowedHosts { get; set; } = [];

    /// <summary>
    /// The nonce of the host's own strict policy for the current request, or null. When set, <c>script-src</c>
    /// carries <c>'nonce-…'</c>, so the host's nonced scripts (the widget's included) still run.
    /// </summary>
    public Func<HttpContext, string?>? Nonce { get; set; }

    /// <summary>
    /// Whether <c>script-src</c> carries <c>'strict-dynamic'</c>, for hosts whose own policy uses it (scripts loaded by
    /// a nonced script are then trusted, and browsers ignore the hosts listed in <c>script-src</c>; the other
    /// directives still restrict). Needs <see cref="Nonce"/>.
    /// </summary>
    public bool StrictDynamic { get; set; }

    /// <summary>A <c>report-uri</c> for violations of this policy, or null. A local path or an https URL.</summary>
    public string? ReportUri { get; set; }
}

/// <summary>Whether and how the consent-aware <c>Content-Security-Policy</c> is sent.</summary>
public enum ConsentContentSecurityPolicyMode
{
    /// <summary>Not sent.</summary>
    Off = 0,

    /// <summary>Sent as <c>Content-Security-Policy</c>: the browser blocks what it does not list.</summary>
    Enforce = 1,

    /// <summary>Sent as <c>Content-Security-Policy-Report-Only</c>: the browser only reports.</summary>
    ReportOnly = 2,
}
