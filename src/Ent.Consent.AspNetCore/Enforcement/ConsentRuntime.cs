using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.AspNetCore.Proofs;
using Ent.Consent.AspNetCore.Subjects;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>What the middleware and the endpoints share, built once: signers, caches, clock, store, logs, metrics.</summary>
internal sealed class ConsentRuntime
{
    public const string EnforcementCategory = "Ent.Consent.AspNetCore.Enforcement";
    public const string EndpointsCategory = "Ent.Consent.AspNetCore.Endpoints";
    public const string ProofsCategory = "Ent.Consent.AspNetCore.Proofs";
    private const int MaxUnknownServicesWarned = 1000;

    private readonly ConcurrentDictionary<string, bool> _unknownServicesWarned = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _hostsOutsideCookieDomain = new(StringComparer.OrdinalIgnoreCase);

    // One response writer per server response object (a connection, or an HTTP/2 stream), reused request after
    // request, when the server has no per-context state to keep it in.
    private readonly ConditionalWeakTable<IHttpResponseFeature, ConsentResponse> _writers = [];
    private ConsentSnapshot? _lastNoChoice;

    public ConsentRuntime(
        IOptions<EntConsentOptions> options,
        IConsentPolicyResolver resolver,
        IDataProtectionProvider dataProtection,
        TimeProvider time,
        ConsentMetrics metrics,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        Options = options.Value;
        Resolver = resolver;
        Time = time;
        Metrics = metrics;
        EnforcementLogger = loggerFactory.CreateLogger(EnforcementCategory);
        EndpointsLogger = loggerFactory.CreateLogger(EndpointsCategory);
        ProofsLogger = loggerFactory.CreateLogger(ProofsCategory);
        ConsentCookieSigner = new ConsentCookieProtector(dataProtection, "consent-cookie");
        DepositCookieSigner = new ConsentCookieProtector(dataProtection, "audience-deposit");
        Cache = new VerifiedCookieCache<ConsentCookie>(Options.VerifiedCookieCacheSize);
        DepositCache = new VerifiedCookieCache<DateTimeOffset>(Options.VerifiedCookieCacheSize);
        Subjects = SubjectHasher.FromOptions(Options);
        ProofStore = services.GetService<IConsentProofStore>();
        Guardians = services.GetService<IGuardianDirectory>();
        RefusalQueue = ProofStore is null ? null : services.GetRequiredService<RefusalProofQueue>();
        ContentSecurityPolicy = Enforcement.ConsentContentSecurityPolicy.Create(Options.ContentSecurityPolicy);
        Sweep = new RequestCookieSweep(this, services.GetService<IOptions<AntiforgeryOptions>>()?.Value.Cookie.Name);
        UndeclaredCookies = new UndeclaredCookieSightings(time);
        AccountChoices = new AccountChoiceCache(Options.AccountChoiceRefreshInterval, Options.VerifiedCookieCacheSize);
        PrivacySignalProofs = new PrivacySignalProofGate(time, Math.Max(Options.VerifiedCookieCacheSize, 1_000));
        if (Subjects.IsEphemeral)
        {
            ConsentLog.EphemeralSubjectKey(EnforcementLogger);
        }
    }

    public EntConsentOptions Options { get; }

    public IConsentPolicyResolver Resolver { get; }

    public TimeProvider Time { get; }

    public ConsentMetrics Metrics { get; }

    public ILogger EnforcementLogger { get; }

    public ILogger EndpointsLogger { get; }

    public ILogger ProofsLogger { get; }

    public EntConsentEvents Events => Options.Events;

    public ConsentCookieProtector ConsentCookieSigner { get; }

    public ConsentCookieProtector DepositCookieSigner { get; }

    public VerifiedCookieCache<ConsentCookie> Cache { get; }

    /// <summary>Audience deposit cookie values already verified, with the first deposit each one records.</summary>
    public VerifiedCookieCache<DateTimeOffset> DepositCache { get; }

    public SubjectHasher Subjects { get; }

    public IConsentProofStore? ProofStore { get; }

    /// <summary>Who holds parental authority over whom, when the host registered a directory.</summary>
    public IGuardianDirectory? Guardians { get; }

    public RefusalProofQueue? RefusalQueue { get; }

    /// <summary>Expires the request's cookies its consent does not allow.</summary>
    public RequestCookieSweep Sweep { get; }

    /// <summary>The consent-aware Content-Security-Policy writer, or null when the feature is off.</summary>
    public ConsentContentSecurityPolicy? ContentSecurityPolicy { get; }

    /// <summary>Which choice is each signed-in user's account's latest, as this node last checked.</summary>
    public AccountChoiceCache AccountChoices { get; }

    /// <summary>Which privacy-signal refusals earn a proof (once per browser, on a page load).</summary>
    public PrivacySignalProofGate PrivacySignalProofs { get; }

    /// <summary>The writer of <paramref name="inner"/>'s responses, made on its first request.</summary>
    public ConsentResponse WriterFor(IFeatureCollection features, IHttpResponseFeature inner)
    {
        // Kept with the server's pooled context when it offers that (Kestrel, per connection or HTTP/2 stream): it
        // serves one request at a time, like the writer, and takes the writer with it when it goes.
        if (features.Get<IPersistentStateFeature>()?.State is { } state)
        {
            if (state.TryGetValue(this, out var found) && found is ConsentResponse kept)
            {
                return kept;
            }

            var writer = new ConsentResponse(this);
            state[this] = writer;
            return writer;
        }

        return _writers.TryGetValue(inner, out var known) ? known : _writers.GetValue(inner, _ => new ConsentResponse(this));
    }

    /// <summary>The keyed hash of the signed-in user, or null for an anonymous visitor.</summary>
    public string? SubjectOf(HttpContext context)
    {
        // Not HttpContext.User: without authentication it makes an empty principal on each request.
        if (context.Features.Get<IHttpAuthenticationFeature>()?.User is not { } user)
        {
            return null;
        }

        var id = Options.SubjectId(user);
        return string.IsNullOrEmpty(id) ? null : Subjects.Hash(id);
    }

    public bool IsMinor(HttpContext context)
    {
        if (Options.IsMinor is { } isMinor)
        {
            return isMinor(context);
        }

        if (Options.MinorClaimType is { } claimType && context.Features.Get<IHttpAuthenticationFeature>()?.User?.FindFirst(claimType) is { } claim)
        {
            return claim.Value.Equals("true", StringComparison.OrdinalIgnoreCase) || claim.Value == "1";
        }

        return false;
    }

    /// <summary>
    /// Whether <paramref name="subject"/>'s choices follow their account across devices: a signed-in user, with
    /// <see cref="EntConsentOptions.PerUserConsent"/> and a proof store to find the account's latest choice in.
    /// </summary>
    public bool FollowsAccount(string? subject) => subject is not null && Options.PerUserConsent && ProofStore is not null;

    /// <summary>Whether the request's minor needs their guardians' decisions read (joint consent is on and possible).</summary>
    public bool ReadsGuardiansOf(ConsentSnapshot snapshot)
        => snapshot.SubjectIsMinor && snapshot.Subject is not null && Guardians is not null && ProofStore is not null
            && snapshot.Policy.JointConsent != JointConsentRule.Off;

    /// <summary>
    /// What the signed-in minor's guardians on file decided about them: one directory call and one indexed read of
    /// the proof store, so a guardian's withdrawal made on any node counts on the minor's next response.
    /// </summary>
    public async Task<GuardianConsent> ReadGuardianConsentAsync(HttpContext context, ConsentPolicy policy, string? tenant, string minorKey, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpAuthenticationFeature>()?.User is not { } user || Options.SubjectId(user) is not { Length: > 0 } minorId)
        {
            return GuardianConsent.None;
        }

        var guardianIds = await Guardians!.GetGuardianIdsAsync(minorId, user, cancellationToken).ConfigureAwait(false);
        if (guardianIds.Count == 0)
        {
            return GuardianConsent.None;
        }

        var keys = new string[guardianIds.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = Subjects.Hash(guardianIds[i]);
        }

        var records = await ProofStore!.FindLatestAboutSubjectAsync(minorKey, tenant, cancellationToken).ConfigureAwait(false);
        return GuardianConsent.Create(keys, GuardianChoices(records, policy, Time.GetUtcNow()));
    }

    /// <summary>The guardians' latest choices under <paramref name="policy"/>'s version that have not expired, by guardian key.</summary>
    public static Dictionary<string, ConsentState> GuardianChoices(IReadOnlyList<ConsentProof> records, ConsentPolicy policy, DateTimeOffset now)
    {
        var choices = new Dictionary<string, ConsentState>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var content = record.Content;
            var expiresAt = ConsentState.ExpiryOf(policy, content.Timestamp);
            if (content.SubjectKey is { } guardian && content.PolicyVersion == policy.Version && expiresAt > now)
            {
                choices[guardian] = new ConsentState(content.ConsentId, content.PolicyVersion, content.Timestamp, expiresAt, content.Channel, content.Decisions);
            }
        }

        return choices;
    }

    /// <summary>The consent of a request without a choice, shared by the requests that look alike.</summary>
    public ConsentSnapshot NoChoice(ConsentPolicy policy, string? tenant, string? subject, bool minor)
    {
        if (_lastNoChoice is { } last && last.IsFor(policy, tenant, subject, minor))
        {
            return last;
        }

        var snapshot = new ConsentSnapshot(this, policy, tenant, null, null, subject, minor, isPrivacySignalRefusal: false);
        _lastNoChoice = snapshot;
        return snapshot;
    }

    /// <summary>Warns once per process and host that the cookie domain does not cover it.</summary>
    public void WarnHostOutsideCookieDomain(string host, string domain)
    {
        if (_hostsOutsideCookieDomain.Count < MaxUnknownServicesWarned && _hostsOutsideCookieDomain.TryAdd(host, true))
        {
            ConsentLog.HostOutsideCookieDomain(EnforcementLogger, host, domain);
        }
    }

    /// <summary>Warns once per process and id that host code asked about a service the policy does not declare.</summary>
    public void WarnUnknownService(string serviceId)
    {
        if (_unknownServicesWarned.Count < MaxUnknownServicesWarned && _unknownServicesWarned.TryAdd(serviceId, true))
        {
            ConsentLog.UnknownService(EnforcementLogger, serviceId);
        }
    }

    /// <summary>Logs a choice, counts its decisions and tells <see cref="EntConsentEvents.OnChoiceRecorded"/>.</summary>
    public void RecordChoice(ConsentState state, HttpContext context)
    {
        foreach (var (serviceId, decision) in state.Decisions)
        {
            Metrics.Choice(serviceId, decision);
        }

        ConsentLog.ChoiceRecorded(EnforcementLogger, state.ConsentId, state.Channel, state.PolicyVersion);
        if (Events.ObservesChoices)
        {
            Events.ChoiceRecorded(new ConsentChoiceRecordedContext(context, state));
        }
    }

    /// <summary>The undeclared cookie names seen, for the consent console.</summary>
    public UndeclaredCookieSightings UndeclaredCookies { get; }

    /// <summary>Logs, counts and tells <see cref="EntConsentEvents.OnCookieBlocked"/> that a cookie was dropped.</summary>
    public void CookieBlocked(HttpContext context, string cookieName, string? serviceId, ConsentCookieBlockReason reason)
    {
        switch (reason)
        {
            case ConsentCookieBlockReason.NoConsent:
                ConsentLog.CookieBlocked(EnforcementLogger, cookieName, serviceId!);
                Metrics.CookieBlocked(cookieName, "no-consent");
                break;
            case ConsentCookieBlockReason.Undeclared:
                UndeclaredCookies.Record(cookieName, CookieSightingSource.Response);
                ConsentLog.UndeclaredCookie(EnforcementLogger, cookieName, "dropped");
                Metrics.CookieBlocked(cookieName, "undeclared");
                break;
            default:
                ConsentLog.UnreadableSetCookie(EnforcementLogger, "dropped");
                Metrics.CookieBlocked("(unreadable)", "unreadable");
                break;
        }

        if (Events.ObservesBlockedCookies)
        {
            Events.CookieBlocked(new ConsentCookieBlockedContext(context, cookieName, serviceId, reason));
        }
    }
}
