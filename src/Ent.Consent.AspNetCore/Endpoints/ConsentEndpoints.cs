using System.Globalization;
using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.AspNetCore.Enforcement;
using Ent.Consent.AspNetCore.Proofs;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Ent.Consent.AspNetCore.Endpoints;

/// <summary>
/// The <c>GET</c> and <c>POST</c> handlers under the prefix given to <c>MapEntConsent</c>. They return typed results,
/// so the endpoint metadata (and OpenAPI) carries the contract: 200 with the state, 303 after a form, problems.
/// </summary>
internal static class ConsentEndpoints
{
    public static ConsentStateHttpResult Get(HttpContext context) => State(ResponseOf(context).Consent);

    public static async Task<Results<ConsentStateHttpResult, SeeOtherHttpResult, ProblemHttpResult>> PostAsync(HttpContext context)
    {
        var consent = ResponseOf(context);
        var runtime = context.RequestServices.GetRequiredService<ConsentRuntime>();
        var request = context.Request;

        if (CrossOriginReason(request) is { } crossOrigin)
        {
            return Problem(context, runtime, StatusCodes.Status403Forbidden, "Cross-origin choice refused", crossOrigin);
        }

        var isForm = false;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !(mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                 || (isForm = mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))))
        {
            return Problem(context, runtime, StatusCodes.Status400BadRequest, "Unsupported content type",
                $"Content-Type must be application/json or application/x-www-form-urlencoded, not '{request.ContentType}'.");
        }

        var limit = runtime.Options.MaxChoiceBodySize;
        var body = await ReadBodyAsync(request, limit, context.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return Problem(context, runtime, StatusCodes.Status400BadRequest, "Choice too large",
                $"The body exceeds {limit.ToString(CultureInfo.InvariantCulture)} bytes.");
        }

        if (isForm)
        {
            // Antiforgery reads the token from the form, so it gets the body back.
            request.Body = new MemoryStream(body, writable: false);
        }

        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException exception)
        {
            return Problem(context, runtime, StatusCodes.Status400BadRequest, "Antiforgery token missing or invalid", exception.Message);
        }

        var snapshot = consent.Consent;
        var policy = snapshot.Policy;
        var choice = isForm ? ChoiceRequest.FromForm(body, policy, out var error) : ChoiceRequest.FromJson(body, policy, out error);
        if (choice is null)
        {
            return Problem(context, runtime, StatusCodes.Status400BadRequest, "Invalid choice", error!);
        }

        var previous = snapshot.State;
        var state = choice.ApplyTo(previous, policy, runtime.Time.GetUtcNow());
        if (runtime.ProofStore is not null)
        {
            var draft = ProofDraftFactory.Create(context, state, policy, snapshot.Tenant, snapshot.Subject, runtime.Options.RecordTruncatedIpAddress);
            if (GrantsSomethingNew(state, previous))
            {
                // A grant takes effect only once its proof is durable: without proof there is no consent.
                if (await AppendDurablyAsync(context, runtime, draft, previous?.ConsentId, "choice").ConfigureAwait(false) is { } notRecorded)
                {
                    return notRecorded;
                }
            }
            else
            {
                // A refusal or withdrawal takes effect now; its proof is in the store or spooled on disk first.
                await runtime.RefusalQueue!.RecordAsync(draft, previous?.ConsentId).ConfigureAwait(false);
            }
        }

        consent.Apply(state);
        return isForm ? new SeeOtherHttpResult(choice.ReturnUrl!) : State(consent.Consent);
    }

    private static bool GrantsSomethingNew(ConsentState state, ConsentState? previous)
    {
        foreach (var (serviceId, decision) in state.Decisions)
        {
            if (decision == ConsentDecision.Granted && previous?.GetDecision(serviceId) != ConsentDecision.Granted)
            {
                return true;
            }
        }

        return false;
    }

    private static ConsentStateHttpResult State(IConsentFeature feature)
        => new(ConsentStateDocument.Create(feature.Policy, feature.State, feature.IsPending, feature.IsAllowed, feature.SubjectIsMinor ? feature.IsWaitingForGuardians : null));

    /// <summary>Why a post is cross-origin, or null when it comes from the page's own origin.</summary>
    internal static string? CrossOriginReason(HttpRequest request)
    {
        if (request.Headers.TryGetValue("Sec-Fetch-Site", out var site) && string.Equals(site, "cross-site", StringComparison.OrdinalIgnoreCase))
        {
            return "Sec-Fetch-Site is cross-site: a choice can only be posted from the site itself.";
        }

        if (!request.Headers.TryGetValue(HeaderNames.Origin, out var origin) || origin.Count == 0)
        {
            return null;
        }

        var own = request.Scheme + "://" + request.Host.Value;
        return origin.Count == 1 && string.Equals(origin[0], own, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"Origin '{origin}' is not this site's origin: a choice can only be posted from the site itself.";
    }

    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[4096];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// Appends a proof before the answer, behind any refusal still spooled so the chain keeps the order choices were
    /// made in. Null once it is durable; otherwise the 503 to answer, the <paramref name="noun"/> not applied.
    /// </summary>
    internal static async Task<ProblemHttpResult?> AppendDurablyAsync(HttpContext context, ConsentRuntime runtime, ConsentProofDraft draft, string? previousConsentId, string noun)
    {
        try
        {
            await runtime.RefusalQueue!.AppendGrantAsync(draft, previousConsentId, context.RequestAborted).ConfigureAwait(false);
            return null;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !context.RequestAborted.IsCancellationRequested)
        {
            ConsentLog.GrantNotDurable(runtime.EndpointsLogger, exception, draft.ConsentId);
            context.Response.Headers.RetryAfter = "5";
            return Problem(context, runtime, StatusCodes.Status503ServiceUnavailable, char.ToUpperInvariant(noun[0]) + noun[1..] + " not recorded",
                $"The {noun} could not be recorded durably, so it was not applied; the previous {noun} still holds. Try again in a moment.");
        }
    }

    internal static ProblemHttpResult Problem(HttpContext context, ConsentRuntime runtime, int statusCode, string title, string detail)
    {
        ConsentLog.ChoiceRefused(runtime.EndpointsLogger, statusCode, detail);

        // On the response, not the result: a registered IProblemDetailsService writes the body in its own way.
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Problem(detail: detail, statusCode: statusCode, title: title);
    }

    private static ConsentResponse ResponseOf(HttpContext context)
        => ConsentResponse.Of(context)
            ?? throw new InvalidOperationException("The consent endpoints need the feature set by app.UseEntConsent().");
}
