using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Ent.Portal.Accounts;

/// <summary>
/// The demonstration accounts: a pupil and a parent who share one computer, to show that a choice made by one is
/// not applied to the other, and the data protection officer who may read the consent proofs. No password: one
/// click signs in.
/// </summary>
internal sealed record DemoAccount(string Id, string DisplayName, string RoleFr, string RoleEn, bool IsDataProtectionOfficer = false)
{
    /// <summary>The authorization policy that guards the consent proof endpoints.</summary>
    public const string DataProtectionOfficerPolicy = "DataProtectionOfficer";

    public const string DataProtectionOfficerRole = "dpo";

    public static readonly DemoAccount Pupil = new("demo-pupil", "Camille Martin", "élève", "pupil");
    public static readonly DemoAccount Parent = new("demo-parent", "Dominique Martin", "parent d'élève", "parent");
    public static readonly DemoAccount Officer = new("demo-dpo", "Alex Bernard", "délégué·e à la protection des données", "data protection officer", IsDataProtectionOfficer: true);

    public static IReadOnlyList<DemoAccount> All { get; } = [Pupil, Parent, Officer];

    public static DemoAccount? Find(string? id) => All.FirstOrDefault(account => account.Id == id);

    public ClaimsPrincipal ToPrincipal()
    {
        List<Claim> claims = [new(ClaimTypes.NameIdentifier, Id), new(ClaimTypes.Name, DisplayName)];
        if (IsDataProtectionOfficer)
        {
            claims.Add(new Claim(ClaimTypes.Role, DataProtectionOfficerRole));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
    }
}
