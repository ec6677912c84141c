using System.Buffers;
using System.Globalization;

namespace Ent.Consent;

/// <summary>The checks a declaration must pass; each error names the service, the rule and the figure.</summary>
internal static class ConsentPolicyValidation
{
    private static readonly SearchValues<char> IdCharacters = SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");

    // RFC 6265 token characters: what a cookie name may contain.
    private static readonly SearchValues<char> CookieNameCharacters =
        SearchValues.Create("!#$%&'*+-.^_`|~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    public static bool IsValidId(string? id)
        => !string.IsNullOrEmpty(id) && id.Length <= 64 && !id.AsSpan().ContainsAnyExcept(IdCharacters) && id[0] != '-';

    public static void ValidateOptions(ConsentPolicyOptions options, List<string> errors)
    {
        if (options.Controllers.Count == 0 || options.Controllers.TrueForAll(string.IsNullOrWhiteSpace))
        {
            errors.Add("Controllers is empty: name the joint controllers (region or département, academic authority, school) shown in the banner.");
        }

        if (options.ChoiceValidity.IsZero)
        {
            errors.Add("ChoiceValidity is zero: a choice must be remembered for some time (default P6M).");
        }
        else if (!options.ChoiceValidity.IsWithin(RegulatoryDurations.MaxChoiceValidity))
        {
            errors.Add($"ChoiceValidity {options.ChoiceValidity} exceeds the 13-month cap (P13M) for remembering a choice.");
        }

        if (string.IsNullOrEmpty(options.ConsentCookieName) || options.ConsentCookieName.AsSpan().ContainsAnyExcept(CookieNameCharacters) || options.ConsentCookieName.Contains('*'))
        {
            errors.Add($"ConsentCookieName '{options.ConsentCookieName}' is not a valid cookie name.");
        }

        if (!Enum.IsDefined(options.JointConsent))
        {
            errors.Add($"JointConsent {(int)options.JointConsent} is not one of Off, AnyGuardian, EveryGuardian.");
        }

        foreach (var id in options.BuiltInServices)
        {
            if (!BuiltInCatalogue.Contains(id))
            {
                errors.Add($"BuiltInServices names '{id}', which is not a built-in service. Known: {string.Join(", ", BuiltInCatalogue.ServiceIds)}.");
            }
        }

        foreach (var group in options.Services.GroupBy(static s => s.Id, StringComparer.Ordinal).Where(static g => g.Count() > 1))
        {
            errors.Add($"Service '{group.Key}' is declared {group.Count()} times; ids must be unique.");
        }

        foreach (var group in options.Purposes.GroupBy(static p => p.Id, StringComparer.Ordinal).Where(static g => g.Count() > 1))
        {
            errors.Add($"Purpose '{group.Key}' is declared {group.Count()} times; ids must be unique.");
        }

        foreach (var purpose in options.Purposes)
        {
            if (!IsValidId(purpose.Id))
            {
                errors.Add($"Purpose id '{purpose.Id}' is invalid: use lowercase letters, digits and hyphens (at most 64).");
            }

            if (purpose.Name is not { HasText: true })
            {
                errors.Add($"Purpose '{purpose.Id}' has no Name.");
            }
        }
    }

    public static void ValidateService(ServiceDefinition service, IReadOnlySet<string> purposeIds, bool allowHttpUrls, List<string> errors)
    {
        var label = $"Service '{service.Id}'";
        if (!IsValidId(service.Id))
        {
            errors.Add($"{label}: the id is invalid; use lowercase letters, digits and hyphens (at most 64), as it appears in cookies and HTML attributes.");
        }

        if (!service.Name.HasText)
        {
            errors.Add($"{label}: Name is empty; the user must be told which service they are choosing for.");
        }

        if (string.IsNullOrWhiteSpace(service.Provider))
        {
            errors.Add($"{label}: Provider is empty; name the controller or vendor that runs it.");
        }

        if (!purposeIds.Contains(service.Purpose))
        {
            errors.Add($"{label}: Purpose '{service.Purpose}' is not declared. Declared purposes: {string.Join(", ", purposeIds.Order(StringComparer.Ordinal))}.");
        }

        if (!Enum.IsDefined(service.Category))
        {
            errors.Add($"{label}: Category {(int)service.Category} is not a known category.");
        }

        foreach (var cookie in service.Cookies)
        {
            var name = cookie.NameOrPrefix;
            if (name.Length == 0 || name.AsSpan().ContainsAnyExcept(CookieNameCharacters) || name.Contains('*'))
            {
                errors.Add($"{label}: cookie name '{cookie.Name}' is invalid; give an exact name or a prefix ending with a single '*'.");
            }

            if (cookie.Lifetime is { IsZero: true })
            {
                errors.Add($"{label}: cookie '{cookie.Name}' has a zero lifetime; leave Lifetime empty for a session cookie.");
            }
        }

        foreach (var key in service.StorageKeys)
        {
            if (string.IsNullOrWhiteSpace(key) || key.TrimEnd('*').Contains('*'))
            {
                errors.Add($"{label}: storage key '{key}' is invalid; give an exact key or a prefix ending with a single '*'.");
            }
        }

        if (service.Category == ServiceCategory.Essential && !service.Justification.HasText)
        {
            errors.Add($"{label} is declared Essential without a Justification: the site owner must state why it is strictly necessary.");
        }

        if (service.Category == ServiceCategory.Essential && service.LegalBasis == LegalBasis.Consent)
        {
            errors.Add($"{label} is declared Essential with LegalBasis Consent, yet no consent is asked for it: declare the basis it relies on (PublicInterest, LegalObligation, Contract or LegitimateInterests).");
        }

        if (service.PrivacyPolicyUrl is { } url)
        {
            ValidateUrl(label, nameof(ServiceDefinition.PrivacyPolicyUrl), url, allowHttpUrls, errors);
        }
    }

    // Rendered as links on the cookie page: anything but an absolute https address (http where the host allows it)
    // could run script (javascript:, data:) or be read and altered in transit.
    private static void ValidateUrl(string label, string property, Uri url, bool allowHttpUrls, List<string> errors)
    {
        if (url.IsAbsoluteUri && url.Scheme == Uri.UriSchemeHttps && url.Host.Length > 0)
        {
            return;
        }

        if (url.IsAbsoluteUri && url.Scheme == Uri.UriSchemeHttp && url.Host.Length > 0)
        {
            if (!allowHttpUrls)
            {
                errors.Add($"{label}: {property} '{url.OriginalString}' uses http; give the https:// address (AllowHttpUrls accepts http, for development only).");
            }

            return;
        }

        errors.Add($"{label}: {property} '{url.OriginalString}' is not an https address; give an absolute https:// address such as https://example.org/privacy.");
    }

    /// <summary>The reasons an exempt audience declaration does not hold; empty when it does.</summary>
    public static List<string> ExemptionFailures(ServiceDefinition service)
    {
        var failures = new List<string>();
        var label = $"Service '{service.Id}'";
        if (!service.Justification.HasText)
        {
            failures.Add($"{label} is declared ExemptAudience without a Justification: the site owner must state why it meets the exemption.");
        }

        if (service.LegalBasis == LegalBasis.Consent)
        {
            failures.Add($"{label} is declared ExemptAudience with LegalBasis Consent, yet the exemption means no consent is asked: declare LegitimateInterests (or PublicInterest for a public body's own measurement).");
        }

        var attestation = service.Exemption;
        if (attestation is null)
        {
            failures.Add($"{label} is declared ExemptAudience without an Exemption attestation: each of the six conditions must be attested.");
            return failures;
        }

        foreach (var condition in Enum.GetValues<ExemptionCondition>())
        {
            if (!attestation.IsAttested(condition))
            {
                failures.Add($"{label}: exemption condition {(int)condition} ({condition}) is not attested.");
            }
        }

        foreach (var cookie in service.Cookies)
        {
            if (cookie.Lifetime is { } lifetime && !lifetime.IsWithin(RegulatoryDurations.ExemptAudienceCookieMaxLifetime))
            {
                failures.Add($"{label}: cookie '{cookie.Name}' lifetime {lifetime} exceeds the 13-month cap (P13M) for exempt audience measurement.");
            }
        }

        if (attestation.DataRetention is not { } retention)
        {
            failures.Add($"{label}: Exemption.DataRetention is not declared; exempt audience data may be kept at most 25 months (P25M).");
        }
        else if (retention.IsZero)
        {
            failures.Add($"{label}: Exemption.DataRetention is zero; declare how long the collected data is kept (at most P25M).");
        }
        else if (!retention.IsWithin(RegulatoryDurations.ExemptAudienceDataMaxRetention))
        {
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{label}: Exemption.DataRetention {retention} exceeds the 25-month cap (P25M) for exempt audience data."));
        }

        return failures;
    }
}
