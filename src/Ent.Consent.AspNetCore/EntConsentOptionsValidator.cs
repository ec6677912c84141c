using System.Globalization;
using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// Checks <see cref="EntConsentOptions"/> at start-up: the policy with <see cref="ConsentPolicyOptionsValidator"/>
/// (every problem listed), and the integration's own settings.
/// </summary>
internal sealed class EntConsentOptionsValidator : IValidateOptions<EntConsentOptions>
{
    private readonly ConsentPolicyOptionsValidator _policyValidator = new();

    public ValidateOptionsResult Validate(string? name, EntConsentOptions options)
    {
        var errors = new List<string>();
        var policy = _policyValidator.Validate(name, options.Policy);
        if (policy.Failed)
        {
            errors.AddRange(policy.Failures);
        }

        if (!options.PathPrefix.HasValue || options.PathPrefix.Value!.EndsWith('/'))
        {
            errors.Add($"PathPrefix must be a path such as '/consent' without a trailing slash; it is '{options.PathPrefix}'.");
        }

        if (!Enum.IsDefined(options.UndeclaredCookies))
        {
            errors.Add($"UndeclaredCookies {(int)options.UndeclaredCookies} is not Enforce or Report.");
        }

        if (options.SubjectKey is { Length: < 32 })
        {
            errors.Add($"SubjectKey has {options.SubjectKey.Length.ToString(CultureInfo.InvariantCulture)} characters; use a random secret of at least 32.");
        }

        if (options.PerUserConsent && options.SubjectKey is null)
        {
            errors.Add("PerUserConsent needs SubjectKey: the same secret on every node, so a user's proofs can be found again.");
        }

        if (options.SubjectId is null)
        {
            errors.Add("SubjectId is null: it must read the signed-in user's id (or return null for anonymous visitors).");
        }

        if (options.MaxChoiceBodySize is < 1024 or > 1024 * 1024)
        {
            errors.Add($"MaxChoiceBodySize {options.MaxChoiceBodySize.ToString(CultureInfo.InvariantCulture)} is outside 1 KiB to 1 MiB.");
        }

        if (options.EndpointRequestsPerMinute < 0)
        {
            errors.Add($"EndpointRequestsPerMinute {options.EndpointRequestsPerMinute.ToString(CultureInfo.InvariantCulture)} must be 0 (no limit) or more.");
        }

        if (options.RefusalStoreTimeout <= TimeSpan.Zero || options.RefusalStoreTimeout > TimeSpan.FromSeconds(10))
        {
            errors.Add($"RefusalStoreTimeout {options.RefusalStoreTimeout} is outside (0, 10 s]: a refusal's answer must not wait on the store.");
        }

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("DataDirectory is empty: the refusal spool needs a directory.");
        }

        if (options.VerifiedCookieCacheSize < 0)
        {
            errors.Add($"VerifiedCookieCacheSize {options.VerifiedCookieCacheSize.ToString(CultureInfo.InvariantCulture)} must be 0 (off) or more.");
        }

        if (options.Events is null)
        {
            errors.Add("Events is null: leave the default EntConsentEvents or set one.");
        }

        ValidateCookie(options.Cookie, errors);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateCookie(Microsoft.AspNetCore.Http.CookieBuilder? cookie, List<string> errors)
    {
        if (cookie is null)
        {
            errors.Add("Cookie is null: leave the default cookie builder or set one.");
            return;
        }

        if (cookie.Name is not null)
        {
            errors.Add("Cookie.Name must stay null: the consent cookie's name is the policy's ConsentCookieName, which the widget's script reads too.");
        }

        if (cookie.Expiration is not null || cookie.MaxAge is not null)
        {
            errors.Add("Cookie.Expiration and Cookie.MaxAge must stay null: the consent cookie lives as long as the choice it carries.");
        }

        if (string.IsNullOrEmpty(cookie.Path) || cookie.Path[0] != '/')
        {
            errors.Add($"Cookie.Path '{cookie.Path}' must start with '/'.");
        }

        if (cookie.SameSite == Microsoft.AspNetCore.Http.SameSiteMode.None && cookie.SecurePolicy != Microsoft.AspNetCore.Http.CookieSecurePolicy.Always)
        {
            errors.Add("Cookie.SameSite None needs Cookie.SecurePolicy Always: browsers refuse SameSite=None cookies that are not Secure.");
        }

        if (!Enum.IsDefined(cookie.SecurePolicy) || !Enum.IsDefined(cookie.SameSite))
        {
            errors.Add("Cookie.SecurePolicy or Cookie.SameSite is not a defined value.");
        }
    }
}
