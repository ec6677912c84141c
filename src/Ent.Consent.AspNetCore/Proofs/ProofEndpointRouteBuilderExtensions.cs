using Ent.Consent;
using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the consent proof endpoints a data protection officer uses for rights requests and audits.</summary>
public static class ProofEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the proof endpoints under <c>{PathPrefix}/proofs</c> (<see cref="EntConsentOptions.PathPrefix"/>), see
    /// <see cref="MapEntConsentProofs(IEndpointRouteBuilder, string, string)"/>.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="authorizationPolicy">The name of an authorization policy the host registered, for example <c>DataProtectionOfficer</c>.</param>
    /// <returns>The group, for further conventions.</returns>
    /// <exception cref="ArgumentException">The policy name is empty.</exception>
    /// <exception cref="InvalidOperationException">No <see cref="IConsentProofStore"/> is registered.</exception>
    public static RouteGroupBuilder MapEntConsentProofs(this IEndpointRouteBuilder endpoints, string authorizationPolicy)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var prefix = EntConsentEndpointRouteBuilderExtensions.PathPrefix(endpoints, nameof(MapEntConsentProofs));
        return endpoints.MapEntConsentProofs(prefix.Add("/proofs").Value!, authorizationPolicy);
    }

    /// <summary>
    /// Maps, under <paramref name="prefix"/>, <c>GET consents/{consentId}</c> and <c>GET subjects/{subjectKey}</c>
    /// (every record as JSON, see <see cref="ConsentProofExport"/>), <c>POST subjects/by-user</c> with
    /// <c>{"userId":"…"}</c> (the same for a user's own id, hashed as the consent cookie hashes it, kept out of URLs
    /// and request logs) and <c>GET verification</c> (the chain check, see <see cref="ChainVerification"/>). The
    /// endpoints expose pseudonymous personal data, so the authorization policy is a required argument: there is no
    /// way to map them open; a policy the host did not register stops the host at start.
    /// </summary>
    /// <param name="endpoints">The application.</param>
    /// <param name="prefix">The route prefix, for example <c>/consent/proofs</c>.</param>
    /// <param name="authorizationPolicy">The name of an authorization policy the host registered, for example <c>DpoOnly</c>.</param>
    /// <returns>The group, for further conventions.</returns>
    /// <exception cref="ArgumentException">The prefix or policy name is empty.</exception>
    /// <exception cref="InvalidOperationException">No <see cref="IConsentProofStore"/> is registered.</exception>
    public static RouteGroupBuilder MapEntConsentProofs(this IEndpointRouteBuilder endpoints, string prefix, string authorizationPolicy)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(prefix);
        ArgumentException.ThrowIfNullOrWhiteSpace(authorizationPolicy);
        if (endpoints.ServiceProvider.GetService<IConsentProofStore>() is null)
        {
            throw new InvalidOperationException("MapEntConsentProofs needs a consent proof store: call builder.Services.AddEntConsent(…).AddSqliteProofStore(path) or .AddPostgreSqlProofStore(connectionString).");
        }

        var group = endpoints.MapGroup(prefix);
        group.RequireAuthorization(authorizationPolicy);
        group.WithMetadata(new EntConsentEndpointMetadata(EntConsentEndpointKind.Proofs, authorizationPolicy));
        group.AddEndpointFilter(ProofEndpoints.NoStoreAndUnavailableFilter);
        group.MapGet("/consents/{consentId}", ProofEndpoints.ExportByConsentIdAsync);
        group.MapGet("/subjects/{subjectKey}", ProofEndpoints.ExportBySubjectAsync);
        group.MapPost("/subjects/by-user", ProofEndpoints.ExportByUserAsync).DisableAntiforgery();
        group.MapGet("/verification", ProofEndpoints.VerifyAsync);
        return group;
    }
}
