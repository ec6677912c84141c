using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Widget;

/// <summary>Reads the policy and the verified choice that the consent middleware (<c>UseEntConsent</c>) put on the request.</summary>
internal sealed class ConsentFeatureStateReader : IConsentStateReader
{
    public ConsentView Read(HttpContext context)
    {
        var consent = context.GetConsent();
        return new ConsentView(consent.Policy, consent.State, consent.IsPending, consent.SubjectIsMinor, consent.IsAllowed, consent.SubjectIsMinor ? consent.IsWaitingForGuardians : null, consent.FollowsAccount, consent.IsRestoredFromAccount);
    }
}
