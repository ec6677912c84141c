namespace Ent.Consent.AspNetCore;

/// <summary>
/// The consent of the current request, on <c>HttpContext.Features</c> (or through
/// <see cref="ConsentHttpContextExtensions.GetConsent"/>). Immutable: a choice made during the request puts a new
/// one on the request, so an instance may be kept, and a returning visitor's is shared between requests.
/// </summary>
public interface IConsentFeature
{
    /// <summary>The policy of the request.</summary>
    ConsentPolicy Policy { get; }

    /// <summary>The tenant of the request, or null.</summary>
    string? Tenant { get; }

    /// <summary>
    /// The user's valid choice, or null when there is none: no cookie, or one that is tampered, truncated, expired,
    /// from another policy version or given by another signed-in user. A <c>Sec-GPC: 1</c> refusal counts as a
    /// choice (channel <see cref="ConsentChannel.PrivacySignal"/>).
    /// </summary>
    ConsentState? State { get; }

    /// <summary>Whether the user still has to choose (the banner shows).</summary>
    bool IsPending { get; }

    /// <summary>
    /// Whether the choice is the signed-in user's account's and applies on every device where they sign in
    /// (<see cref="EntConsentOptions.PerUserConsent"/>); false for a signed-out visitor.
    /// </summary>
    bool FollowsAccount => false;

    /// <summary>
    /// Whether this request applied the account's choice made on another device (a new device, or a change made
    /// elsewhere), so the page tells the user, with a way to change it.
    /// </summary>
    bool IsRestoredFromAccount => false;

    /// <summary>Whether the current subject is flagged as a minor.</summary>
    bool SubjectIsMinor { get; }

    /// <summary>
    /// For a minor, what their guardians decided about them (read from the proof store on each of the minor's
    /// requests when <see cref="ConsentPolicyOptions.JointConsent"/> is on, else <see cref="GuardianConsent.None"/>);
    /// null for anyone else.
    /// </summary>
    GuardianConsent? Guardians => null;

    /// <summary>
    /// Whether the minor granted <paramref name="serviceId"/> and it stays off only until their guardians agree.
    /// </summary>
    bool IsWaitingForGuardians(string serviceId) => Policy.IsWaitingForGuardians(serviceId, State, Guardians);

    /// <summary>The policy version the choice must match.</summary>
    string PolicyVersion => Policy.Version;

    /// <summary>The decision for a service (not asked when there is no valid choice).</summary>
    ConsentDecision GetDecision(string serviceId) => State?.GetDecision(serviceId) ?? ConsentDecision.NotAsked;

    /// <summary>
    /// Whether the service may run now, by the one rule of <see cref="ConsentPolicy.IsAllowed"/>: essential always,
    /// exempt audience unless the user objected (even under an earlier policy version), consent-required only when
    /// granted under the current version (and, for a minor, agreed by their guardians as
    /// <see cref="ConsentPolicyOptions.JointConsent"/> says). Unknown services never. An exempt service is
    /// allowed without being granted.
    /// </summary>
    bool IsAllowed(string serviceId);
}
