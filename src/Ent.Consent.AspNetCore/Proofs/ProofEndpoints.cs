using Ent.Consent.AspNetCore;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ent.Consent;
using Ent.Consent.AspNetCore.Enforcement;
using Ent.Consent.AspNetCore.Proofs;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Microsoft.AspNetCore.Builder;

/// <summary>The handlers behind <see cref="ProofEndpointRouteBuilderExtensions.MapEntConsentProofs(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder, string, string)"/>.</summary>
internal static class ProofEndpoints
{
    public static async Task<IResult> ExportByConsentIdAsync(string consentId, IConsentProofStore store, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var records = await store.ExportByConsentIdAsync(consentId, cancellationToken).ConfigureAwait(false);
        return Results.Json(new ConsentProofExport { ExportedAt = timeProvider.GetUtcNow(), ConsentId = consentId, Records = records }, ConsentProofExport.JsonTypeInfo);
    }

    public static async Task<IResult> ExportBySubjectAsync(string subjectKey, IConsentProofStore store, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        var records = await store.ExportBySubjectAsync(subjectKey, cancellationToken).ConfigureAwait(false);
        return Results.Json(new ConsentProofExport { ExportedAt = timeProvider.GetUtcNow(), SubjectKey = subjectKey, Records = records }, ConsentProofExport.JsonTypeInfo);
    }

    public static async Task<IResult> ExportByUserAsync(HttpContext context, IConsentProofStore store, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        if (!context.Request.HasJsonContentType())
        {
            return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "JSON expected", detail: "Send {\"userId\":\"…\"} as application/json.");
        }

        UserLookup? lookup;
        try
        {
            lookup = await context.Request.ReadFromJsonAsync(ProofEndpointJsonContext.Default.UserLookup, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException exception)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid JSON", detail: exception.Message);
        }

        if (string.IsNullOrEmpty(lookup?.UserId))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Missing user id", detail: "The body must be {\"userId\":\"…\"} with a non-empty id.");
        }

        var subjects = context.RequestServices.GetService<ConsentRuntime>()?.Subjects;
        if (subjects is null || subjects.IsEphemeral)
        {
            // Without a configured key, subject keys change at every restart: a lookup would miss older records.
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "No subject key configured",
                detail: "EntConsentOptions.SubjectKey is not set, so user ids cannot be matched to stored proofs.");
        }

        var subjectKey = subjects.Hash(lookup.UserId);
        var records = await store.ExportBySubjectAsync(subjectKey, cancellationToken).ConfigureAwait(false);
        return Results.Json(new ConsentProofExport { ExportedAt = timeProvider.GetUtcNow(), SubjectKey = subjectKey, Records = records }, ConsentProofExport.JsonTypeInfo);
    }

    public static async Task<IResult> VerifyAsync(ConsentProofVerifier verifier, CancellationToken cancellationToken)
        => Results.Json(await verifier.VerifyAsync(cancellationToken).ConfigureAwait(false), ConsentProofExport.VerificationJsonTypeInfo);

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

/// <summary>The body of <c>POST subjects/by-user</c>.</summary>
internal sealed record UserLookup(string? UserId);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(UserLookup))]
internal sealed partial class ProofEndpointJsonContext : JsonSerializerContext;
