using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.AspNetCore.Endpoints;
using Ent.Consent.AspNetCore.Enforcement;
using Ent.Consent.AspNetCore.Guardians;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the consent endpoints (docs/adr/0004-http-contract.md).</summary>
public static class EntConsentEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps <c>GET {PathPrefix}</c> (the state as JSON) and <c>POST {PathPrefix}</c> (a choice as JSON or as an HTML
    /// form), and <c>GET</c>/<c>POST {PathPrefix}/guardian</c> (a guardian's decisions for their children) at <see cref="EntConsentOptions.PathPrefix"/>, where the widget posts. Needs <c>UseEntConsent</c> earlier
    /// in the pipeline, and <c>app.UseRateLimiter()</c> after routing for <see cref="EntConsentOptions.EndpointRequestsPerMinute"/>
    /// to apply.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddEntConsent</c> was not called.</exception>
    public static IEndpointConventionBuilder MapEntConsent(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var group = endpoints.MapGroup(PathPrefix(endpoints, nameof(MapEntConsent)));
        group.WithMetadata(new EntConsentEndpointMetadata(EntConsentEndpointKind.Consent));
        group.MapGet(string.Empty, ConsentEndpoints.Get).WithDisplayName("Ent.Consent state");

        // Typed, or the method group would bind to RequestDelegate (it returns a Task) and its result be dropped.
        Func<HttpContext, Task<Results<ConsentStateHttpResult, SeeOtherHttpResult, ProblemHttpResult>>> post = ConsentEndpoints.PostAsync;

        // A problem's status is only known when it happens: the ones the handler answers are declared here.
        group.MapPost(string.Empty, post).WithDisplayName("Ent.Consent choice")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        // A guardian's page of their children (joint consent); answers 404 unless JointConsent is on.
        Func<HttpContext, Task<Results<JsonHttpResult<GuardianOverviewDocument>, ProblemHttpResult>>> guardianGet = GuardianEndpoints.GetAsync;
        Func<HttpContext, Task<Results<JsonHttpResult<GuardianOverviewDocument>, SeeOtherHttpResult, ProblemHttpResult>>> guardianPost = GuardianEndpoints.PostAsync;
        group.MapGet(GuardianEndpoints.Path, guardianGet).WithDisplayName("Ent.Consent guardian state");
        group.MapPost(GuardianEndpoints.Path, guardianPost).WithDisplayName("Ent.Consent guardian decision")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        if (endpoints.ServiceProvider.GetRequiredService<IOptions<EntConsentOptions>>().Value.EndpointRequestsPerMinute > 0)
        {
            group.RequireRateLimiting(EntConsentOptions.RateLimiterPolicyName);
        }

        return group;
    }

    /// <summary>The one prefix every <c>Map*</c> extension of Ent.Consent reads.</summary>
    internal static PathString PathPrefix(IEndpointRouteBuilder endpoints, string caller)
    {
        if (endpoints.ServiceProvider.GetService<ConsentRuntime>() is null)
        {
            throw new InvalidOperationException($"Call builder.Services.AddEntConsent(…) before app.{caller}().");
        }

        return endpoints.ServiceProvider.GetRequiredService<IOptions<EntConsentOptions>>().Value.PathPrefix;
    }
}
