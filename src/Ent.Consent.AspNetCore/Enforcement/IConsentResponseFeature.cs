namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// The seam through which the consent endpoints (and the widget) change a request's consent: set by
/// <c>UseEntConsent</c> on <c>HttpContext.Features</c>, implemented by the response writer the middleware owns.
/// </summary>
internal interface IConsentResponseFeature
{
    /// <summary>The request's consent now (the snapshot also found as <see cref="IConsentFeature"/>).</summary>
    ConsentSnapshot Consent { get; }

    /// <summary>
    /// Makes <paramref name="state"/> the request's choice and records it (log, metrics,
    /// <see cref="EntConsentEvents.OnChoiceRecorded"/>): the consent cookie is written when the response starts, and
    /// every cookie the request carries for a service the choice does not allow is expired.
    /// </summary>
    /// <exception cref="InvalidOperationException">The response has started: nothing was changed.</exception>
    void Apply(ConsentState state);

    /// <summary>Adopts a choice restored from the proof store: written as the cookie, not recorded again.</summary>
    void Restore(ConsentState state);

    /// <summary>
    /// The end every exempt audience cookie of this visitor must keep (first deposit + 13 months, ADR 0005), for the
    /// widget's in-page guard to cap script writes with: from the request's deposit cookie, or a cycle started now whose
    /// deposit cookie goes out with this response. Null when the response has started without a known deposit (a cycle
    /// whose cookie can no longer be written must not be started).
    /// </summary>
    DateTimeOffset? ExemptAudienceDeadline();
}
