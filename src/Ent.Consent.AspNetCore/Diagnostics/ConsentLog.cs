using Microsoft.Extensions.Logging;

namespace Ent.Consent.AspNetCore.Diagnostics;

/// <summary>
/// Every log message of the ASP.NET Core integration, declared once. Cookie values are never logged. Each is written
/// to the category of the component that logs it (<c>ConsentRuntime.*Category</c>).
/// </summary>
internal static partial class ConsentLog
{
    // A declared cookie dropped for want of consent is routine (every request of a visitor who refused): Debug, and
    // counted by the blocked-cookies metric. Undeclared cookies are the site owner's to fix: Warning.
    [LoggerMessage(EventId = 100, Level = LogLevel.Debug, Message = "Dropped cookie '{CookieName}' of service '{ServiceId}': no consent.")]
    public static partial void CookieBlocked(ILogger logger, string cookieName, string serviceId);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Cookie '{CookieName}' is declared by no service; it was {Outcome}. Declare it in EntConsent:Policy:Services.")]
    public static partial void UndeclaredCookie(ILogger logger, string cookieName, string outcome);

    [LoggerMessage(EventId = 102, Level = LogLevel.Warning, Message = "A Set-Cookie header could not be parsed; it was {Outcome}.")]
    public static partial void UnreadableSetCookie(ILogger logger, string outcome);

    [LoggerMessage(EventId = 103, Level = LogLevel.Debug, Message = "Exempt audience cookie '{CookieName}' expiry capped at {Deadline:O} (first deposit + 13 months).")]
    public static partial void ExemptExpiryCapped(ILogger logger, string cookieName, DateTimeOffset deadline);

    [LoggerMessage(EventId = 104, Level = LogLevel.Debug, Message = "The consent cookie was not accepted: {Reason}.")]
    public static partial void ConsentCookieRejected(ILogger logger, string reason);

    // Information the first time a name is expired in the process, then Debug: a visitor who refused carries the
    // same cookies on every request until the browser drops them.
    [LoggerMessage(EventId = 105, Message = "Expired cookie '{CookieName}' of service '{ServiceId}': the request carried it without consent for it.")]
    public static partial void CookieExpired(ILogger logger, LogLevel level, string cookieName, string serviceId);

    [LoggerMessage(EventId = 107, Message = "The request carried cookie '{CookieName}', which no service declares; it was left (Report mode). Declare it in EntConsent:Policy:Services, or list it in IgnoredCookies if another application on this host owns it.")]
    public static partial void UndeclaredRequestCookie(ILogger logger, LogLevel level, string cookieName);

    [LoggerMessage(EventId = 106, Level = LogLevel.Warning, Message = "IsAllowed(\"{ServiceId}\") asks about a service the policy does not declare, so it is never allowed. Declare it in EntConsent:Services, or fix the id. (Logged once per id.)")]
    public static partial void UnknownService(ILogger logger, string serviceId);

    [LoggerMessage(EventId = 110, Level = LogLevel.Information, Message = "Choice {ConsentId} recorded through {Channel} under policy {PolicyVersion}.")]
    public static partial void ChoiceRecorded(ILogger logger, string consentId, ConsentChannel channel, string policyVersion);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Choice refused with {StatusCode}: {Reason}")]
    public static partial void ChoiceRefused(ILogger logger, int statusCode, string reason);

    [LoggerMessage(EventId = 112, Level = LogLevel.Error, Message = "The proof store could not record grant {ConsentId}; the previous choice is kept.")]
    public static partial void GrantNotDurable(ILogger logger, Exception exception, string consentId);

    [LoggerMessage(EventId = 113, Level = LogLevel.Warning, Message = "The proof store could not record refusal {ConsentId} (attempt {Attempt}); retrying in {Delay}.")]
    public static partial void RefusalRetry(ILogger logger, Exception exception, string consentId, int attempt, TimeSpan delay);

    [LoggerMessage(EventId = 114, Level = LogLevel.Critical, Message = "The proof of refusal {ConsentId} could not be stored nor spooled to disk; the refusal applies but has no proof. Check the data directory's disk.")]
    public static partial void RefusalLost(ILogger logger, Exception exception, string consentId);

    [LoggerMessage(EventId = 118, Level = LogLevel.Warning, Message = "The proof store did not take refusal {ConsentId} in time; its proof was spooled to disk and will be stored in order.")]
    public static partial void RefusalSpooled(ILogger logger, Exception exception, string consentId);

    [LoggerMessage(EventId = 117, Level = LogLevel.Error, Message = "The proof store rejected the proof of refusal {ConsentId} as invalid; it was kept in the dead-letter file with the reason, so the refusals after it are still recorded.")]
    public static partial void RefusalRejected(ILogger logger, Exception exception, string consentId);

    [LoggerMessage(EventId = 115, Level = LogLevel.Warning, Message = "Could not look up the latest choice of a signed-in user; the banner shows instead.")]
    public static partial void RestoreFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 140, Level = LogLevel.Warning, Message = "Could not read a minor's guardians or their decisions; the minor's consent-required services stay off for this request.")]
    public static partial void GuardiansUnreadable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 141, Level = LogLevel.Information, Message = "Guardian decision {ConsentId} recorded about a minor.")]
    public static partial void GuardianDecisionRecorded(ILogger logger, string consentId);

    [LoggerMessage(EventId = 116, Level = LogLevel.Information, Message = "Restored choice {ConsentId} of a signed-in user from the proof store.")]
    public static partial void ChoiceRestored(ILogger logger, string consentId);

    [LoggerMessage(EventId = 120, Level = LogLevel.Warning, Message = "EntConsent:SubjectKey is not set: a random key is used, so signed-in users' choices are not recognised after a restart or on another node. Set a secret of at least 32 characters.")]
    public static partial void EphemeralSubjectKey(ILogger logger);

    [LoggerMessage(EventId = 121, Level = LogLevel.Information, Message = "Ent.Consent policy {PolicyVersion} loaded: {ServiceCount} services, undeclared cookies {Mode}, Global Privacy Control {Gpc}.")]
    public static partial void PolicyLoaded(ILogger logger, string policyVersion, int serviceCount, UndeclaredCookieMode mode, bool gpc);

    [LoggerMessage(EventId = 122, Level = LogLevel.Warning, Message = "Host {Host} is outside EntConsent:Cookie:Domain {Domain}: its consent cookie is host-only, so its choice is not shared with the domain's other hosts.")]
    public static partial void HostOutsideCookieDomain(ILogger logger, string host, string domain);
}
