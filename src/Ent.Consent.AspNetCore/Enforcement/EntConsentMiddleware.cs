using Ent.Consent.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// Puts the request's consent (an immutable <see cref="ConsentSnapshot"/>) on <c>HttpContext.Features</c> and hands
/// the response to a <see cref="ConsentResponse"/>, which decides every cookie written from then on and, when the
/// response starts, every <c>Set-Cookie</c> already written. A returning visitor allocates nothing here.
/// </summary>
internal sealed class EntConsentMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ConsentRuntime _runtime;

    public EntConsentMiddleware(RequestDelegate next, ConsentRuntime runtime)
    {
        _next = next;
        _runtime = runtime;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var features = context.Features;
        var inner = features.GetRequiredFeature<IHttpResponseFeature>();
        if (ConsentResponse.Serving(inner, context) is not null || ConsentResponse.Serving(features.Get<ITrackingConsentFeature>(), context) is not null)
        {
            // The same request again (a re-executed pipeline, a second UseEntConsent): already enforced.
            return _next(context);
        }

        var writer = _runtime.WriterFor(features, inner);
        var snapshot = writer.ReadConsent(context, _runtime.Resolver.Resolve(context));
        writer.Begin(context, inner, snapshot);
        var restore = snapshot.FollowsAccount && NeedsAccountChoice(snapshot);
        if (restore || (snapshot.SubjectIsMinor && _runtime.ReadsGuardiansOf(snapshot)))
        {
            return RestoreThenNext(context, writer, snapshot, restore);
        }

        return _next(context);
    }

    /// <summary>
    /// Whether the proof store must be asked for the account's latest choice: none on this device yet (or only the
    /// browser's privacy signal), or this device's copy was not confirmed within the refresh interval.
    /// </summary>
    private bool NeedsAccountChoice(ConsentSnapshot snapshot)
        => snapshot.State is not { } state
            || snapshot.IsPrivacySignalRefusal
            || !_runtime.AccountChoices.IsCurrent(snapshot.Subject!, snapshot.Tenant, state.ConsentId, _runtime.Time.GetUtcNow());

    private async Task RestoreThenNext(HttpContext context, ConsentResponse writer, ConsentSnapshot snapshot, bool restore)
    {
        if (restore)
        {
            await RestoreAsync(context, writer, snapshot).ConfigureAwait(false);
        }

        if (_runtime.ReadsGuardiansOf(snapshot))
        {
            try
            {
                // Read on every request of a signed-in minor: a guardian's withdrawal, made on any node, counts at once.
                var guardians = await _runtime.ReadGuardianConsentAsync(context, snapshot.Policy, snapshot.Tenant, snapshot.Subject!, context.RequestAborted).ConfigureAwait(false);
                writer.AdoptGuardians(guardians);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Unknown guardians' decisions count as none: nothing consent-required runs for the minor meanwhile.
                ConsentLog.GuardiansUnreadable(_runtime.EnforcementLogger, exception);
            }
        }

        await _next(context).ConfigureAwait(false);
    }

    private async Task RestoreAsync(HttpContext context, ConsentResponse writer, ConsentSnapshot snapshot)
    {
        try
        {
            var latest = await _runtime.ProofStore!.FindLatestBySubjectAsync(snapshot.Subject!, snapshot.Tenant, context.RequestAborted).ConfigureAwait(false);
            var now = _runtime.Time.GetUtcNow();
            var own = snapshot.IsPrivacySignalRefusal ? null : snapshot.State;
            if (latest?.Content is { } content && content.PolicyVersion == snapshot.Policy.Version
                && !string.Equals(content.ConsentId, own?.ConsentId, StringComparison.Ordinal)
                && (own is null || content.Timestamp > own.GivenAt))
            {
                var expiresAt = ConsentState.ExpiryOf(snapshot.Policy, content.Timestamp);
                if (expiresAt > now && content.Timestamp <= now)
                {
                    writer.Restore(new ConsentState(content.ConsentId, content.PolicyVersion, content.Timestamp, expiresAt, content.Channel, content.Decisions));
                    _runtime.AccountChoices.Confirm(snapshot.Subject!, snapshot.Tenant, content.ConsentId, now);
                    ConsentLog.ChoiceRestored(_runtime.EnforcementLogger, content.ConsentId);
                }
            }
            else if (own is not null)
            {
                // This device's copy is still the account's latest (or newer: a refusal still on its way to the store).
                _runtime.AccountChoices.Confirm(snapshot.Subject!, snapshot.Tenant, own.ConsentId, now);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            ConsentLog.RestoreFailed(_runtime.EnforcementLogger, exception);
        }
    }
}
