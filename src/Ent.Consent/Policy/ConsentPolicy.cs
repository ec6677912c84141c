using System.Collections.Frozen;
using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Ent.Consent;

/// <summary>
/// The compiled, validated policy of a portal (or of one tenant): its services, purposes, texts and version.
/// Immutable and thread-safe; build it once with <see cref="Create"/>.
/// </summary>
public sealed partial class ConsentPolicy
{
    /// <summary>The id of the built-in service that owns the consent cookie itself.</summary>
    public const string ConsentServiceId = "ent-consent";

    private readonly FrozenDictionary<string, ServiceDefinition> _servicesById;
    private readonly FrozenDictionary<string, PurposeDefinition> _purposesById;
    private readonly Lock _textsHashLock = new();
    private FrozenDictionary<string, string> _textsHashes = FrozenDictionary<string, string>.Empty;

    private ConsentPolicy(ConsentPolicyOptions options, ServiceDefinition[] services, PurposeDefinition[] purposes, string[] warnings)
    {
        Controllers = Array.AsReadOnly(options.Controllers.ToArray());
        Texts = new ConsentTexts(options.Texts);
        ChoiceValidity = options.ChoiceValidity;
        ConsentCookieName = options.ConsentCookieName;
        AccountConsentCookieName = AccountCookieNameFor(options.ConsentCookieName);
        JointConsent = options.JointConsent;
        Services = Array.AsReadOnly(services);
        Purposes = Array.AsReadOnly(purposes);
        Warnings = Array.AsReadOnly(warnings);
        _servicesById = services.ToFrozenDictionary(static s => s.Id, StringComparer.Ordinal);
        _purposesById = purposes.ToFrozenDictionary(static p => p.Id, StringComparer.Ordinal);
        ChoosableServices = Array.AsReadOnly(services.Where(static s => s.Category != ServiceCategory.Essential).ToArray());
        Classifier = new TrackerClassifier(services);
        Version = PolicyFingerprint.ComputeVersion(this);
    }

    /// <summary>
    /// A stable hash of everything the user is shown and asked about (services, purposes, texts, controllers,
    /// validity): 16 lowercase hexadecimal characters. Any change gives a new version, and a choice made under
    /// another version is asked again.
    /// </summary>
    public string Version { get; }

    /// <summary>The joint controllers.</summary>
    public IReadOnlyList<string> Controllers { get; }

    /// <summary>Every service, built-in and declared, in declaration order (the consent cookie's service first).</summary>
    public IReadOnlyList<ServiceDefinition> Services { get; }

    /// <summary>The services a user can decide on: exempt audience (opt-out) and consent-required (opt-in).</summary>
    public IReadOnlyList<ServiceDefinition> ChoosableServices { get; }

    /// <summary>Every purpose in use.</summary>
    public IReadOnlyList<PurposeDefinition> Purposes { get; }

    /// <summary>The texts shown.</summary>
    public ConsentTexts Texts { get; }

    /// <summary>How long a choice is remembered.</summary>
    public CalendarPeriod ChoiceValidity { get; }

    /// <summary>The name of the cookie storing the choice.</summary>
    public string ConsentCookieName { get; }

    /// <summary>
    /// The name of the cookie storing a signed-in user's choice when choices follow the account
    /// (<c>{ConsentCookieName}_account</c>): kept apart so that it never changes the device's signed-out choice.
    /// </summary>
    public string AccountConsentCookieName { get; }

    internal static string AccountCookieNameFor(string consentCookieName) => consentCookieName + "_account";

    /// <summary>Whose agreement a minor's consent-required services need besides the minor's.</summary>
    public JointConsentRule JointConsent { get; }

    /// <summary>Maps cookie names to their service and category.</summary>
    public TrackerClassifier Classifier { get; }

    /// <summary>Declarations that were accepted with a downgrade (see <see cref="ConsentPolicyOptions.DowngradeInvalidExemptions"/>).</summary>
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The service with this id, or null.</summary>
    public ServiceDefinition? FindService(string serviceId)
        => _servicesById.TryGetValue(serviceId, out var service) ? service : null;

    /// <summary>The purpose with this id, or null.</summary>
    public PurposeDefinition? FindPurpose(string purposeId)
        => _purposesById.TryGetValue(purposeId, out var purpose) ? purpose : null;

    /// <summary>
    /// The one rule of what may run. Essential services always; exempt audience unless the user objected (a minor's
    /// objection needs nobody else); consent-required only when granted under this policy's <see cref="Version"/>
    /// and, for a minor (<paramref name="guardians"/> not null), only when the guardians on file agree as
    /// <see cref="JointConsent"/> says: a refusal or withdrawal by the minor or by a needed guardian switches it off.
    /// Unknown services never.
    /// </summary>
    /// <param name="serviceId">The service.</param>
    /// <param name="state">The user's latest unexpired choice, or null.</param>
    /// <param name="guardians">
    /// For a minor, what their guardians decided about them (<see cref="GuardianConsent.None"/> when nothing is known:
    /// then nothing consent-required runs); null for anyone else.
    /// </param>
    /// <remarks>
    /// A choice made under another version grants nothing, since consent is only informed for the texts shown; but an
    /// objection to exempt audience measurement made under it still holds until the user decides again, so that a
    /// policy change does not switch measurement back on for someone who refused it.
    /// </remarks>
    public bool IsAllowed(string serviceId, ConsentState? state, GuardianConsent? guardians = null)
    {
        if (!_servicesById.TryGetValue(serviceId, out var service))
        {
            return false;
        }

        var decision = state?.GetDecision(serviceId) ?? ConsentDecision.NotAsked;
        var isCurrent = state is not null && state.PolicyVersion == Version;
        return service.Category switch
        {
            ServiceCategory.Essential => true,
            ServiceCategory.ExemptAudience => decision != ConsentDecision.Denied,
            _ => isCurrent && decision == ConsentDecision.Granted && (guardians is null || GuardiansAgree(serviceId, guardians)),
        };
    }

    /// <summary>
    /// Whether the guardians on file agree to <paramref name="serviceId"/> for their minor as <see cref="JointConsent"/>
    /// requires (the minor's own decision aside). Always true for a service that needs no consent.
    /// </summary>
    public bool GuardiansAgree(string serviceId, GuardianConsent guardians)
    {
        ArgumentNullException.ThrowIfNull(guardians);
        if (!_servicesById.TryGetValue(serviceId, out var service))
        {
            return false;
        }

        if (service.Category != ServiceCategory.ConsentRequired)
        {
            return true;
        }

        var count = guardians.GuardianKeys.Count;
        return JointConsent switch
        {
            JointConsentRule.AnyGuardian => count > 0 && guardians.CountGranting(serviceId, Version) > 0,
            JointConsentRule.EveryGuardian => count > 0 && guardians.CountGranting(serviceId, Version) == count,
            _ => false,
        };
    }

    /// <summary>
    /// Whether a minor granted a consent-required service that stays off only because the guardians have not (all)
    /// agreed yet: the widget shows "waiting for your parent".
    /// </summary>
    public bool IsWaitingForGuardians(string serviceId, ConsentState? state, GuardianConsent? guardians)
        => guardians is not null && state is not null && state.PolicyVersion == Version
            && FindService(serviceId)?.Category == ServiceCategory.ConsentRequired
            && state.GetDecision(serviceId) == ConsentDecision.Granted && !GuardiansAgree(serviceId, guardians);

    /// <summary>
    /// A hash (64 hexadecimal characters) of the exact texts a user is shown in <paramref name="culture"/>: banner,
    /// preference centre and service list. Recorded with each consent proof.
    /// </summary>
    public string GetTextsHash(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        if (_textsHashes.TryGetValue(culture.Name, out var hash))
        {
            return hash;
        }

        lock (_textsHashLock)
        {
            if (!_textsHashes.TryGetValue(culture.Name, out hash))
            {
                hash = PolicyFingerprint.ComputeTextsHash(this, culture);
                var copy = new Dictionary<string, string>(_textsHashes, StringComparer.Ordinal) { [culture.Name] = hash };
                _textsHashes = copy.ToFrozenDictionary(StringComparer.Ordinal);
            }
        }

        return hash;
    }

    /// <summary>
    /// Validates <paramref name="options"/> and compiles them. Built-in services named in
    /// <see cref="ConsentPolicyOptions.BuiltInServices"/> are added, the consent cookie is declared Essential, and
    /// every declaration is checked.
    /// </summary>
    /// <exception cref="ConsentPolicyException">The declaration is invalid; the message lists every problem.</exception>
    public static ConsentPolicy Create(ConsentPolicyOptions options, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        logger ??= NullLogger.Instance;
        var errors = new List<string>();
        var warnings = new List<string>();
        var (services, purposes) = Compile(options, errors, warnings);
        if (errors.Count > 0)
        {
            throw new ConsentPolicyException(errors);
        }

        foreach (var warning in warnings)
        {
            LogDowngrade(logger, warning);
        }

        return new ConsentPolicy(options, services, purposes, [.. warnings]);
    }

    /// <summary>Every problem with <paramref name="options"/>; empty when <see cref="Create"/> would succeed.</summary>
    public static IReadOnlyList<string> Validate(ConsentPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = new List<string>();
        Compile(options, errors, []);
        return errors;
    }

    // Every declaration is copied into its immutable compiled form first, then checked: nothing the caller keeps a
    // reference to (options, a built-in copy) can change the policy afterwards.
    private static (ServiceDefinition[] Services, PurposeDefinition[] Purposes) Compile(ConsentPolicyOptions options, List<string> errors, List<string> warnings)
    {
        ConsentPolicyValidation.ValidateOptions(options, errors);

        var declaredPurposes = options.Purposes.Where(static p => p is not null).Select(PurposeDefinition.From).ToList();
        var builtInPurposes = BuiltInCatalogue.Purposes.Select(PurposeDefinition.From).ToList();
        var purposes = builtInPurposes
            .Select(builtIn => declaredPurposes.Find(p => p.Id == builtIn.Id) ?? builtIn)
            .Concat(declaredPurposes.Where(p => !builtInPurposes.Exists(b => b.Id == p.Id)))
            .ToList();
        var purposeIds = purposes.Select(static p => p.Id).ToHashSet(StringComparer.Ordinal);

        var declaredServices = options.Services.Where(static s => s is not null).Select(ServiceDefinition.From).ToList();
        var services = new List<ServiceDefinition> { ServiceDefinition.From(BuiltInCatalogue.ConsentCookieService(options.ConsentCookieName)) };
        foreach (var id in options.BuiltInServices.Distinct(StringComparer.Ordinal))
        {
            if (declaredServices.Exists(s => s.Id == id))
            {
                continue; // Overridden by the host.
            }

            if (BuiltInCatalogue.Find(id) is { } builtIn)
            {
                services.Add(ServiceDefinition.From(builtIn));
            }
        }

        services.AddRange(declaredServices);
        if (declaredServices.Exists(static s => s.Id == ConsentServiceId))
        {
            errors.Add($"Service id '{ConsentServiceId}' is reserved for the consent cookie itself.");
        }

        foreach (var (serviceId, attestation) in options.Exemptions)
        {
            var index = services.FindIndex(s => s.Id == serviceId);
            if (index >= 0)
            {
                services[index] = services[index].WithExemption(attestation);
            }
            else
            {
                errors.Add($"Exemptions names service '{serviceId}', which is not in the policy; add it to Services or BuiltInServices.");
            }
        }

        for (var i = 0; i < services.Count; i++)
        {
            var service = services[i];
            ConsentPolicyValidation.ValidateService(service, purposeIds, options.AllowHttpUrls, errors);
            if (service.Category != ServiceCategory.ExemptAudience)
            {
                continue;
            }

            var failures = ConsentPolicyValidation.ExemptionFailures(service);
            if (failures.Count == 0)
            {
                continue;
            }

            if (options.DowngradeInvalidExemptions)
            {
                services[i] = service.Downgraded();
                warnings.Add($"Service '{service.Id}' was downgraded from ExemptAudience to ConsentRequired: {string.Join(" ", failures)}");
            }
            else
            {
                errors.AddRange(failures);
            }
        }

        // Only the purposes something uses are shown; declared ones stay even if unused, so hosts can prepare them.
        var used = services.Select(static s => s.Purpose).ToHashSet(StringComparer.Ordinal);
        purposes.RemoveAll(p => !used.Contains(p.Id) && !declaredPurposes.Exists(d => d.Id == p.Id));
        return ([.. services], [.. purposes]);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Ent.Consent policy: {Warning}")]
    private static partial void LogDowngrade(ILogger logger, string warning);
}
