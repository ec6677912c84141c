using Microsoft.AspNetCore.Http;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// Hooks into what Ent.Consent does on a request, like <c>CookieAuthenticationEvents</c>: set the delegates, or derive
/// and override the methods. Called synchronously where the library logs the same fact (a cookie is decided inside
/// <c>Response.Cookies.Append</c>, which cannot wait), so a handler must be quick and must not throw.
/// </summary>
public class EntConsentEvents
{
    private static readonly Action<ConsentCookieBlockedContext> NoBlockedHandler = static _ => { };
    private static readonly Action<ConsentChoiceRecordedContext> NoRecordedHandler = static _ => { };

    /// <summary>Called when a <c>Set-Cookie</c> is dropped (no consent, undeclared in Enforce mode, unreadable) or a cookie the request carried is expired.</summary>
    public Action<ConsentCookieBlockedContext> OnCookieBlocked { get; set; } = NoBlockedHandler;

    /// <summary>Called when a choice is recorded: the consent endpoint, a Global Privacy Control refusal, the tracking API.</summary>
    public Action<ConsentChoiceRecordedContext> OnChoiceRecorded { get; set; } = NoRecordedHandler;

    /// <summary>Invokes <see cref="OnCookieBlocked"/>.</summary>
    public virtual void CookieBlocked(ConsentCookieBlockedContext context) => OnCookieBlocked(context);

    /// <summary>Invokes <see cref="OnChoiceRecorded"/>.</summary>
    public virtual void ChoiceRecorded(ConsentChoiceRecordedContext context) => OnChoiceRecorded(context);

    // Spares building a context nobody reads.
    internal bool ObservesBlockedCookies => OnCookieBlocked != NoBlockedHandler || GetType() != typeof(EntConsentEvents);

    internal bool ObservesChoices => OnChoiceRecorded != NoRecordedHandler || GetType() != typeof(EntConsentEvents);
}

/// <summary>Why a <c>Set-Cookie</c> was dropped.</summary>
public enum ConsentCookieBlockReason
{
    /// <summary>Its service is not allowed: consent-required without consent (or for a minor), or exempt and objected to.</summary>
    NoConsent = 0,

    /// <summary>No service declares it, and undeclared cookies are enforced.</summary>
    Undeclared = 1,

    /// <summary>The header could not be read as a cookie, and undeclared cookies are enforced.</summary>
    Unreadable = 2,

    /// <summary>
    /// The request carried it although its service is not allowed now (or no service declares it and undeclared
    /// cookies are enforced): the response expires it.
    /// </summary>
    Expired = 3,
}

/// <summary>A dropped <c>Set-Cookie</c> or an expired request cookie, for <see cref="EntConsentEvents.OnCookieBlocked"/>. Never carries the value.</summary>
public sealed class ConsentCookieBlockedContext
{
    internal ConsentCookieBlockedContext(HttpContext httpContext, string cookieName, string? serviceId, ConsentCookieBlockReason reason)
    {
        HttpContext = httpContext;
        CookieName = cookieName;
        ServiceId = serviceId;
        Reason = reason;
    }

    /// <summary>The request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The cookie's name (empty when unreadable).</summary>
    public string CookieName { get; }

    /// <summary>The service that declares the cookie, or null when none does.</summary>
    public string? ServiceId { get; }

    /// <summary>Why it was dropped.</summary>
    public ConsentCookieBlockReason Reason { get; }
}

/// <summary>A recorded choice, for <see cref="EntConsentEvents.OnChoiceRecorded"/>.</summary>
public sealed class ConsentChoiceRecordedContext
{
    internal ConsentChoiceRecordedContext(HttpContext httpContext, ConsentState state)
    {
        HttpContext = httpContext;
        State = state;
    }

    /// <summary>The request.</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The choice.</summary>
    public ConsentState State { get; }

    /// <summary>How it was made.</summary>
    public ConsentChannel Channel => State.Channel;
}
