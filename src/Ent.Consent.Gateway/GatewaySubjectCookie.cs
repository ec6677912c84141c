using System.Security.Cryptography;
using Ent.Consent;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Gateway;

/// <summary>
/// The gateway's own record of who the portal says is signed in (<see cref="GatewayOptions.SubjectResponseHeader"/>):
/// a signed, HttpOnly session cookie holding the user id the portal named, valid for at most
/// <see cref="Lifetime"/>. A browser cannot forge it, and an empty header from the portal (sign-out) deletes it.
/// </summary>
internal sealed class GatewaySubjectCookie
{
    public const string Name = "ent_gateway_user";

    /// <summary>The longest a sign-in the portal reported is trusted without the portal saying it again.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(12);

    private readonly ITimeLimitedDataProtector _protector;

    public GatewaySubjectCookie(IDataProtectionProvider dataProtection)
        => _protector = dataProtection.CreateProtector("Ent.Consent.Gateway.Subject.v1").ToTimeLimitedDataProtector();

    /// <summary>Declares the cookie as an essential service, so the cookie page lists it and enforcement lets it through.</summary>
    public static void Declare(ConsentPolicyOptions policy)
    {
        if (policy.Services.Any(static s => s?.Id == "ent-gateway-user"))
        {
            return;
        }

        policy.Services.Add(new ServiceDeclaration
        {
            Id = "ent-gateway-user",
            Name = new("Connexion au portail (passerelle de consentement)", "Portal sign-in (consent gateway)"),
            Description = new("Retient quel utilisateur le portail a connecté, pour appliquer ses propres choix sur les cookies.",
                "Keeps which user the portal signed in, so that their own cookie choices apply."),
            Provider = "Opérateur de l'ENT",
            Purpose = "essential",
            Category = ServiceCategory.Essential,
            LegalBasis = LegalBasis.PublicInterest,
            Justification = new("Strictement nécessaire pour appliquer les choix de l'utilisateur connecté et ne pas les appliquer à un autre (CNIL, délibération 2020-091, art. 5).",
                "Strictly necessary to apply the signed-in user's choices and never another user's (CNIL, délibération 2020-091, art. 5)."),
            Cookies =
            [
                new CookieDeclaration
                {
                    Name = Name,
                    HttpOnly = true,
                    Description = new("Identifiant de l'utilisateur connecté, signé ; supprimé à la déconnexion ou à la fermeture du navigateur.",
                        "The signed-in user's id, signed; deleted at sign-out or when the browser closes."),
                },
            ],
            Source = "Ent.Consent.Gateway's own cookie (Gateway:SubjectResponseHeader).",
        });
    }

    /// <summary>The user the cookie names, or null when it is absent, tampered with or older than <see cref="Lifetime"/>.</summary>
    public string? Read(HttpRequest request)
    {
        if (request.Cookies[Name] is not { Length: > 0 } value)
        {
            return null;
        }

        try
        {
            return _protector.Unprotect(value, out _);
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    /// <summary>The <c>Set-Cookie</c> value that names <paramref name="subject"/>, or deletes the cookie when null.</summary>
    public string Header(HttpContext context, string? subject)
    {
        var options = new CookieOptions { HttpOnly = true, Path = "/", SameSite = SameSiteMode.Lax, Secure = context.Request.IsHttps };
        if (subject is null)
        {
            options.Expires = DateTimeOffset.UnixEpoch;
            return options.CreateCookieHeader(Name, string.Empty).ToString();
        }

        return options.CreateCookieHeader(Name, _protector.Protect(subject, Lifetime)).ToString();
    }
}
