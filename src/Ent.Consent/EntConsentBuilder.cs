using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent;

/// <summary>
/// Returned by <c>AddEntConsent</c>: adds the optional parts (widget, proof store, retention) to the same
/// registration, as <c>AddAuthentication</c> returns a builder for its schemes. In the core so that a proof store
/// package extends it without depending on ASP.NET Core.
/// </summary>
public sealed class EntConsentBuilder
{
    /// <summary>Wraps <paramref name="services"/>; <c>AddEntConsent</c> makes one, extensions only receive it.</summary>
    public EntConsentBuilder(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        Services = services;
    }

    /// <summary>The application's services, for extensions that add to Ent.Consent.</summary>
    public IServiceCollection Services { get; }
}
