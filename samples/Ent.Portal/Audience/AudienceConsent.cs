using Ent.Consent.AspNetCore;

namespace Ent.Portal.Audience;

/// <summary>Whether the visitor objected to the portal's audience measurement (its opt-out).</summary>
internal static class AudienceConsent
{
    public const string ServiceId = "audience";

    /// <summary>Exempt measurement runs unless the visitor objected; no figure is counted for one who did.</summary>
    public static bool IsMeasured(HttpContext context) => context.GetConsent().IsAllowed(ServiceId);
}
