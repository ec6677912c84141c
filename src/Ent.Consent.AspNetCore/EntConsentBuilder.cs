using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// Returned by <c>AddEntConsent</c>: adds the optional parts (widget, proof store, retention) to the same
/// registration, as <c>AddAuthentication</c> returns a builder for its schemes.
/// </summary>
public sealed class EntConsentBuilder
{
    internal EntConsentBuilder(IServiceCollection services) => Services = services;

    /// <summary>The application's services, for extensions that add to Ent.Consent.</summary>
    public IServiceCollection Services { get; }
}
