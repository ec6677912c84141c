using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace Ent.Portal.Accounts;

/// <summary>
/// The two demonstration accounts: a pupil and a parent who share one computer, to show that a choice made by one
/// is not applied to the other. No password: one click signs in.
/// </summary>
internal sealed record DemoAccount(string Id, string DisplayName, string RoleFr, string RoleEn)
{
    public static readonly DemoAccount Pupil = new("demo-pupil", "Camille Martin", "élève", "pupil");
    public static readonly DemoAccount Parent = new("demo-parent", "Dominique Martin", "parent d'élève", "parent");

    public static IReadOnlyList<DemoAccount> All { get; } = [Pupil, Parent];

    public static DemoAccount? Find(string? id) => All.FirstOrDefault(account => account.Id == id);

    public ClaimsPrincipal ToPrincipal()
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, Id),
                new Claim(ClaimTypes.Name, DisplayName),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return new ClaimsPrincipal(identity);
    }
}
