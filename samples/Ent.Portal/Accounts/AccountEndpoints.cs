using Ent.Portal.Localization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;

namespace Ent.Portal.Accounts;

/// <summary>Sign-in, sign-out and the language switch: form posts protected by antiforgery, then back to the page.</summary>
internal static class AccountEndpoints
{
    public static void MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/sign-in", async (HttpContext context, [FromForm] string account, [FromForm] string? returnUrl) =>
        {
            var demoAccount = DemoAccount.Find(account);
            if (demoAccount is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown account",
                    detail: $"'{account}' is not a demonstration account; use one of: {string.Join(", ", DemoAccount.All.Select(a => a.Id))}.");
            }

            await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, demoAccount.ToPrincipal());
            return Results.LocalRedirect(LocalOrHome(returnUrl));
        });

        endpoints.MapPost("/account/sign-out", async (HttpContext context, [FromForm] string? returnUrl) =>
        {
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return Results.LocalRedirect(LocalOrHome(returnUrl));
        });

        endpoints.MapPost("/language", (HttpContext context, [FromForm] string culture, [FromForm] string? returnUrl) =>
        {
            var chosen = PortalCultures.FromCode(culture);
            if (chosen is null)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Unknown language",
                    detail: $"'{culture}' is not offered; use one of {string.Join(", ", PortalCultures.All.Select(static c => c.Name))}.");
            }

            context.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions { MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, Path = "/" });
            return Results.LocalRedirect(LocalOrHome(returnUrl));
        });
    }

    /// <summary>Only local paths are followed, so the forms cannot be used as an open redirect.</summary>
    public static string LocalOrHome(string? returnUrl)
        => returnUrl is { Length: > 0 } && returnUrl[0] == '/' && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
