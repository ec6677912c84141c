using System.Globalization;
using System.Text;
using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.AspNetCore.Proofs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// The response side of a request, owned by <c>UseEntConsent</c>, in the manner of ASP.NET Core's cookie policy:
/// it stands in for <see cref="IResponseCookiesFeature"/> (so <c>Response.Cookies.Append</c> is decided when called)
/// and for <see cref="IHttpResponseFeature"/> (so a raw <c>Set-Cookie</c> written after its pass, by an
/// <c>OnStarting</c> callback registered before <c>UseEntConsent</c>, is decided when written). When the response
/// starts it records a privacy-signal refusal, writes the consent cookie of a choice made during the request, then
/// decides every <c>Set-Cookie</c> already in the headers.
/// </summary>
/// <remarks>
/// It is found through the features it stands in for (<see cref="Of"/>), not through one of its own: a feature swap
/// fewer per request. One instance serves every request of a server response object (a connection, an HTTP/2 stream), as the server
/// reuses its own features: like <c>HttpContext</c>, it must not be used after its request ends.
/// </remarks>
internal sealed class ConsentResponse : IHttpResponseFeature, IResponseCookiesFeature, IResponseCookies, ITrackingConsentFeature
{
    private static readonly Func<object, Task> OnStartingCallback = static state =>
    {
        ((ConsentResponse)state).Start();
        return Task.CompletedTask;
    };

    private readonly ConsentRuntime _runtime;
    private readonly ConsentResponseHeaders _headers;
    private HttpContext _context = null!;
    private IHttpResponseFeature _inner = null!;
    private IResponseCookiesFeature? _innerCookies;
    private ResponseCookiesFeature? _ownCookies;
    private IFeatureCollection? _ownCookiesFeatures;
    private ConsentSnapshot _snapshot = null!;
    private ConsentState? _stateToWrite;
    private DateTimeOffset? _firstDeposit;
    private DateTimeOffset? _now;
    private bool _depositStarted;
    private bool _depositWritten;
    private bool _started;
    private bool _writingDecided;

    // The Set-Cookie values as our last decided write left them: the same strings at the pass need no second look.
    private StringValues _decided;

    // The request's Cookie headers, read once: what the browser holds, whatever a later middleware does to them.
    private StringValues _requestCookies;

    // The last request's Cookie header on this connection. Kestrel hands the very same string again when a browser
    // sends the same cookies on a kept-alive connection: the consent read from it, a sweep that found nothing to
    // expire for that consent, and the audience deposit verified in it (under that name) then hold as they are.
    // All are forgotten when the string changes.
    private string? _lastCookieHeader;
    private ConsentSnapshot? _lastCookieConsent;
    private ConsentSnapshot? _lastSweptClean;
    private DateTimeOffset? _lastDeposit;
    private string? _lastDepositName;

    public ConsentResponse(ConsentRuntime runtime)
    {
        _runtime = runtime;
        _headers = new ConsentResponseHeaders(this);
    }

    /// <summary>The request's consent now (the snapshot also found as <see cref="IConsentFeature"/>).</summary>
    public ConsentSnapshot Consent => _snapshot;

    /// <summary>The writer of <paramref name="context"/>'s request, or null when <c>UseEntConsent</c> has not run.</summary>
    public static ConsentResponse? Of(HttpContext context)
    {
        // Any of the three: a later middleware may stand in for one of them in turn (UseCookiePolicy does for two).
        var features = context.Features;
        return Serving(features.Get<IHttpResponseFeature>(), context)
            ?? Serving(features.Get<ITrackingConsentFeature>(), context)
            ?? Serving(features.Get<IResponseCookiesFeature>(), context);
    }

    /// <summary><paramref name="feature"/> when it is a writer serving <paramref name="context"/>'s request.</summary>
    internal static ConsentResponse? Serving(object? feature, HttpContext context)
        => feature is ConsentResponse writer && ReferenceEquals(writer._context, context) ? writer : null;

    internal IHeaderDictionary InnerHeaders => _inner.Headers;

    /// <summary>Set-Cookie headers written from now on are decided as they are written.</summary>
    internal bool DecidesWrites => _started && !_writingDecided;

    /// <summary>
    /// The consent of <paramref name="context"/>'s request, read by <see cref="ConsentSnapshotReader"/>: the last
    /// request's when this one carries the very same <c>Cookie</c> string and it still holds.
    /// </summary>
    public ConsentSnapshot ReadConsent(HttpContext context, ConsentPolicyResolution resolution)
    {
        var cookies = context.Request.Headers.Cookie;
        _requestCookies = cookies;
        var header = cookies.Count == 1 ? cookies[0] : null;
        if (header is null || !ReferenceEquals(header, _lastCookieHeader))
        {
            _lastCookieHeader = header;
            _lastCookieConsent = null;
            _lastSweptClean = null;
            _lastDeposit = null;
        }

        // Starts the request's one reading of the clock (see Now), if the read needs it.
        _now = null;
        var snapshot = ConsentSnapshotReader.Read(context, _runtime, resolution, cookies, _lastCookieConsent, ref _now, out var fromCookie);
        _lastCookieConsent = fromCookie && header is not null ? snapshot : null;
        return snapshot;
    }

    /// <summary>Takes over the response features of <paramref name="context"/> for one request, after <see cref="ReadConsent"/>.</summary>
    public void Begin(HttpContext context, IHttpResponseFeature inner, ConsentSnapshot snapshot)
    {
        var features = context.Features;
        _context = context;
        _inner = inner;
        _innerCookies = features.Get<IResponseCookiesFeature>();
        _snapshot = snapshot;
        _stateToWrite = null;
        _firstDeposit = null;
        _depositStarted = _depositWritten = _started = _writingDecided = false;
        _decided = default;
        features.Set<IConsentFeature>(snapshot);
        features.Set<ITrackingConsentFeature>(this);
        features.Set<IResponseCookiesFeature>(this);
        features.Set<IHttpResponseFeature>(this);
        inner.OnStarting(OnStartingCallback, this);
    }

    /// <summary>
    /// Makes <paramref name="state"/> the request's choice and records it (log, metrics,
    /// <see cref="EntConsentEvents.OnChoiceRecorded"/>): the consent cookie is written when the response starts, and
    /// every cookie the request carries for a service the choice does not allow is expired.
    /// </summary>
    /// <exception cref="InvalidOperationException">The response has started: nothing was changed.</exception>
    public void Apply(ConsentState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ThrowIfStarted();
        // The cookies this choice no longer allows are expired when the response starts, by the request-side sweep.
        Adopt(state);
        if (_snapshot.FollowsAccount)
        {
            // Made here, so this device's copy is the account's latest: no store read on the next request.
            _runtime.AccountChoices.Confirm(_snapshot.Subject!, _snapshot.Tenant, state.ConsentId, _runtime.Time.GetUtcNow());
        }

        _runtime.RecordChoice(state, _context);
    }

    /// <summary>
    /// Adopts the account's choice restored from the proof store (made on another device): written as the account's
    /// cookie, not recorded again, and flagged so the page tells the user.
    /// </summary>
    public void Restore(ConsentState state)
    {
        _snapshot = _snapshot.WithAccountChoice(state);
        _context.Features.Set<IConsentFeature>(_snapshot);
        _stateToWrite = state;
    }

    /// <summary>Adopts what a minor's guardians decided, read from the proof store for this request.</summary>
    public void AdoptGuardians(GuardianConsent guardians)
    {
        _snapshot = _snapshot.WithGuardians(guardians);
        _context.Features.Set<IConsentFeature>(_snapshot);
    }

    /// <summary><see cref="ExemptAudienceDeadline"/> and <see cref="PageBlocksHostsOf"/> as delegates made once per response.</summary>
    internal Func<DateTimeOffset?> ExemptAudienceDeadlineCheck => _exemptAudienceDeadlineCheck ??= ExemptAudienceDeadline;

    /// <inheritdoc cref="ExemptAudienceDeadlineCheck"/>
    internal Func<string, bool> PageBlocksHostsCheck => _pageBlocksHostsCheck ??= PageBlocksHostsOf;

    private Func<DateTimeOffset?>? _exemptAudienceDeadlineCheck;
    private Func<string, bool>? _pageBlocksHostsCheck;

    public DateTimeOffset? ExemptAudienceDeadline()
    {
        var started = _started || _inner.HasStarted;
        var firstDeposit = FirstDeposit(Now);
        // A cycle started now lives in the deposit cookie of this response, which a started response can no longer carry.
        return started && _depositStarted && !_depositWritten ? null : RegulatoryDurations.ExemptAudienceCookieDeadline(firstDeposit);
    }

    /// <summary>
    /// Whether the page this response carries cannot reach a host of <paramref name="serviceId"/> because the
    /// consent-aware Content-Security-Policy is enforced and, for the consent of now, leaves it out.
    /// </summary>
    internal bool PageBlocksHostsOf(string serviceId)
        => _runtime.ContentSecurityPolicy is { } policy
            && _snapshot.Policy.FindService(serviceId) is { } service
            && !policy.PageReaches(_snapshot, service);

    private void Adopt(ConsentState state)
    {
        _snapshot = _snapshot.WithChoice(state);
        _context.Features.Set<IConsentFeature>(_snapshot);
        _stateToWrite = state;
    }

    private void ThrowIfStarted()
    {
        // Checked before anything changes: a choice whose cookie can no longer be written must not half-happen.
        if (_started || _inner.HasStarted)
        {
            throw new InvalidOperationException("The response has already started, so the consent cookie can no longer be written: make the choice before writing the response body. Nothing was changed.");
        }
    }

    // --- IHttpResponseFeature: the server's, except the headers, which decide late Set-Cookie writes.

    public int StatusCode { get => _inner.StatusCode; set => _inner.StatusCode = value; }

    public string? ReasonPhrase { get => _inner.ReasonPhrase; set => _inner.ReasonPhrase = value; }

    public IHeaderDictionary Headers { get => _headers; set => _inner.Headers = value; }

    [Obsolete("Use IHttpResponseBodyFeature.Stream.")]
    public Stream Body { get => _inner.Body; set => _inner.Body = value; }

    public bool HasStarted => _inner.HasStarted;

    public void OnStarting(Func<object, Task> callback, object state) => _inner.OnStarting(callback, state);

    public void OnCompleted(Func<object, Task> callback, object state) => _inner.OnCompleted(callback, state);

    // --- IResponseCookiesFeature / IResponseCookies: decided at the call.

    public IResponseCookies Cookies => this;

    private IResponseCookies InnerCookies
    {
        get
        {
            if (_innerCookies is { } inner)
            {
                return inner.Cookies;
            }

            // ASP.NET Core's own writer over this request's features; the server reuses them, so this is reused too.
            if (!ReferenceEquals(_ownCookiesFeatures, _context.Features))
            {
                _ownCookiesFeatures = _context.Features;
                _ownCookies = new ResponseCookiesFeature(_context.Features);
            }

            return _ownCookies!.Cookies;
        }
    }

    public void Append(string key, string value)
        => Append(key, value, DefaultCookieOptions, static (cookies, k, v, o) =>
        {
            if (ReferenceEquals(o, DefaultCookieOptions))
            {
                cookies.Append(k, v);
            }
            else
            {
                cookies.Append(k, v, o);
            }
        });

    public void Append(string key, string value, CookieOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Append(key, value, options, static (cookies, k, v, o) => cookies.Append(k, v, o));
    }

    public void Append(ReadOnlySpan<KeyValuePair<string, string>> keyValuePairs, CookieOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (key, value) in keyValuePairs)
        {
            Append(key, value, options);
        }
    }

    public void Delete(string key) => WriteDecided(key, static (cookies, k) => cookies.Delete(k));

    public void Delete(string key, CookieOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        WriteDecided((key, options), static (cookies, a) => cookies.Delete(a.key, a.options));
    }

    private static readonly CookieOptions DefaultCookieOptions = new();

    private void Append(string key, string value, CookieOptions options, Action<IResponseCookies, string, string, CookieOptions> write)
    {
        ArgumentNullException.ThrowIfNull(key);
        var now = Now;
        var isDeletion = options.MaxAge is { } maxAge ? maxAge <= TimeSpan.Zero : options.Expires is { } expires && expires <= now;
        DateTimeOffset? requested = options.MaxAge is { } age ? (age >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + age) : options.Expires;
        switch (Decide(key, key, options.Domain, isDeletion, requested, now, out var capped))
        {
            case Verdict.Drop:
                return;
            case Verdict.Cap:
                // A copy: the caller's options may be shared between requests.
                options = new CookieOptions(options) { MaxAge = null, Expires = capped };
                break;
        }

        var decided = _decided;
        _writingDecided = true;
        try
        {
            write(InnerCookies, key, value, options);
        }
        finally
        {
            _writingDecided = false;
        }

        // The writer appends one value. If the header is what was decided plus that value, nothing raw came in
        // between, so every value is decided; else the pass at the start reads from the first unknown one.
        var current = _inner.Headers.SetCookie;
        if (current.Count == decided.Count + 1 && SameLeadingValues(current, decided) == decided.Count)
        {
            _decided = current;
        }

        if (_started)
        {
            WriteDepositCookieIfStarted();
        }
    }

    private void WriteDecided<TArgument>(TArgument argument, Action<IResponseCookies, TArgument> write)
    {
        var allDecided = AllDecided();
        _writingDecided = true;
        try
        {
            write(InnerCookies, argument);
        }
        finally
        {
            _writingDecided = false;
        }

        if (allDecided)
        {
            _decided = _inner.Headers.SetCookie;
        }
    }

    // A raw header written since our last decided write is not ours to vouch for: the pass must still read it.
    private bool AllDecided()
    {
        var current = _inner.Headers.SetCookie;
        return SameLeadingValues(current, _decided) == current.Count;
    }

    // --- ITrackingConsentFeature: "consent" means every consent-required service is allowed.

    public bool IsConsentNeeded
    {
        get
        {
            foreach (var service in _snapshot.Policy.Services)
            {
                if (service.Category == ServiceCategory.ConsentRequired)
                {
                    return true;
                }
            }

            return false;
        }
    }

    public bool HasConsent => _snapshot.AllowsEveryConsentRequiredService;

    public bool CanTrack => !IsConsentNeeded || HasConsent;

    public void GrantConsent()
    {
        ThrowIfStarted();
        ThrowIfProofsRequireTheEndpoint();
        Apply(ConsentState.ForAll(_snapshot.Policy, ConsentDecision.Granted, ConsentChannel.Api, _runtime.Time.GetUtcNow()));
    }

    public void WithdrawConsent()
    {
        ThrowIfStarted();
        var snapshot = _snapshot;
        var state = ConsentState.ForAll(snapshot.Policy, ConsentDecision.Denied, ConsentChannel.Api, _runtime.Time.GetUtcNow());
        Apply(state);
        _runtime.RefusalQueue?.Enqueue(ProofDraftFactory.Create(_context, state, snapshot.Policy, snapshot.Tenant, snapshot.Subject, _runtime.Options.RecordTruncatedIpAddress));
    }

    public string CreateConsentCookie()
    {
        ThrowIfProofsRequireTheEndpoint();
        var state = ConsentState.ForAll(_snapshot.Policy, ConsentDecision.Granted, ConsentChannel.Api, _runtime.Time.GetUtcNow());
        return ConsentCookieHeader(state, state.ExpiresAt - state.GivenAt);
    }

    private void ThrowIfProofsRequireTheEndpoint()
    {
        if (_runtime.ProofStore is not null)
        {
            throw new InvalidOperationException("A proof store is registered: grants must go through the consent endpoint (MapEntConsent), which records them durably before applying them.");
        }
    }

    // --- When the response starts.

    private void Start()
    {
        var snapshot = _snapshot;
        if (snapshot.IsPrivacySignalRefusal && snapshot.State is { } refusal)
        {
            _runtime.RecordChoice(refusal, _context);
            if (_runtime.RefusalQueue is { } queue && _runtime.PrivacySignalProofs.ShouldRecord(_context))
            {
                queue.Enqueue(ProofDraftFactory.Create(_context, refusal, snapshot.Policy, snapshot.Tenant, null, _runtime.Options.RecordTruncatedIpAddress));
            }

            _stateToWrite = refusal;
        }

        WriteConsentCookie();
        _started = true;
        var headers = _inner.Headers;
        var setCookies = headers.SetCookie;
        if (Filter(setCookies, SameLeadingValues(setCookies, _decided)) is { } filtered)
        {
            headers.SetCookie = filtered;
        }

        // _lastCookieHeader is this request's Cookie header when it has exactly one.
        if (_lastCookieHeader is null || !ReferenceEquals(_lastSweptClean, _snapshot))
        {
            var expiring = _runtime.Sweep.Sweep(_context, _requestCookies, _snapshot, out var reported);
            if (expiring is not null)
            {
                // Deletions, so nothing has to decide them again.
                headers.SetCookie = StringValues.Concat(headers.SetCookie, new StringValues(expiring.ToArray()));
            }
            else if (_lastCookieHeader is not null && !reported)
            {
                _lastSweptClean = _snapshot;
            }
        }

        _runtime.ContentSecurityPolicy?.Write(_context, _snapshot, headers);

        WriteDepositCookieIfStarted();
    }

    /// <summary>Decides a late write of <paramref name="value"/> (every <c>Set-Cookie</c> of the response).</summary>
    internal StringValues DecideLateWrite(StringValues value)
    {
        // Values already in the headers were decided; a writer appending keeps them in front.
        var result = Filter(value, SameLeadingValues(value, _inner.Headers.SetCookie)) ?? value;
        if (_depositStarted && !_depositWritten)
        {
            _depositWritten = true;
            result = StringValues.Concat(result, DepositCookieHeader());
        }

        return result;
    }

    /// <summary>How many leading values of <paramref name="values"/> are the very strings of <paramref name="decided"/>.</summary>
    private static int SameLeadingValues(StringValues values, StringValues decided)
    {
        var same = 0;
        while (same < values.Count && same < decided.Count && ReferenceEquals(values[same], decided[same]))
        {
            same++;
        }

        return same;
    }

    /// <summary>The headers from <paramref name="from"/> on decided; null when every one is kept as is.</summary>
    private StringValues? Filter(StringValues setCookies, int from)
    {
        if (setCookies.Count <= from)
        {
            return null;
        }

        var now = Now;
        List<string>? result = null;
        for (var i = from; i < setCookies.Count; i++)
        {
            var header = setCookies[i] ?? string.Empty;
            var verdict = DecideRaw(header, now, out var rewritten);
            if (verdict == Verdict.Keep && result is null)
            {
                continue;
            }

            if (result is null)
            {
                result = new List<string>(setCookies.Count);
                for (var j = 0; j < i; j++)
                {
                    result.Add(setCookies[j] ?? string.Empty);
                }
            }

            if (verdict == Verdict.Keep)
            {
                result.Add(header);
            }
            else if (verdict == Verdict.Cap)
            {
                result.Add(rewritten!);
            }
        }

        return result is null ? null : (StringValues?)new StringValues(result.ToArray());
    }

    private Verdict DecideRaw(string header, DateTimeOffset now, out string? rewritten)
    {
        rewritten = null;
        if (!SetCookieLine.TryRead(header, out var line))
        {
            if (_runtime.Options.UndeclaredCookies == UndeclaredCookieMode.Report)
            {
                ConsentLog.UnreadableSetCookie(_runtime.EnforcementLogger, "let through (Report mode)");
                _runtime.Metrics.CookieBlocked("(unreadable)", "reported");
                return Verdict.Keep;
            }

            _runtime.CookieBlocked(_context, string.Empty, null, ConsentCookieBlockReason.Unreadable);
            return Verdict.Drop;
        }

        var verdict = Decide(line.Name, null, line.Domain, line.IsDeletion(now), line.RequestedEnd(now), now, out var capped);
        if (verdict == Verdict.Cap)
        {
            rewritten = WithExpiry(header, capped!.Value);
        }

        return verdict;
    }

    /// <summary>
    /// The one decision, for a cookie written through <c>Response.Cookies</c> or as a raw header. A deletion always
    /// passes (removing a cookie never needs consent); <paramref name="requestedEnd"/> is the end the browser would
    /// give it (null: a session cookie).
    /// </summary>
    private Verdict Decide(ReadOnlySpan<char> name, string? nameText, ReadOnlySpan<char> domain, bool isDeletion, DateTimeOffset? requestedEnd, DateTimeOffset now, out DateTimeOffset? capped)
    {
        capped = null;
        if (isDeletion)
        {
            return Verdict.Keep;
        }

        var snapshot = _snapshot;
        var policy = snapshot.Policy;
        var classification = policy.Classifier.Classify(name, domain);
        if (classification.Service is not { } service)
        {
            nameText ??= name.ToString();
            if (_runtime.Options.UndeclaredCookies == UndeclaredCookieMode.Report)
            {
                _runtime.UndeclaredCookies.Record(nameText, CookieSightingSource.Response);
                ConsentLog.UndeclaredCookie(_runtime.EnforcementLogger, nameText, "let through (Report mode)");
                _runtime.Metrics.CookieBlocked(nameText, "reported");
                return Verdict.Keep;
            }

            _runtime.CookieBlocked(_context, nameText, null, ConsentCookieBlockReason.Undeclared);
            return Verdict.Drop;
        }

        if (classification.Category == ServiceCategory.Essential)
        {
            return Verdict.Keep;
        }

        if (!policy.IsAllowed(service.Id, snapshot.State ?? snapshot.EarlierState, snapshot.Guardians))
        {
            _runtime.CookieBlocked(_context, nameText ?? name.ToString(), service.Id, ConsentCookieBlockReason.NoConsent);
            return Verdict.Drop;
        }

        if (classification.Category != ServiceCategory.ExemptAudience)
        {
            return Verdict.Keep;
        }

        var end = RegulatoryDurations.CapExemptAudienceCookieExpiry(FirstDeposit(now), requestedEnd);
        if (end == requestedEnd)
        {
            return Verdict.Keep;
        }

        capped = end;
        ConsentLog.ExemptExpiryCapped(_runtime.EnforcementLogger, nameText ?? name.ToString(), end!.Value);
        return Verdict.Cap;
    }

    /// <summary><paramref name="header"/> without its <c>Max-Age</c> and <c>Expires</c>, ending at <paramref name="end"/>.</summary>
    private static string WithExpiry(string header, DateTimeOffset end)
    {
        // An absolute date, so that every later visit writes the very same end.
        var text = header.AsSpan();
        var semicolon = text.IndexOf(';');
        var builder = new StringBuilder(header.Length + 40);
        builder.Append(semicolon < 0 ? text : text[..semicolon]);
        var attributes = semicolon < 0 ? default : text[(semicolon + 1)..];
        while (!attributes.IsEmpty)
        {
            var next = attributes.IndexOf(';');
            var attribute = next < 0 ? attributes : attributes[..next];
            attributes = next < 0 ? default : attributes[(next + 1)..];
            if (!attribute.Trim(" \t").IsEmpty && !SetCookieLine.IsLifetimeAttribute(attribute))
            {
                builder.Append(';').Append(attribute);
            }
        }

        return builder.Append("; expires=").Append(end.UtcDateTime.ToString("R", CultureInfo.InvariantCulture)).ToString();
    }

    // One reading of the clock per request, shared with the consent read: its cookies are all decided at one instant.
    private DateTimeOffset Now => _now ??= _runtime.Time.GetUtcNow();

    /// <summary>The first deposit of the exempt audience cookies: from the request's deposit cookie, or now.</summary>
    private DateTimeOffset FirstDeposit(DateTimeOffset now)
    {
        if (_firstDeposit is { } known)
        {
            return known;
        }

        var name = _snapshot.DepositCookieName;
        if (_lastDeposit is { } verified && string.Equals(_lastDepositName, name, StringComparison.Ordinal) && AudienceDepositCookie.IsCurrent(verified, now))
        {
            // The same Cookie string as a request before on this connection: its deposit cookie was verified then.
            _firstDeposit = verified;
            return verified;
        }

        var value = RequestCookieReader.Find(_requestCookies, name);
        if (!value.IsEmpty && TryReadDeposit(value, now, out var first))
        {
            _firstDeposit = first;
            (_lastDeposit, _lastDepositName) = (first, name);
            return first;
        }

        _firstDeposit = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        _depositStarted = true;
        return _firstDeposit.Value;
    }

    private bool TryReadDeposit(ReadOnlySpan<char> value, DateTimeOffset now, out DateTimeOffset firstDeposit)
    {
        // A returning value skips the unprotect, never the clock checks.
        if (_runtime.DepositCache.TryGet(value, out firstDeposit))
        {
            return AudienceDepositCookie.IsCurrent(firstDeposit, now);
        }

        if (!AudienceDepositCookie.TryRead(value, now, _runtime.DepositCookieSigner, out firstDeposit))
        {
            return false;
        }

        _runtime.DepositCache.Add(value, firstDeposit);
        return true;
    }

    private void WriteDepositCookieIfStarted()
    {
        if (!_depositStarted || _depositWritten)
        {
            return;
        }

        _depositWritten = true;
        var headers = _inner.Headers;
        headers.SetCookie = StringValues.Concat(headers.SetCookie, DepositCookieHeader());
    }

    private string DepositCookieHeader()
    {
        var firstDeposit = _firstDeposit!.Value;
        var options = CookieOptionsForHost();
        options.HttpOnly = true;
        options.MaxAge = null;
        options.Expires = RegulatoryDurations.ExemptAudienceCookieDeadline(firstDeposit);
        return options.CreateCookieHeader(
            _snapshot.DepositCookieName,
            AudienceDepositCookie.Write(firstDeposit, _runtime.DepositCookieSigner)).ToString();
    }

    private void WriteConsentCookie()
    {
        if (_stateToWrite is not { } state)
        {
            return;
        }

        var remaining = state.ExpiresAt - _runtime.Time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return;
        }

        // A raw header: Response.Cookies would percent-encode '|' and ':', and the widget's script reads the
        // contract's text as is.
        var headers = _inner.Headers;
        headers.SetCookie = StringValues.Concat(headers.SetCookie, ConsentCookieHeader(state, TimeSpan.FromSeconds(Math.Floor(remaining.TotalSeconds))));
        if (_runtime.Options.Cookie.Domain is not null && HostOnlyConsentCookieExpiry() is { } expiry)
        {
            headers.SetCookie = StringValues.Concat(headers.SetCookie, expiry);
        }
    }

    /// <summary>
    /// The cookie attributes for this request's host: with <see cref="EntConsentOptions.Cookie"/>'s parent domain
    /// when it covers the host, else host-only (a browser would drop a cookie for a domain that does not contain
    /// the host, and the choice would be lost).
    /// </summary>
    private CookieOptions CookieOptionsForHost()
    {
        var options = _runtime.Options.Cookie.Build(_context);
        if (options.Domain is { } domain && !CoversHost(domain))
        {
            options.Domain = null;
            _runtime.WarnHostOutsideCookieDomain(_context.Request.Host.Host, domain);
        }

        return options;
    }

    private bool CoversHost(string domain)
    {
        var host = _context.Request.Host.Host;
        return host.Length > 0 && !System.Net.IPAddress.TryParse(host, out _) && RequestCookieSweep.Covers(RequestCookieSweep.NormalizeDomain(domain), host);
    }

    /// <summary>
    /// When the choice goes to the parent domain, a host-only consent cookie left from before (written before the
    /// domain was configured) is expired: a browser holding both sends both, and the older one would be read.
    /// </summary>
    private string? HostOnlyConsentCookieExpiry()
    {
        if (RequestCookieReader.Find(_requestCookies, _snapshot.Policy.ConsentCookieName).IsEmpty || !CoversHost(_runtime.Options.Cookie.Domain!))
        {
            return null;
        }

        return _snapshot.Policy.ConsentCookieName + "=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=" + (_runtime.Options.Cookie.Path ?? "/");
    }

    private string ConsentCookieHeader(ConsentState state, TimeSpan maxAge)
    {
        // The browser's own privacy signal stays with the device; every other choice of a signed-in user whose choices
        // follow the account goes to the account's cookie, leaving the device's signed-out choice as it was.
        var toAccount = _snapshot.FollowsAccount && !_snapshot.IsPrivacySignalRefusal;
        var subject = toAccount || state.Channel != ConsentChannel.PrivacySignal ? _snapshot.Subject : null;
        var binding = subject is null ? null : _runtime.Subjects.Bind(subject, state.ConsentId);
        var options = CookieOptionsForHost();
        options.MaxAge = maxAge;
        options.Expires = null;
        var name = toAccount ? _snapshot.Policy.AccountConsentCookieName : _snapshot.Policy.ConsentCookieName;
        return options.CreateCookieHeader(name, ConsentCookie.Write(state, binding, _runtime.ConsentCookieSigner)).ToString();
    }

    private enum Verdict
    {
        Keep,
        Drop,
        Cap,
    }
}
