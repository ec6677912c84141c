using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.AspNetCore.Proofs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// The consent of one request. Nothing is read until asked; a choice made during the request (the endpoint, a
/// privacy signal, a restored choice) is written as the consent cookie when the response starts.
/// </summary>
internal sealed class ConsentFeature : IConsentFeature, ITrackingConsentFeature
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);
    private readonly HttpContext _context;
    private readonly ConsentRuntime _runtime;
    private ConsentState? _state;
    private bool _cookieRead;
    private bool _signalApplied;
    private bool _subjectRead;
    private string? _subject;
    private bool? _isMinor;
    private ConsentState? _stateToWrite;
    private DateTimeOffset? _firstDeposit;

    public ConsentFeature(HttpContext context, ConsentRuntime runtime, ConsentPolicyResolution resolution)
    {
        _context = context;
        _runtime = runtime;
        Policy = resolution.Policy;
        Tenant = resolution.Tenant;
    }

    public ConsentPolicy Policy { get; }

    public string? Tenant { get; }

    public ConsentState? State
    {
        get
        {
            EnsureCookieRead();
            if (_state is null && !_signalApplied)
            {
                _signalApplied = true;
                ApplyPrivacySignal();
            }

            return _state;
        }
    }

    public bool IsPending => State is null && Policy.ChoosableServices.Count > 0;

    public bool SubjectIsMinor => _isMinor ??= ReadIsMinor();

    /// <summary>The keyed hash of the signed-in user, or null for an anonymous visitor.</summary>
    public string? Subject
    {
        get
        {
            if (!_subjectRead)
            {
                _subjectRead = true;
                var id = _runtime.Options.SubjectId(_context.User);
                _subject = string.IsNullOrEmpty(id) ? null : _runtime.Subjects.Hash(id);
            }

            return _subject;
        }
    }

    /// <summary>The choice carried by a trusted consent cookie, ignoring any privacy signal.</summary>
    public ConsentState? CookieState
    {
        get
        {
            EnsureCookieRead();
            return _signalApplied ? null : _state;
        }
    }

    /// <summary>True when a Global Privacy Control refusal was derived for this request and must be recorded.</summary>
    public bool PrivacySignalToRecord { get; private set; }

    // ITrackingConsentFeature: "consent" means every consent-required service is allowed.
    public bool IsConsentNeeded => Policy.Services.Any(static s => s.Category == ServiceCategory.ConsentRequired);

    public bool HasConsent
    {
        get
        {
            var state = State;
            if (state is null)
            {
                return false;
            }

            foreach (var service in Policy.ChoosableServices)
            {
                if (service.Category == ServiceCategory.ConsentRequired && !Policy.IsAllowed(service.Id, state, SubjectIsMinor))
                {
                    return false;
                }
            }

            return true;
        }
    }

    public bool CanTrack => !IsConsentNeeded || HasConsent;

    public void GrantConsent()
    {
        ThrowIfProofsRequireTheEndpoint();
        Apply(ConsentState.ForAll(Policy, ConsentDecision.Granted, ConsentChannel.Api, _runtime.Time.GetUtcNow()));
    }

    public void WithdrawConsent()
    {
        var state = ConsentState.ForAll(Policy, ConsentDecision.Denied, ConsentChannel.Api, _runtime.Time.GetUtcNow());
        Apply(state);
        _runtime.RefusalQueue?.Enqueue(ProofDraftFactory.Create(_context, state, Policy, Tenant, Subject, _runtime.Options.RecordTruncatedIpAddress));
    }

    public string CreateConsentCookie()
    {
        ThrowIfProofsRequireTheEndpoint();
        var state = ConsentState.ForAll(Policy, ConsentDecision.Granted, ConsentChannel.Api, _runtime.Time.GetUtcNow());
        return new SetCookieHeaderValue(Policy.ConsentCookieName, ConsentCookie.Write(state, Subject, _runtime.ConsentCookieSigner))
        {
            Path = "/",
            MaxAge = state.ExpiresAt - state.GivenAt,
            Secure = _context.Request.IsHttps,
            SameSite = Microsoft.Net.Http.Headers.SameSiteMode.Lax,
        }.ToString();
    }

    /// <summary>
    /// Makes <paramref name="state"/> the request's choice: the consent cookie is written when the response starts,
    /// and every cookie the request carries for a service the choice does not allow is expired now.
    /// </summary>
    public void Apply(ConsentState state)
    {
        EnsureCookieRead();
        _state = state;
        _signalApplied = true;
        PrivacySignalToRecord = false;
        _stateToWrite = state;
        ExpireCookiesNoLongerAllowed(state);
    }

    /// <summary>Adopts a choice restored from the proof store: written as the cookie, not recorded again.</summary>
    public void Restore(ConsentState state)
    {
        _state = state;
        _cookieRead = true;
        _stateToWrite = state;
    }

    public void EnsureCookieRead()
    {
        if (_cookieRead)
        {
            return;
        }

        _cookieRead = true;
        var value = RequestCookieReader.Find(_context.Request, Policy.ConsentCookieName);
        if (value.IsEmpty)
        {
            return;
        }

        if (!_runtime.Cache.TryGet(value, out var cookie))
        {
            if (!ConsentCookie.TryRead(value, Policy, _runtime.ConsentCookieSigner, out cookie))
            {
                Reject("format, policy version or signature");
                return;
            }

            _runtime.Cache.Add(value, cookie!);
        }

        var state = cookie!.State;
        var now = _runtime.Time.GetUtcNow();
        if (state.IsExpired(now))
        {
            Reject("expired");
        }
        else if (state.GivenAt > now + ClockSkew)
        {
            Reject("given in the future");
        }
        else if (cookie.Subject.Length > 0 && cookie.Subject != Subject)
        {
            // Given by a signed-in user: trusted for that user only, never for another one or a signed-out visitor.
            Reject("given by another user");
        }
        else if (state.PolicyVersion != Policy.Version)
        {
            // Asked again; meanwhile its objections to exempt audience measurement still count (ConsentPolicy.IsAllowed).
            EarlierState = state;
            Reject("another policy version");
        }
        else
        {
            _state = state;
        }
    }

    /// <summary>A genuine choice made under another policy version: it grants nothing, but its objections hold.</summary>
    public ConsentState? EarlierState { get; private set; }

    public bool IsAllowed(string serviceId)
    {
        var state = State;
        return Policy.IsAllowed(serviceId, state ?? EarlierState, SubjectIsMinor);
    }

    /// <summary>The first deposit of the exempt audience cookies: from the request's deposit cookie, or now.</summary>
    public DateTimeOffset FirstDeposit(DateTimeOffset now, out bool started)
    {
        if (_firstDeposit is { } known)
        {
            started = DepositStarted;
            return known;
        }

        var value = RequestCookieReader.Find(_context.Request, AudienceDepositCookie.NameFor(Policy.ConsentCookieName));
        if (!value.IsEmpty && TryReadDeposit(value, now, out var first))
        {
            _firstDeposit = first;
            started = DepositStarted = false;
            return first;
        }

        _firstDeposit = DateTimeOffset.FromUnixTimeSeconds(now.ToUnixTimeSeconds());
        started = DepositStarted = true;
        return _firstDeposit.Value;
    }

    public bool DepositStarted { get; private set; }

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

    /// <summary>
    /// Called when the response starts: records a privacy-signal refusal, writes the consent cookie if a choice was
    /// made during the request, then filters every <c>Set-Cookie</c>.
    /// </summary>
    public void Finish()
    {
        if (!_signalApplied && _runtime.Options.HonorGlobalPrivacyControl && _context.Request.Headers.ContainsKey("Sec-GPC"))
        {
            _ = State;
        }

        if (PrivacySignalToRecord && _state is { } refusal)
        {
            PrivacySignalToRecord = false;
            _runtime.RecordChoice(refusal);
            _runtime.RefusalQueue?.Enqueue(ProofDraftFactory.Create(_context, refusal, Policy, Tenant, null, _runtime.Options.RecordTruncatedIpAddress));
        }

        WriteConsentCookie();
        SetCookieFilter.Apply(_context, this, _runtime);
    }

    private void WriteConsentCookie()
    {
        if (_stateToWrite is not { } state)
        {
            return;
        }

        var now = _runtime.Time.GetUtcNow();
        var remaining = state.ExpiresAt - now;
        if (remaining <= TimeSpan.Zero)
        {
            return;
        }

        var subject = state.Channel == ConsentChannel.PrivacySignal ? null : Subject;
        // Written as a raw header: Response.Cookies would percent-encode '|' and ':', and the widget's script reads
        // the contract's text as is.
        var header = new SetCookieHeaderValue(Policy.ConsentCookieName, ConsentCookie.Write(state, subject, _runtime.ConsentCookieSigner))
        {
            Path = "/",
            MaxAge = TimeSpan.FromSeconds(Math.Floor(remaining.TotalSeconds)),
            Secure = _context.Request.IsHttps,
            SameSite = Microsoft.Net.Http.Headers.SameSiteMode.Lax,
            HttpOnly = false,
        };
        _context.Response.Headers.Append(HeaderNames.SetCookie, header.ToString());
    }

    private void ApplyPrivacySignal()
    {
        if (!_runtime.Options.HonorGlobalPrivacyControl || _context.Request.Headers["Sec-GPC"] != "1")
        {
            return;
        }

        var refused = new List<KeyValuePair<string, ConsentDecision>>();
        foreach (var service in Policy.ChoosableServices)
        {
            if (service.Category == ServiceCategory.ConsentRequired)
            {
                refused.Add(KeyValuePair.Create(service.Id, ConsentDecision.Denied));
            }
        }

        if (refused.Count == 0)
        {
            return;
        }

        _state = ConsentState.Create(Policy, refused, ConsentChannel.PrivacySignal, _runtime.Time.GetUtcNow());
        _stateToWrite = _state;
        PrivacySignalToRecord = true;
    }

    private void ExpireCookiesNoLongerAllowed(ConsentState state)
    {
        if (_context.Request.Headers.Cookie.Count == 0)
        {
            return;
        }

        var host = _context.Request.Host.Host;
        foreach (var name in RequestCookieReader.Names(_context.Request))
        {
            var classification = Policy.Classifier.Classify(name);
            if (classification.Service is not { } service || classification.Category == ServiceCategory.Essential
                || Policy.IsAllowed(service.Id, state, SubjectIsMinor))
            {
                continue;
            }

            var declared = classification.Cookie;
            var domain = declared?.Domain?.TrimStart('.');
            var domainApplies = !string.IsNullOrEmpty(domain)
                && (host.Equals(domain, StringComparison.OrdinalIgnoreCase) || host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase));
            _context.Response.Cookies.Delete(name, new CookieOptions
            {
                Domain = domainApplies ? declared!.Domain : null,
                Path = declared?.Path ?? "/",
                HttpOnly = declared?.HttpOnly ?? false,
                Secure = _context.Request.IsHttps,
                SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Lax,
            });
            ConsentLog.CookieWithdrawn(_runtime.Logger, name, service.Id);
        }
    }

    private void Reject(string reason)
    {
        _runtime.Metrics.ConsentCookieRejected();
        ConsentLog.ConsentCookieRejected(_runtime.Logger, reason);
    }

    private bool ReadIsMinor()
    {
        var options = _runtime.Options;
        if (options.IsMinor is { } isMinor)
        {
            return isMinor(_context);
        }

        if (options.MinorClaimType is { } claimType && _context.User.FindFirst(claimType) is { } claim)
        {
            return claim.Value.Equals("true", StringComparison.OrdinalIgnoreCase) || claim.Value == "1";
        }

        return false;
    }

    private void ThrowIfProofsRequireTheEndpoint()
    {
        if (_runtime.ProofStore is not null)
        {
            throw new InvalidOperationException("A proof store is registered: grants must go through the consent endpoint (MapEntConsent), which records them durably before applying them.");
        }
    }
}
