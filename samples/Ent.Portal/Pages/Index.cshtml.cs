using Ent.Consent.AspNetCore;
using Ent.Portal.Accounts;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Ent.Portal.Pages;

/// <summary>The home page: the blocked video, things to try, and the proof links for the data protection officer.</summary>
public sealed class IndexModel : PageModel
{
    /// <summary>Whether the signed-in user is the data protection officer, who may open the consent proofs.</summary>
    public bool ShowsProofs { get; private set; }

    /// <summary>The id of this browser's consent, once a choice was made.</summary>
    public string? ConsentId { get; private set; }

    public void OnGet()
    {
        ShowsProofs = User.IsInRole(DemoAccount.DataProtectionOfficerRole);
        ConsentId = HttpContext.GetConsent().State?.ConsentId;
    }
}
