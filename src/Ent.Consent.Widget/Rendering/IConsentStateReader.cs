using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Widget;

/// <summary>The request's policy and valid choice, as the server-side enforcement sees them.</summary>
internal interface IConsentStateReader
{
    ConsentView Read(HttpContext context);
}

/// <summary>
/// A request's policy, its valid choice (or null), whether the banner shows, whether the subject is a minor, and the
/// server's answer to "may this service run now".
/// </summary>
internal readonly record struct ConsentView(ConsentPolicy Policy, ConsentState? State, bool IsPending, bool SubjectIsMinor, Func<string, bool> IsAllowed, Func<string, bool>? IsWaitingForGuardians = null, bool FollowsAccount = false, bool IsRestoredFromAccount = false);
