using Ent.Consent.AspNetCore.Enforcement;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Ent.Consent's enforcement to the request pipeline.</summary>
public static class EntConsentApplicationBuilderExtensions
{
    /// <summary>
    /// Puts the request's consent on <c>HttpContext.Features</c> and enforces the policy on every <c>Set-Cookie</c>
    /// when the response starts. Place it after <c>UseAuthentication</c> (so a signed-in user's choice is
    /// recognised) and before anything that writes cookies in its own <c>OnStarting</c> callback (session).
    /// </summary>
    public static IApplicationBuilder UseEntConsent(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var runtime = app.ApplicationServices.GetService<ConsentRuntime>()
            ?? throw new InvalidOperationException("Call services.AddEntConsent() before app.UseEntConsent().");
        return app.Use(next => new EntConsentMiddleware(next, runtime).InvokeAsync);
    }
}
