using Ent.Consent.AspNetCore.Endpoints;
using Microsoft.AspNetCore.Routing;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the consent endpoints (docs/adr/0004-http-contract.md).</summary>
public static class EntConsentEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET {prefix}</c> (the state as JSON) and <c>POST {prefix}</c> (a choice as JSON or as an HTML form)
    /// under <paramref name="prefix"/>, for example <c>/consent</c>. Needs <c>UseEntConsent</c> earlier in the pipeline.
    /// </summary>
    public static IEndpointConventionBuilder MapEntConsent(this IEndpointRouteBuilder endpoints, string prefix = "/consent")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var group = endpoints.MapGroup(prefix);
        group.MapGet(string.Empty, ConsentEndpoints.GetAsync).WithDisplayName("Ent.Consent state");
        group.MapPost(string.Empty, ConsentEndpoints.PostAsync).WithDisplayName("Ent.Consent choice");
        return group;
    }
}
