namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// The consent of a request, immutable: what the consent cookie (or a privacy signal) says for this policy, tenant
/// and subject. Built by <see cref="ConsentSnapshotReader"/>, shared between the requests that carry the same
/// verified cookie, and replaced (never changed) when a choice is made during the request.
/// </summary>
internal sealed class ConsentSnapshot : IConsentFeature
{
    private readonly ConsentRuntime _runtime;

    public ConsentSnapshot(
        ConsentRuntime runtime,
        ConsentPolicy policy,
        string? tenant,
        ConsentState? state,
        ConsentState? earlierState,
        string? subject,
        bool subjectIsMinor,
        bool isPrivacySignalRefusal,
        GuardianConsent? guardians = null,
        bool isRestoredFromAccount = false)
    {
        _runtime = runtime;
        Policy = policy;
        Tenant = tenant;
        State = state;
        EarlierState = earlierState;
        Subject = subject;
        SubjectIsMinor = subjectIsMinor;
        // A minor whose guardians were not read has nobody agreeing with them: nothing consent-required runs.
        Guardians = subjectIsMinor ? guardians ?? GuardianConsent.None : null;
        IsPrivacySignalRefusal = isPrivacySignalRefusal;
        IsRestoredFromAccount = isRestoredFromAccount;
        FollowsAccount = runtime.FollowsAccount(subject);
        DepositCookieName = Cookies.AudienceDepositCookie.NameFor(policy.ConsentCookieName);
    }

    /// <summary>The name of the audience first-deposit cookie, made once rather than on each read.</summary>
    public string DepositCookieName { get; }

    public ConsentPolicy Policy { get; }

    /// <summary>The consent-aware Content-Security-Policy of this consent, built on its first HTML response.</summary>
    internal ContentSecurityPolicyParts? ContentSecurityPolicy { get; set; }

    public string? Tenant { get; }

    public ConsentState? State { get; }

    /// <summary>A genuine choice made under another policy version: it grants nothing, but its objections hold.</summary>
    public ConsentState? EarlierState { get; }

    /// <summary>The keyed hash of the signed-in user, or null for an anonymous visitor.</summary>
    public string? Subject { get; }

    public bool SubjectIsMinor { get; }

    public GuardianConsent? Guardians { get; }

    /// <summary>
    /// <see cref="State"/> is a refusal derived from <c>Sec-GPC: 1</c> for a visitor without a choice; the response
    /// writer records it and writes it as the consent cookie.
    /// </summary>
    public bool IsPrivacySignalRefusal { get; }

    public bool FollowsAccount { get; }

    public bool IsRestoredFromAccount { get; }

    public bool IsPending => State is null && Policy.ChoosableServices.Count > 0;

    /// <summary><see cref="IsAllowed"/> as a delegate made once per snapshot, for the widget's renderings of this request.</summary>
    internal Func<string, bool> IsAllowedCheck => _isAllowedCheck ??= IsAllowed;

    private Func<string, bool>? _isAllowedCheck;

    public bool IsAllowed(string serviceId)
    {
        ArgumentNullException.ThrowIfNull(serviceId);
        if (Policy.FindService(serviceId) is null)
        {
            _runtime.WarnUnknownService(serviceId);
            return false;
        }

        return Policy.IsAllowed(serviceId, State ?? EarlierState, Guardians);
    }

    /// <summary>Every consent-required service is allowed (<c>ITrackingConsentFeature.HasConsent</c>).</summary>
    public bool AllowsEveryConsentRequiredService
    {
        get
        {
            if (State is not { } state)
            {
                return false;
            }

            foreach (var service in Policy.ChoosableServices)
            {
                if (service.Category == ServiceCategory.ConsentRequired && !Policy.IsAllowed(service.Id, state, Guardians))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>The same request with <paramref name="state"/> as its choice.</summary>
    public ConsentSnapshot WithChoice(ConsentState state)
        => new(_runtime, Policy, Tenant, state, earlierState: null, Subject, SubjectIsMinor, isPrivacySignalRefusal: false, Guardians);

    /// <summary>The same request with what the minor's guardians decided read from the store.</summary>
    public ConsentSnapshot WithGuardians(GuardianConsent guardians)
        => new(_runtime, Policy, Tenant, State, EarlierState, Subject, SubjectIsMinor, IsPrivacySignalRefusal, guardians, IsRestoredFromAccount);

    /// <summary>The same request with the account's <paramref name="state"/>, made on another device, as its choice.</summary>
    public ConsentSnapshot WithAccountChoice(ConsentState state)
        => new(_runtime, Policy, Tenant, state, earlierState: null, Subject, SubjectIsMinor, isPrivacySignalRefusal: false, Guardians, isRestoredFromAccount: true);

    /// <summary>Whether this snapshot was built for a request of the same policy, tenant, subject and minor flag.</summary>
    public bool IsFor(ConsentPolicy policy, string? tenant, string? subject, bool subjectIsMinor)
        => ReferenceEquals(Policy, policy) && string.Equals(Tenant, tenant, StringComparison.Ordinal)
            && string.Equals(Subject, subject, StringComparison.Ordinal) && SubjectIsMinor == subjectIsMinor;
}
