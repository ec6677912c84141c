using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Enforcement;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Widget;

/// <summary>Reads the policy and the verified choice that the consent middleware (<c>UseEntConsent</c>) put on the request.</summary>
internal sealed class ConsentFeatureStateReader : IConsentStateReader
{
    public ConsentView Read(HttpContext context)
    {
        var consent = context.GetConsent();
        // The library's own feature hands out one delegate per request rather than one per rendering.
        var isAllowed = consent is ConsentSnapshot snapshot ? snapshot.IsAllowedCheck : consent.IsAllowed;
        return new ConsentView(consent.Policy, consent.State, consent.IsPending, consent.SubjectIsMinor, isAllowed, consent.SubjectIsMinor ? consent.IsWaitingForGuardians : null, consent.FollowsAccount, consent.IsRestoredFromAccount);
    }
}
