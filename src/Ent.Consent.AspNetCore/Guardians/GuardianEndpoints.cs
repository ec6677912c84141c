using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.AspNetCore.Endpoints;
using Ent.Consent.AspNetCore.Enforcement;
using Ent.Consent.AspNetCore.Proofs;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace Ent.Consent.AspNetCore.Guardians;

/// <summary>
/// <c>GET</c> and <c>POST {prefix}/guardian</c>: a signed-in guardian reads, and grants or withdraws, each
/// consent-required service for each minor the directory lists for them (joint consent, loi Informatique et
/// Libertés art. 45). Only the minor's guardians may act; each decision is a proof (actor: the guardian, about: the
/// minor), durable before the answer.
/// </summary>
internal static class GuardianEndpoints
{
    public const string Path = "/guardian";
    private const int MaxBodySize = 8 * 1024;

    public static async Task<Results<JsonHttpResult<GuardianOverviewDocument>, ProblemHttpResult>> GetAsync(HttpContext context)
    {
        var runtime = context.RequestServices.GetRequiredService<ConsentRuntime>();
        var consent = ConsentResponse.Of(context)?.Consent
            ?? throw new InvalidOperationException("The consent endpoints need the feature set by app.UseEntConsent().");
        if (Unavailable(context, runtime, consent.Policy) is { } unavailable)
        {
            return unavailable;
        }

        var overview = await GuardianOverview.ReadAsync(context, runtime, consent.Policy, consent.Tenant, context.RequestAborted).ConfigureAwait(false);
        if (overview is null)
        {
            return ConsentEndpoints.Problem(context, runtime, StatusCodes.Status403Forbidden, "Not signed in", "Sign in as a guardian to see your children's consent.");
        }

        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(GuardianOverviewDocument.Create(consent.Policy, overview), GuardianJsonContext.Default.GuardianOverviewDocument);
    }

    public static async Task<Results<JsonHttpResult<GuardianOverviewDocument>, SeeOtherHttpResult, ProblemHttpResult>> PostAsync(HttpContext context)
    {
        var runtime = context.RequestServices.GetRequiredService<ConsentRuntime>();
        var consent = ConsentResponse.Of(context)?.Consent
            ?? throw new InvalidOperationException("The consent endpoints need the feature set by app.UseEntConsent().");
        var policy = consent.Policy;
        var request = context.Request;
        if (Unavailable(context, runtime, policy) is { } unavailable)
        {
            return unavailable;
        }

        if (ConsentEndpoints.CrossOriginReason(request) is { } crossOrigin)
        {
            return ConsentEndpoints.Problem(context, runtime, StatusCodes.Status403Forbidden, "Cross-origin decision refused", crossOrigin);
        }

        var isForm = false;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var mediaType)
            || !(mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                 || (isForm = mediaType.MediaType.Equals("application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))))
        {
            return ConsentEndpoints.Problem(context, runtime, StatusCodes.Status400BadRequest, "Unsupported content type",
                $"Content-Type must be application/json or application/x-www-form-urlencoded, not '{request.ContentType}'.");
        }

        if (request.ContentLength > MaxBodySize)
        {
            return ConsentEndpoints.Problem(context, runtime, StatusCodes.Status400BadRequest, "Decision too large", $"The body exceeds {MaxBodySize.ToString(CultureInfo.InvariantCulture)} bytes.");
        }

        request.EnableBuffering(MaxBodySize, MaxBodySize);
        try
        {
            await context.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(context).ConfigureAwait(false);
        }
        catch (AntiforgeryValidationException exception)
        {
            return ConsentEndpoints.Problem(context, runtime, StatusCodes.Status400BadRequest, "Antiforgery token missing or invalid", exception.Message);
        }
        catch (IOException)
        {
            return ConsentEndpoints.Problem(context, runtime, StatusCodes.Status400BadRequest, "Decision too large", $"The body exceeds {MaxBodySize.ToString(CultureInfo.InvariantCulture)} bytes.");
        }

        request.Body.Position = 0;
        GuardianDecisionDocument? decision;
        string? returnUrl = null;
        try
        {
            if (isForm)
            {
                var form = await new FormReader(request.Body).ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
                returnUrl = LocalUrl.OrRoot(form.TryGetValue("returnUrl", out var url) ? url.ToString() : null);
                decision = new GuardianDecisionDocument
                {
                    Minor = form.TryGetValue("minor", out var minor) ? minor.ToString() : null,
                    Services = form.TryGetValue("service", out var service) && form.TryGetValue("decision", out var value)
                        ? new Dictionary<string, bool>(StringComparer.Ordinal) { [service.ToString()] = value == "granted" ? true : value == "denied" ? false : throw new FormatException($"decision '{value}' is neither granted nor denied.") }
                        : null,
                };
            }
            else
            {
                decision = await JsonSerializer.DeserializeAsync(request.Body, GuardianJsonContext.Default.GuardianDecisionDocument, context.RequestAborted).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is JsonException or FormatException or InvalidDataException)
        {
            return ConsentEndpoints.Problem(context, runtime, StatusCodes.Status400BadRequest, "Invalid decision", exception.Message);
        }

        if (decision?.Minor is not { Length: > 0 } minorKey || decision.Services is not { Count: > 0 } services)
        {
            return ConsentEndpoints.Problem(context, runtime, StatusCodes.Status400BadRequest, "Invalid decision", "Name the minor ('minor') and at least one service ('services': {\"id\": true|false}).");
        }

        foreach (var serviceId in services.Keys)
        {
            if (policy.FindService(serviceId)?.Category != ServiceCategory.ConsentRequired)
            {
                return ConsentEndpoints.Problem(context, runtime, StatusCodes.Status400BadRequest, "Invalid decision",
                    $"'{serviceId}' is not a consent-required service of this policy: guardians decide only on those.");
            }
        }

        var overview = await GuardianOverview.ReadAsync(context, runtime, policy, consent.Tenant, context.RequestAborted).ConfigureAwait(false);
        if (overview is null)
        {
            return ConsentEndpoints.Problem(context, runtime, StatusCodes.Status403Forbidden, "Not signed in", "Sign in as a guardian to decide for your children.");
        }

        if (overview.Minors.FirstOrDefault(m => string.Equals(m.MinorKey, minorKey, StringComparison.Ordinal)) is not { } minorView)
        {
            return ConsentEndpoints.Problem(context, runtime, StatusCodes.Status403Forbidden, "Not this minor's guardian",
                "The signed-in user is not on file as a guardian of this minor; only the holders of parental authority decide with them.");
        }

        var now = runtime.Time.GetUtcNow();
        var changes = services.Select(static s => KeyValuePair.Create(s.Key, s.Value ? ConsentDecision.Granted : ConsentDecision.Denied));
        var previous = minorView.GuardianChoice;
        var state = previous is null
            ? ConsentState.Create(policy, changes, ConsentChannel.PreferenceCentre, now)
            : previous.With(policy, changes, ConsentChannel.PreferenceCentre, now);
        var draft = ProofDraftFactory.Create(context, state, policy, consent.Tenant, overview.GuardianKey, runtime.Options.RecordTruncatedIpAddress, aboutSubjectKey: minorKey);
        // Grant or withdrawal, durable before the answer: the minor's next request reads it from the store.
        if (await ConsentEndpoints.AppendDurablyAsync(context, runtime, draft, previous?.ConsentId, "decision").ConfigureAwait(false) is { } notRecorded)
        {
            return notRecorded;
        }

        ConsentLog.GuardianDecisionRecorded(runtime.EndpointsLogger, state.ConsentId);
        if (isForm)
        {
            return new SeeOtherHttpResult(returnUrl!);
        }

        var updated = await GuardianOverview.ReadAsync(context, runtime, policy, consent.Tenant, context.RequestAborted).ConfigureAwait(false);
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(GuardianOverviewDocument.Create(policy, updated!), GuardianJsonContext.Default.GuardianOverviewDocument);
    }

    private static ProblemHttpResult? Unavailable(HttpContext context, ConsentRuntime runtime, ConsentPolicy policy)
        => policy.JointConsent == JointConsentRule.Off || runtime.Guardians is null || runtime.ProofStore is null
            ? ConsentEndpoints.Problem(context, runtime, StatusCodes.Status404NotFound, "Joint consent is off", "This portal does not collect guardians' consent (JointConsent is Off, or no guardian directory or proof store is registered).")
            : null;
}

/// <summary>The answer of <c>GET {prefix}/guardian</c>.</summary>
internal sealed class GuardianOverviewDocument
{
    public static GuardianOverviewDocument Create(ConsentPolicy policy, GuardianOverview overview) => new()
    {
        PolicyVersion = policy.Version,
        JointConsent = policy.JointConsent == JointConsentRule.EveryGuardian ? "everyGuardian" : "anyGuardian",
        Minors = [.. overview.Minors.Select(static m => new GuardedMinorDocument
        {
            Minor = m.MinorKey,
            Name = m.Minor.DisplayName,
            Services = m.Services.ToDictionary(
                static s => s.Service.Id,
                static s => new GuardedServiceDocument
                {
                    MinorDecision = ConsentWireNames.Of(s.MinorDecision),
                    YourDecision = ConsentWireNames.Of(s.GuardianDecision),
                    Allowed = s.Allowed,
                },
                StringComparer.Ordinal),
        })],
    };

    public required string PolicyVersion { get; init; }

    public required string JointConsent { get; init; }

    public required IReadOnlyList<GuardedMinorDocument> Minors { get; init; }
}

/// <summary>One minor in <see cref="GuardianOverviewDocument"/>: the minor's keyed hash is what a decision names.</summary>
internal sealed class GuardedMinorDocument
{
    public required string Minor { get; init; }

    public required string Name { get; init; }

    public required Dictionary<string, GuardedServiceDocument> Services { get; init; }
}

/// <summary>One service of a minor in <see cref="GuardedMinorDocument"/>.</summary>
internal sealed class GuardedServiceDocument
{
    public required string MinorDecision { get; init; }

    public required string YourDecision { get; init; }

    public required bool Allowed { get; init; }
}

/// <summary>The JSON body of <c>POST {prefix}/guardian</c>: <c>{"minor":"…","services":{"videos":true}}</c>.</summary>
internal sealed class GuardianDecisionDocument
{
    public string? Minor { get; set; }

    public Dictionary<string, bool>? Services { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    MaxDepth = 8)]
[JsonSerializable(typeof(GuardianOverviewDocument))]
[JsonSerializable(typeof(GuardianDecisionDocument))]
internal sealed partial class GuardianJsonContext : JsonSerializerContext;
