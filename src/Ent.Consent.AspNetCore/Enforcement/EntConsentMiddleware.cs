using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.AspNetCore.Proofs;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// Puts the request's <see cref="IConsentFeature"/> in place and, when the response starts, enforces the policy on
/// every <c>Set-Cookie</c>. The work is deferred: a request that writes no cookie reads nothing.
/// </summary>
internal sealed class EntConsentMiddleware
{
    private static readonly Func<object, Task> OnStarting = static state =>
    {
        var feature = (ConsentFeature)state;
        feature.Finish();
        return Task.CompletedTask;
    };

    private readonly RequestDelegate _next;
    private readonly ConsentRuntime _runtime;

    public EntConsentMiddleware(RequestDelegate next, ConsentRuntime runtime)
    {
        _next = next;
        _runtime = runtime;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var feature = new ConsentFeature(context, _runtime, _runtime.Resolver.Resolve(context));
        context.Features.Set<IConsentFeature>(feature);
        context.Features.Set<ITrackingConsentFeature>(feature);
        context.Response.OnStarting(OnStarting, feature);
        if (_runtime.Options.PerUserConsent && _runtime.ProofStore is not null && context.User.Identity?.IsAuthenticated == true)
        {
            return RestoreThenNext(context, feature);
        }

        return _next(context);
    }

    private async Task RestoreThenNext(HttpContext context, ConsentFeature feature)
    {
        if (feature.CookieState is null && feature.Subject is { } subject)
        {
            try
            {
                var latest = await _runtime.ProofStore!.FindLatestBySubjectAsync(subject, feature.Tenant, context.RequestAborted).ConfigureAwait(false);
                var now = _runtime.Time.GetUtcNow();
                if (latest?.Content is { } content && content.PolicyVersion == feature.Policy.Version)
                {
                    var expiresAt = ConsentState.ExpiryOf(feature.Policy, content.Timestamp);
                    if (expiresAt > now && content.Timestamp <= now)
                    {
                        feature.Restore(new ConsentState(content.ConsentId, content.PolicyVersion, content.Timestamp, expiresAt, content.Channel, content.Decisions));
                        ConsentLog.ChoiceRestored(_runtime.Logger, content.ConsentId);
                    }
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                ConsentLog.RestoreFailed(_runtime.Logger, exception);
            }
        }

        await _next(context).ConfigureAwait(false);
    }
}
