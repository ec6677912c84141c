using Ent.Consent.AspNetCore.Enforcement;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace Ent.Consent.AspNetCore.Guardians;

/// <summary>What a signed-in guardian sees and may decide: each minor on file with, per consent-required service, the minor's decision, theirs, and the outcome.</summary>
internal sealed record GuardianOverview(string GuardianKey, IReadOnlyList<GuardedMinorView> Minors)
{
    /// <summary>The overview of the request's signed-in guardian, or null when nobody is signed in.</summary>
    public static async Task<GuardianOverview?> ReadAsync(HttpContext context, ConsentRuntime runtime, ConsentPolicy policy, string? tenant, CancellationToken cancellationToken)
    {
        if (context.Features.Get<IHttpAuthenticationFeature>()?.User is not { } user || runtime.Options.SubjectId(user) is not { Length: > 0 } guardianId)
        {
            return null;
        }

        var guardianKey = runtime.Subjects.Hash(guardianId);
        var minors = await runtime.Guardians!.GetMinorsAsync(guardianId, user, cancellationToken).ConfigureAwait(false);
        var store = runtime.ProofStore!;
        var now = runtime.Time.GetUtcNow();
        var views = new List<GuardedMinorView>(minors.Count);
        foreach (var minor in minors)
        {
            var minorKey = runtime.Subjects.Hash(minor.UserId);
            var own = await store.FindLatestBySubjectAsync(minorKey, tenant, cancellationToken).ConfigureAwait(false);
            var minorState = own?.Content is { } content && content.PolicyVersion == policy.Version && ConsentState.ExpiryOf(policy, content.Timestamp) > now
                ? new ConsentState(content.ConsentId, content.PolicyVersion, content.Timestamp, ConsentState.ExpiryOf(policy, content.Timestamp), content.Channel, content.Decisions)
                : null;

            // The guardians on file, as the minor's requests see them: this guardian, and any other the directory
            // lists for the minor is only known through the records they left (a claims directory knows no more).
            var records = await store.FindLatestAboutSubjectAsync(minorKey, tenant, cancellationToken).ConfigureAwait(false);
            var choices = ConsentRuntime.GuardianChoices(records, policy, now);
            var guardianKeys = await GuardianKeysOfAsync(runtime, minor.UserId, guardianKey, choices.Keys, cancellationToken).ConfigureAwait(false);
            var guardians = GuardianConsent.Create(guardianKeys, choices);
            var yours = guardians.ChoiceOf(guardianKey);
            var services = new List<GuardedServiceView>();
            foreach (var service in policy.ChoosableServices)
            {
                if (service.Category == ServiceCategory.ConsentRequired)
                {
                    services.Add(new GuardedServiceView(
                        service,
                        minorState?.GetDecision(service.Id) ?? ConsentDecision.NotAsked,
                        yours?.GetDecision(service.Id) ?? ConsentDecision.NotAsked,
                        policy.IsAllowed(service.Id, minorState, guardians)));
                }
            }

            views.Add(new GuardedMinorView(minor, minorKey, yours, services));
        }

        return new GuardianOverview(guardianKey, views);
    }

    private static async Task<IEnumerable<string>> GuardianKeysOfAsync(ConsentRuntime runtime, string minorId, string guardianKey, IEnumerable<string> decided, CancellationToken cancellationToken)
    {
        // The directory is asked for the minor's guardians without the minor's principal (the guardian is signed in):
        // an in-memory or database directory answers; a claims directory answers nothing, so those who decided count.
        var ids = await runtime.Guardians!.GetGuardianIdsAsync(minorId, new System.Security.Claims.ClaimsPrincipal(), cancellationToken).ConfigureAwait(false);
        return ids.Count > 0 ? ids.Select(runtime.Subjects.Hash) : decided.Append(guardianKey);
    }
}

/// <summary>One minor on a guardian's page.</summary>
internal sealed record GuardedMinorView(GuardedMinor Minor, string MinorKey, ConsentState? GuardianChoice, IReadOnlyList<GuardedServiceView> Services);

/// <summary>One consent-required service of a minor on a guardian's page.</summary>
internal sealed record GuardedServiceView(ServiceDefinition Service, ConsentDecision MinorDecision, ConsentDecision GuardianDecision, bool Allowed);
