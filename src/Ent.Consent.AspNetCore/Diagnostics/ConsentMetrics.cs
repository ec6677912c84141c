using System.Diagnostics.Metrics;

namespace Ent.Consent.AspNetCore.Diagnostics;

/// <summary>
/// The <c>Ent.Consent</c> meter: counts of choices by service and kind, and of blocked cookies by name. Counts only;
/// no identifier, no value.
/// </summary>
internal sealed class ConsentMetrics
{
    public const string MeterName = "Ent.Consent";

    private readonly Counter<long> _choices;
    private readonly Counter<long> _blockedCookies;
    private readonly Counter<long> _rejectedCookies;

    public ConsentMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _choices = meter.CreateCounter<long>("ent_consent.choices", "{decision}", "Decisions recorded, by service and kind (granted or denied).");
        _blockedCookies = meter.CreateCounter<long>("ent_consent.cookies.blocked", "{cookie}", "Set-Cookie headers dropped or reported, by cookie name and reason.");
        _rejectedCookies = meter.CreateCounter<long>("ent_consent.consent_cookies.rejected", "{cookie}", "Consent cookies that were present but not accepted.");
    }

    public void Choice(string serviceId, ConsentDecision decision)
        => _choices.Add(1, new KeyValuePair<string, object?>("service", serviceId), new KeyValuePair<string, object?>("kind", ConsentWireNames.Of(decision)));

    public void CookieBlocked(string cookieName, string reason)
        => _blockedCookies.Add(1, new KeyValuePair<string, object?>("cookie", cookieName), new KeyValuePair<string, object?>("reason", reason));

    public void ConsentCookieRejected() => _rejectedCookies.Add(1);
}
