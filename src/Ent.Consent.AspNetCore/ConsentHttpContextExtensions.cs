using Microsoft.AspNetCore.Http;

namespace Ent.Consent.AspNetCore;

/// <summary>Reads the consent of a request.</summary>
public static class ConsentHttpContextExtensions
{
    /// <summary>The request's <see cref="IConsentFeature"/>.</summary>
    /// <exception cref="InvalidOperationException"><c>UseEntConsent</c> is not in the pipeline before this point.</exception>
    public static IConsentFeature GetConsent(this HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Features.Get<IConsentFeature>()
            ?? throw new InvalidOperationException("No consent on this request: call app.UseEntConsent() before the code that reads it.");
    }
}
