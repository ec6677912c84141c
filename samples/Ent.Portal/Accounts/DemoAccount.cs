using System.Security.Claims;
using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Ent.Portal.Accounts;

/// <summary>
/// The demonstration accounts: a pupil of 13 and her two parents, who share one computer, to show that a choice made
/// by one is not applied to the other and that the pupil's consent-required services need a parent's agreement too
/// (joint consent, loi Informatique et Libertés art. 45); and the data protection officer who may read the consent
/// proofs. No password: one click signs in.
/// </summary>
internal sealed record DemoAccount(string Id, string DisplayName, string RoleFr, string RoleEn, bool IsDataProtectionOfficer = false, bool IsMinor = false)
{
    /// <summary>The claim the portal's sign-in sets on a pupil under 15 (EntConsent:MinorClaimType).</summary>
    public const string MinorClaimType = "ent_minor";

    /// <summary>The authorization policy that guards the consent proof endpoints.</summary>
    public const string DataProtectionOfficerPolicy = "DataProtectionOfficer";

    public const string DataProtectionOfficerRole = "dpo";

    public static readonly DemoAccount Pupil = new("demo-pupil", "Camille Martin", "élève, 13 ans", "pupil, 13", IsMinor: true);
    public static readonly DemoAccount Parent = new("demo-parent", "Dominique Martin", "parent d'élève", "parent");
    public static readonly DemoAccount SecondParent = new("demo-parent-2", "Claude Martin", "parent d'élève", "parent");
    public static readonly DemoAccount Officer = new("demo-dpo", "Alex Bernard", "délégué·e à la protection des données", "data protection officer", IsDataProtectionOfficer: true);

    public static IReadOnlyList<DemoAccount> All { get; } = [Pupil, Parent, SecondParent, Officer];

    /// <summary>Who holds parental authority over whom: both parents over the pupil, as the ENT's directory says.</summary>
    public static InMemoryGuardianDirectory Guardians { get; } = new(
    [
        (new GuardedMinor(Pupil.Id, Pupil.DisplayName), [Parent.Id, SecondParent.Id]),
    ]);

    /// <summary>Whether the account holds parental authority over a pupil (it gets the parents' consent page).</summary>
    public bool IsGuardian => Id == Parent.Id || Id == SecondParent.Id;

    public static DemoAccount? Find(string? id) => All.FirstOrDefault(account => account.Id == id);

    public ClaimsPrincipal ToPrincipal()
    {
        List<Claim> claims = [new(ClaimTypes.NameIdentifier, Id), new(ClaimTypes.Name, DisplayName)];
        if (IsMinor)
        {
            claims.Add(new Claim(MinorClaimType, "true"));
        }

        if (IsDataProtectionOfficer)
        {
            claims.Add(new Claim(ClaimTypes.Role, DataProtectionOfficerRole));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }
}
