using Ent.Consent;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The handlers behind <see cref="ProofEndpointRouteBuilderExtensions.MapEntConsentProofs"/>.</summary>
internal static class ProofEndpoints
{
    public static async Task<IResult> ExportByConsentIdAsync(string consentId, IConsentProofStore store, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var records = await store.ExportByConsentIdAsync(consentId, cancellationToken).ConfigureAwait(false);
        return Results.Json(new ConsentProofExport { ExportedAt = timeProvider.GetUtcNow(), ConsentId = consentId, Records = records }, ConsentProofJsonContext.Default.ConsentProofExport);
    }

    public static async Task<IResult> ExportBySubjectAsync(string subjectKey, IConsentProofStore store, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var records = await store.ExportBySubjectAsync(subjectKey, cancellationToken).ConfigureAwait(false);
        return Results.Json(new ConsentProofExport { ExportedAt = timeProvider.GetUtcNow(), SubjectKey = subjectKey, Records = records }, ConsentProofJsonContext.Default.ConsentProofExport);
    }

    public static async Task<IResult> VerifyAsync(IConsentProofStore store, CancellationToken cancellationToken)
    {
        var verification = await store.VerifyAsync(cancellationToken).ConfigureAwait(false);
        return Results.Json(verification, ConsentProofJsonContext.Default.ChainVerification);
    }

    public static async ValueTask<object?> NoStoreAndUnavailableFilter(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        // Personal data: never kept by a browser or proxy cache.
        context.HttpContext.Response.Headers[HeaderNames.CacheControl] = "no-store";
        try
        {
            return await next(context).ConfigureAwait(false);
        }
        catch (ConsentProofStoreUnavailableException)
        {
            return Results.Problem(
                statusCode: StatusCodes.Status503ServiceUnavailable,
                title: "Consent proof store unavailable",
                detail: "The consent proof store cannot be read now; try again later.");
        }
    }
}
