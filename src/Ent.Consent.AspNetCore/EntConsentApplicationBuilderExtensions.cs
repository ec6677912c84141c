using Ent.Consent.AspNetCore.Enforcement;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Adds Ent.Consent's enforcement to the request pipeline.</summary>
public static class EntConsentApplicationBuilderExtensions
{
    /// <summary>
    /// Puts the request's consent on <c>HttpContext.Features</c> and enforces the policy on every <c>Set-Cookie</c>:
    /// <c>Response.Cookies</c> when called, raw headers when the response starts, and anything written after that
    /// (an <c>OnStarting</c> callback registered earlier) when written, so its place among cookie-writing
    /// middleware does not matter. Place it after <c>UseAuthentication</c>, so a signed-in user's choice is
    /// recognised.
    /// </summary>
    public static IApplicationBuilder UseEntConsent(this IApplicationBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var runtime = app.ApplicationServices.GetService<ConsentRuntime>()
            ?? throw new InvalidOperationException("Call services.AddEntConsent() before app.UseEntConsent().");
        return app.Use(next => new EntConsentMiddleware(next, runtime).InvokeAsync);
    }
}
