namespace Ent.Consent.Gateway;

/// <summary>
/// The gateway's own settings, bound strictly from the <c>Gateway</c> configuration section (an unknown key stops the
/// start). The consent policy itself is the <c>EntConsent</c> section, exactly as for the library.
/// </summary>
public sealed class GatewayOptions
{
    /// <summary>The configuration section: <c>Gateway</c>.</summary>
    public const string SectionName = "Gateway";

    /// <summary>The portal behind the gateway, an absolute http or https address (<c>http://127.0.0.1:8080</c>). Required.</summary>
    public string? Upstream { get; set; }

    /// <summary>
    /// Where the gateway keeps its files: the SQLite proof store <c>consent-proofs.db</c>, the Data Protection keys
    /// (<c>keys/</c>), the subject key (<c>subject-key</c>, when <c>EntConsent:SubjectKey</c> is not given) and the
    /// refusal spool. Relative to the working directory. Default <c>gateway-data</c>; one per node.
    /// </summary>
    public string DataDirectory { get; set; } = "gateway-data";

    /// <summary>
    /// A PostgreSQL connection string (Npgsql syntax). When set, the proofs and the Data Protection key ring are kept
    /// in that database instead of <see cref="DataDirectory"/>, so several gateway nodes behind one load balancer share
    /// one proof chain and read each other's consent cookies. <c>EntConsent:SubjectKey</c> is then required (the same
    /// on every node). Each node still keeps its own <see cref="DataDirectory"/> (refusal spool).
    /// </summary>
    public string? PostgreSql { get; set; }

    /// <summary>The schema holding the proofs and the key ring when <see cref="PostgreSql"/> is set. Default <c>ent_consent</c>.</summary>
    public string PostgreSqlSchema { get; set; } = "ent_consent";

    /// <summary>
    /// Where the gateway answers itself instead of the portal: the consent endpoint, the widget's assets, the
    /// preferences and cookie pages, <c>healthz</c>. Default <c>/.ent-consent</c>, a dot segment no portal routes to.
    /// Nothing under it is forwarded: a path there the gateway does not serve is answered 404 by the gateway.
    /// </summary>
    public string PathPrefix { get; set; } = "/.ent-consent";

    /// <summary>
    /// A request header naming the signed-in user, set by a front in front of the gateway (an SSO agent). Trusted only
    /// from an address in <see cref="SubjectHeaderFrom"/> or when the request also carries
    /// <see cref="SubjectSecretHeader"/> with <see cref="SubjectSecret"/>; otherwise removed before the portal sees it.
    /// </summary>
    public string? SubjectHeader { get; set; }

    /// <summary>
    /// A response header by which the portal itself names the signed-in user (its value) or signs them out (an empty
    /// value), for portals with no SSO front: the gateway removes it from the response and keeps the user in its own
    /// signed session cookie (<c>ent_gateway_user</c>, at most 12 hours) for the requests that follow. Only the
    /// upstream's responses can carry it; a browser cannot set it.
    /// </summary>
    public string? SubjectResponseHeader { get; set; }

    /// <summary>Addresses (IP or CIDR) whose requests may carry <see cref="SubjectHeader"/>.</summary>
    public IList<string> SubjectHeaderFrom { get; set; } = [];

    /// <summary>A shared secret (at least 32 characters) a front sends in <see cref="SubjectSecretHeader"/> to vouch for <see cref="SubjectHeader"/>.</summary>
    public string? SubjectSecret { get; set; }

    /// <summary>The request header carrying <see cref="SubjectSecret"/>. Default <c>X-Ent-Gateway-Secret</c>; never forwarded.</summary>
    public string SubjectSecretHeader { get; set; } = "X-Ent-Gateway-Secret";

    /// <summary>
    /// The name of the portal's session cookie: its value, hashed with the subject key like any user id, names the
    /// subject, so a choice lasts one session and never passes to the next person on a shared computer.
    /// </summary>
    public string? SessionCookie { get; set; }

    /// <summary>
    /// Per-host tenants: the request's host name (<c>lycee-a.ent.example.fr</c>, after forwarded headers) → the tenant
    /// recorded in its proofs and its own <c>Policy</c> keys, which replace the same top-level keys of
    /// <c>EntConsent:Policy</c> (its controllers, for instance). A host not listed gets <c>EntConsent:Policy</c> and no tenant.
    /// </summary>
    public IDictionary<string, GatewayTenant> Tenants { get; set; } = new Dictionary<string, GatewayTenant>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Extra blocking rules for content whose host alone does not say which service it is.</summary>
    public IList<GatewayBlockRule> Block { get; set; } = [];

    /// <summary>
    /// Whether <c>&lt;script src&gt;</c>, <c>&lt;iframe src&gt;</c> and <c>&lt;img src&gt;</c> to a declared service's
    /// <c>Hosts</c> are held until that service is allowed. Default true.
    /// </summary>
    public bool BlockUnmarkedContent { get; set; } = true;

    /// <summary>Addresses (IP or CIDR) of the front whose <c>X-Forwarded-For</c>/<c>-Proto</c>/<c>-Host</c> are believed. Empty: none.</summary>
    public IList<string> ForwardedHeadersFrom { get; set; } = [];

    /// <summary>
    /// Whether the portal gets the browser's <c>Host</c> (<c>college-a.ent.example.fr</c>) instead of
    /// <see cref="Upstream"/>'s, for a portal that serves several schools' hosts and does not read
    /// <c>X-Forwarded-Host</c> (which the gateway always sends). Default false.
    /// </summary>
    public bool ForwardOriginalHost { get; set; }

    /// <summary>The largest request body forwarded, in bytes. Default 30 MB (Kestrel's).</summary>
    public long MaxRequestBodySize { get; set; } = 30_000_000;

    /// <summary>The largest response header block accepted from the portal, in KiB. Default 256.</summary>
    public int MaxResponseHeadersKilobytes { get; set; } = 256;

    /// <summary>How long the portal may stay silent (connecting, answering, between two reads of a body). Default 100 s.</summary>
    public TimeSpan UpstreamTimeout { get; set; } = TimeSpan.FromSeconds(100);

    /// <summary>
    /// How often the proof chain's head is signed into <c>{DataDirectory}/proof-checkpoints.jsonl</c> (ECDSA P-256,
    /// key in <c>{DataDirectory}/proof-checkpoint-key.pem</c>), so that a chain rewritten by someone with write access
    /// to the database is detected. Default 10 minutes; zero turns checkpoints off.
    /// </summary>
    public TimeSpan ProofCheckpointInterval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long connecting to the portal may take. Default 10 s.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest start or end tag the HTML rewriter holds while it waits for the tag's end, in bytes. Default 64 KiB.</summary>
    public int MaxTagBytes { get; set; } = 64 * 1024;
}

/// <summary>A <c>Gateway:Block</c> rule: content matching it belongs to <see cref="Service"/>.</summary>
public sealed class GatewayBlockRule
{
    /// <summary>A host (<c>stats.example.fr</c>, or <c>*.example.fr</c> for its subdomains) the content is loaded from.</summary>
    public string? Host { get; set; }

    /// <summary>
    /// A simple selector on <c>script</c>, <c>iframe</c> and <c>img</c> tags: a tag name, <c>#id</c>, <c>.class</c> and
    /// <c>[attribute]</c>, <c>[attribute=value]</c>, <c>[attribute^=value]</c>, <c>[attribute*=value]</c>, <c>[attribute$=value]</c>.
    /// </summary>
    public string? Selector { get; set; }

    /// <summary>The declared service the content belongs to. Required.</summary>
    public string? Service { get; set; }
}

/// <summary>A <c>Gateway:Tenants</c> entry: one school's subdomain.</summary>
public sealed class GatewayTenant
{
    /// <summary>The tenant recorded in proofs and scoping per-user restoration (a school's UAI, for example). Required.</summary>
    public string? Id { get; set; }

    /// <summary>
    /// The tenant's policy keys, shaped as <c>EntConsent:Policy</c>; each top-level key given (<c>Controllers</c>,
    /// <c>Services</c>, <c>Texts</c>, …) replaces the default's whole, the others are inherited.
    /// </summary>
    public ConsentPolicyOptions? Policy { get; set; }
}
