using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// Reads a request's consent: the consent cookie (verified, then checked against the clock, the policy version and
/// the signed-in user), else a <c>Sec-GPC</c> refusal, else no choice. Writes nothing; rejections are only logged
/// and counted. A verified cookie keeps the snapshot it was read as, so a returning visitor allocates nothing.
/// </summary>
internal static class ConsentSnapshotReader
{
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>Reads the consent of <paramref name="context"/>'s request.</summary>
    /// <param name="context">The request.</param>
    /// <param name="runtime">The shared signers, caches and clock.</param>
    /// <param name="resolution">The request's policy and tenant.</param>
    /// <param name="cookieHeaders">The request's <c>Cookie</c> headers.</param>
    /// <param name="fromSameCookies">
    /// A snapshot this method read from the consent cookie of a request whose <c>Cookie</c> header was the very same
    /// string (a kept-alive connection): taken again when it is still for this policy, tenant and user and has not
    /// expired, without finding or looking up the cookie.
    /// </param>
    /// <param name="now">The request's reading of the clock: taken here if needed and not yet taken, for the response to reuse.</param>
    /// <param name="fromCookie">Whether the snapshot is the consent cookie's (else a privacy signal's, or no choice).</param>
    public static ConsentSnapshot Read(HttpContext context, ConsentRuntime runtime, ConsentPolicyResolution resolution, StringValues cookieHeaders, ConsentSnapshot? fromSameCookies, ref DateTimeOffset? now, out bool fromCookie)
    {
        var policy = resolution.Policy;
        var tenant = resolution.Tenant;
        var subject = runtime.SubjectOf(context);
        var minor = runtime.IsMinor(context);
        fromCookie = true;
        if (fromSameCookies is not null && fromSameCookies.IsFor(policy, tenant, subject, minor)
            && IsCurrent(fromSameCookies.State ?? fromSameCookies.EarlierState!, now ??= runtime.Time.GetUtcNow()))
        {
            return fromSameCookies;
        }

        // While signed in with choices following the account, only the account's cookie counts: the device's
        // signed-out choice may be another person's on a shared computer, and stays untouched for them.
        var followsAccount = runtime.FollowsAccount(subject);
        var value = RequestCookieReader.Find(cookieHeaders, followsAccount ? policy.AccountConsentCookieName : policy.ConsentCookieName);
        if (!value.IsEmpty && ReadCookie(value, policy, runtime) is { } cookie)
        {
            var state = cookie.State;
            var instant = now ??= runtime.Time.GetUtcNow();
            if (state.IsExpired(instant))
            {
                Reject(runtime, "expired");
            }
            else if (state.GivenAt > instant + ClockSkew)
            {
                Reject(runtime, "given in the future");
            }
            else if (cookie.Snapshot is { } known && known.IsFor(policy, tenant, subject, minor))
            {
                // Verified for this very subject before: the binding was checked then.
                return known;
            }
            else if (followsAccount && cookie.SubjectBinding.Length == 0)
            {
                Reject(runtime, "an account cookie without a user");
            }
            else if (cookie.SubjectBinding.Length > 0 && (subject is null || !runtime.Subjects.IsBound(cookie.SubjectBinding, subject, state.ConsentId)))
            {
                // Given by a signed-in user: trusted for that user only, never for another one or a signed-out visitor.
                Reject(runtime, "given by another user");
            }
            else
            {
                // Another version's choice is asked again; meanwhile its objections to exempt audience still count.
                var current = state.PolicyVersion == policy.Version;
                if (!current)
                {
                    Reject(runtime, "another policy version");
                }

                var snapshot = new ConsentSnapshot(runtime, policy, tenant, current ? state : null, current ? null : state, subject, minor, isPrivacySignalRefusal: false);
                cookie.Snapshot = snapshot;
                return snapshot;
            }
        }

        fromCookie = false;

        if (runtime.Options.HonorGlobalPrivacyControl && context.Request.Headers["Sec-GPC"] == "1" && PrivacySignalRefusal(policy, runtime, ref now) is { } refusal)
        {
            return new ConsentSnapshot(runtime, policy, tenant, refusal, null, subject, minor, isPrivacySignalRefusal: true);
        }

        return runtime.NoChoice(policy, tenant, subject, minor);
    }

    // The clock checks a verified cookie passed once still apply each time it is taken again.
    private static bool IsCurrent(ConsentState state, DateTimeOffset now) => !state.IsExpired(now) && state.GivenAt <= now + ClockSkew;

    private static ConsentCookie? ReadCookie(ReadOnlySpan<char> value, ConsentPolicy policy, ConsentRuntime runtime)
    {
        if (runtime.Cache.TryGet(value, out var cookie))
        {
            return cookie;
        }

        if (!ConsentCookie.TryRead(value, policy, runtime.ConsentCookieSigner, out cookie))
        {
            Reject(runtime, "format, policy version or signature");
            return null;
        }

        runtime.Cache.Add(value, cookie!);
        return cookie;
    }

    private static ConsentState? PrivacySignalRefusal(ConsentPolicy policy, ConsentRuntime runtime, ref DateTimeOffset? now)
    {
        List<KeyValuePair<string, ConsentDecision>>? refused = null;
        foreach (var service in policy.ChoosableServices)
        {
            if (service.Category == ServiceCategory.ConsentRequired)
            {
                (refused ??= []).Add(KeyValuePair.Create(service.Id, ConsentDecision.Denied));
            }
        }

        return refused is null ? null : ConsentState.Create(policy, refused, ConsentChannel.PrivacySignal, now ??= runtime.Time.GetUtcNow());
    }

    private static void Reject(ConsentRuntime runtime, string reason)
    {
        runtime.Metrics.ConsentCookieRejected();
        ConsentLog.ConsentCookieRejected(runtime.EnforcementLogger, reason);
    }
}
