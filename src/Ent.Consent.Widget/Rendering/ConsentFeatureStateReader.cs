using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Widget;

/// <summary>Reads the policy and the verified choice that the consent middleware put on the request.</summary>
internal sealed class ConsentFeatureStateReader : IConsentStateReader
{
    public ConsentView Read(HttpContext context)
    {
        // Wired to Ent.Consent.AspNetCore's request feature once that package lands (branch aspnetcore).
        throw new InvalidOperationException("The consent widget needs the consent services and middleware: call services.AddEntConsent() and app.UseEntConsent().");
    }
}
