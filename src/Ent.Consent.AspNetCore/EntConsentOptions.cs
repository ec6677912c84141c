using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// How Ent.Consent runs in an ASP.NET Core application: the policy and how the server enforces it, bound from the
/// <c>EntConsent</c> configuration section (the policy from <c>EntConsent:Policy</c>) or set in code. Validated when
/// the host starts.
/// </summary>
public sealed class EntConsentOptions
{
    /// <summary>The configuration section bound by <c>AddEntConsent(IConfiguration)</c>: <c>EntConsent</c>.</summary>
    public const string SectionName = "EntConsent";

    /// <summary>
    /// The portal's declaration (services, purposes, texts, validity, cookie name), compiled once into the
    /// <see cref="ConsentPolicy"/> of the default <see cref="IConsentPolicyResolver"/>. Bound from
    /// <c>EntConsent:Policy</c>.
    /// </summary>
    public ConsentPolicyOptions Policy { get; set; } = new();

    /// <summary>
    /// The schools (or academies) of a multi-tenant portal, keyed by tenant id (a UAI), bound from
    /// <c>EntConsent:Tenants</c>: each one's match (hosts, path prefix, claim) and policy. When not empty, the built-in
    /// resolver picks each request's tenant (host first, then the longest path prefix, then
    /// <see cref="TenantClaimType"/>; otherwise the portal's policy and no tenant), and its proofs and restored choices
    /// are that tenant's. Compiled and validated at start. Ignored when the host registers its own
    /// <see cref="IConsentPolicyResolver"/>.
    /// </summary>
    public IDictionary<string, ConsentTenantOptions> Tenants { get; set; } = new Dictionary<string, ConsentTenantOptions>(StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// The claim of the signed-in user whose value picks a tenant by its <see cref="ConsentTenantOptions.Claim"/>
    /// (for example the school UAI the ENT's identity provider sends). Null: tenants are not matched by claim.
    /// </summary>
    public string? TenantClaimType { get; set; }

    /// <summary>
    /// Where Ent.Consent's endpoints live: <c>MapEntConsent</c> maps the consent endpoint here,
    /// <c>MapEntConsentWidget</c> the widget's assets and pages below it, <c>MapEntConsentProofs</c> without a prefix
    /// <c>{PathPrefix}/proofs</c>, and the widget's forms post here. Default <c>/consent</c>; a path without a
    /// trailing slash.
    /// </summary>
    public PathString PathPrefix { get; set; } = "/consent";

    /// <summary>
    /// What happens to a <c>Set-Cookie</c> no service declares. <see cref="UndeclaredCookieMode.Enforce"/> (default)
    /// drops it, because an unknown tracker is consent-required; <see cref="UndeclaredCookieMode.Report"/> lets it
    /// pass while a site owner inventories. Both log a warning and count it.
    /// </summary>
    public UndeclaredCookieMode UndeclaredCookies { get; set; } = UndeclaredCookieMode.Enforce;

    /// <summary>
    /// Cookie names, exact or <c>prefix*</c>, that belong to other applications on the same host (a shared portal
    /// domain often hosts several): the request-side sweep never expires them. They are not declared services and are
    /// not shown to users; the other application answers for them. <c>Set-Cookie</c> headers of this application
    /// are still decided as usual. Validated at start-up.
    /// </summary>
    public IList<string> IgnoredCookies { get; set; } = [];

    /// <summary>
    /// Parent domains cookies may have been written for besides the host (<c>.example.fr</c> when the portal is
    /// <c>ent.example.fr</c>): a script may write <c>Domain=.example.fr</c>, and a cookie is only expired by a
    /// header with the same domain. Each one that covers the request's host gets its own expiring header. At most
    /// four; names such as <c>example.fr</c> (no scheme, port, path or wildcard). Validated at start-up.
    /// </summary>
    public IList<string> CookieDomains { get; set; } = [];

    /// <summary>
    /// The consent-aware <c>Content-Security-Policy</c> added to HTML responses: off by default, recommended. See
    /// <see cref="ConsentContentSecurityPolicyOptions"/>.
    /// </summary>
    public ConsentContentSecurityPolicyOptions ContentSecurityPolicy { get; set; } = new();

    /// <summary>
    /// Whether <c>Sec-GPC: 1</c> (Global Privacy Control) counts as a refusal of every consent-required service
    /// until the user grants one explicitly. On by default: it is the privacy-protective reading of the signal.
    /// </summary>
    public bool HonorGlobalPrivacyControl { get; set; } = true;

    /// <summary>
    /// The key of the keyed hash that binds a choice to a signed-in user (shared computers) and names the subject
    /// in proofs: at least 32 characters, the same on every node, kept secret (a secret store, not
    /// <c>appsettings.json</c>). When null a random key is made at start-up: choices of signed-in users then stop
    /// being recognised at each restart and on other nodes, and a warning is logged.
    /// </summary>
    public string? SubjectKey { get; set; }

    /// <summary>
    /// Reads the signed-in user's stable id, hashed with <see cref="SubjectKey"/>. Default: the
    /// <see cref="ClaimTypes.NameIdentifier"/> claim, then <c>sub</c>, then the identity's name; null for an
    /// anonymous visitor.
    /// </summary>
    public Func<ClaimsPrincipal, string?> SubjectId { get; set; } = DefaultSubjectId;

    /// <summary>
    /// Whether the current subject is a minor (in France, under 15: loi Informatique et Libertés art. 45). When
    /// true, consent-required services need the minor's and their guardians' agreement
    /// (<see cref="ConsentPolicyOptions.JointConsent"/>, <see cref="IGuardianDirectory"/>); they stay off otherwise.
    /// Default: <see cref="MinorClaimType"/> if set, otherwise never.
    /// </summary>
    public Func<HttpContext, bool>? IsMinor { get; set; }

    /// <summary>
    /// A claim whose value <c>true</c> (or <c>1</c>) flags the signed-in user as a minor, for hosts whose identity
    /// provider says so (for example an ENT profile claim). Ignored when <see cref="IsMinor"/> is set.
    /// </summary>
    public string? MinorClaimType { get; set; }

    /// <summary>
    /// Whether a signed-in user's choices follow their account to every device where they sign in (CNIL délibération
    /// 2025-131): the account's latest recorded choice (grant, refusal or withdrawal) for the subject and tenant is
    /// restored on a device that has none, and replaces an older one within
    /// <see cref="AccountChoiceRefreshInterval"/>. While signed in, choices live in their own cookie
    /// (<c>{ConsentCookieName}_account</c>, bound to the user), so they never change the device's signed-out choice on a
    /// shared computer. The banner says so to signed-in users, and a device where the account's choice was just
    /// applied shows a notice. Off by default; needs an <see cref="IConsentProofStore"/> and <see cref="SubjectKey"/>.
    /// </summary>
    public bool PerUserConsent { get; set; }

    /// <summary>
    /// With <see cref="PerUserConsent"/>, how long a device trusts its copy of the account's choice before asking the
    /// proof store again: a choice made on another device (a refusal or a withdrawal as much as a grant) applies here
    /// on the first request after this interval. Zero reads the store on every signed-in request. Default 30 seconds.
    /// </summary>
    public TimeSpan AccountChoiceRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Whether proofs record a truncated IP address (/24 for IPv4, /48 for IPv6). Off by default: a proof does not
    /// need the address, and the less personal data it holds the better.
    /// </summary>
    public bool RecordTruncatedIpAddress { get; set; }

    /// <summary>The largest request body the consent endpoint accepts, in bytes. Default 16 KiB, enough for
    /// a form with a hundred services and its antiforgery token.</summary>
    public int MaxChoiceBodySize { get; set; } = 16 * 1024;

    /// <summary>
    /// How many requests a client address may make to the consent endpoints per minute (a token bucket refilled every
    /// minute), enforced by ASP.NET Core rate limiting under <see cref="RateLimiterPolicyName"/> once the host calls
    /// <c>app.UseRateLimiter()</c>. Default 600: a class behind one school address stays well under it. 0 maps the
    /// endpoints without a limit.
    /// </summary>
    public int EndpointRequestsPerMinute { get; set; } = 600;

    /// <summary>The rate limiter policy <c>AddEntConsent</c> registers and <c>MapEntConsent</c> requires.</summary>
    public const string RateLimiterPolicyName = "Ent.Consent.Endpoints";

    /// <summary>
    /// How long a refusal's proof may wait for the proof store before it is written to the spool file in
    /// <see cref="DataDirectory"/> instead (synced before the answer, stored later in order). The refusal itself is
    /// applied either way. Default 200 ms.
    /// </summary>
    public TimeSpan RefusalStoreTimeout { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Where Ent.Consent keeps its local files (the refusal spool <c>refusal-proofs.spool</c> and its dead-letter
    /// file); relative paths are under the content root. Default <c>App_Data</c>, beside the default SQLite store.
    /// Give each process its own directory.
    /// </summary>
    public string DataDirectory { get; set; } = "App_Data";

    /// <summary>
    /// How many verified consent cookies (and, apart, audience deposit cookies) are remembered so a returning value
    /// is not verified again. Default 10,000; 0 turns the caches off.
    /// </summary>
    public int VerifiedCookieCacheSize { get; set; } = 10_000;

    /// <summary>Hooks called when a cookie is blocked or a choice recorded. See <see cref="EntConsentEvents"/>.</summary>
    public EntConsentEvents Events { get; set; } = new();

    /// <summary>
    /// Attributes of the consent cookie and of the audience first-deposit cookie (<c>{name}_audience</c>, always
    /// HttpOnly): <see cref="CookieBuilder.Path"/> (default <c>/</c>), <see cref="CookieBuilder.Domain"/>,
    /// <see cref="CookieBuilder.SameSite"/> (default Lax), <see cref="CookieBuilder.SecurePolicy"/> (default same as
    /// request), <see cref="CookieBuilder.HttpOnly"/> (default true: no script needs the consent cookie, the widget asks
    /// <c>GET {prefix}</c>, so page scripts, third-party ones included, never see it).
    /// The name is the policy's <see cref="ConsentPolicyOptions.ConsentCookieName"/> and the lifetime the choice's
    /// own, so <see cref="CookieBuilder.Name"/>, <see cref="CookieBuilder.Expiration"/> and
    /// <see cref="CookieBuilder.MaxAge"/> must stay null. <see cref="CookieBuilder.Domain"/> (a parent domain such as
    /// <c>ent.example.fr</c>) makes <c>www.</c>, <c>cas.</c> and <c>mediacentre.</c> share one choice; a request whose
    /// host is outside it gets a host-only cookie and a logged warning, and every host sharing it must run the same
    /// policy version, or the choice is asked again. Validated when the host starts.
    /// </summary>
    public CookieBuilder Cookie { get; set; } = new()
    {
        Path = "/",
        SameSite = SameSiteMode.Lax,
        SecurePolicy = CookieSecurePolicy.SameAsRequest,
        HttpOnly = true,
        IsEssential = true,
    };

    private static string? DefaultSubjectId(ClaimsPrincipal user)
    {
        if (user.Identity?.IsAuthenticated != true)
        {
            return null;
        }

        return user.FindFirst(ClaimTypes.NameIdentifier)?.Value
            ?? user.FindFirst("sub")?.Value
            ?? user.Identity.Name;
    }
}

/// <summary>What the server does with a cookie no service declares.</summary>
public enum UndeclaredCookieMode
{
    /// <summary>Drop it (an unknown tracker is consent-required), log a warning and count it.</summary>
    Enforce = 0,

    /// <summary>Let it pass, log a warning and count it: for inventorying a site before enforcing.</summary>
    Report = 1,
}
