using System.Security.Cryptography;

namespace Ent.Portal.Security;

/// <summary>
/// A strict Content-Security-Policy on every response, with a fresh nonce per request that the pages give to the
/// widget's tags and to the blocked third-party script: the widget needs no inline script or style, so a portal can
/// keep such a policy while adding consent.
/// </summary>
internal static class ContentSecurityPolicy
{
    private static readonly object NonceKey = new();

    /// <summary>The nonce of the current request.</summary>
    public static string Nonce(HttpContext context) => (string)context.Items[NonceKey]!;

    public static IApplicationBuilder UseContentSecurityPolicy(this IApplicationBuilder app)
        => app.Use((context, next) =>
        {
            var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            context.Response.Headers.ContentSecurityPolicy =
                $"default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; img-src 'self' data:; " +
                "frame-src https://www.youtube.com; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";
            return next(context);
        });
}
