using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore.Guardians;

/// <summary>Joint consent needs a guardian directory, a proof store and a stable subject key: checked at start.</summary>
internal sealed class JointConsentValidator(IServiceProvider services) : IValidateOptions<EntConsentOptions>
{
    public ValidateOptionsResult Validate(string? name, EntConsentOptions options)
    {
        if (options.Policy.JointConsent == JointConsentRule.Off)
        {
            return ValidateOptionsResult.Success;
        }

        var errors = new List<string>();
        var registered = services.GetService<IServiceProviderIsService>();
        if (registered?.IsService(typeof(IGuardianDirectory)) != true)
        {
            errors.Add($"JointConsent is {options.Policy.JointConsent}: register an IGuardianDirectory (InMemoryGuardianDirectory, ClaimsGuardianDirectory or your own) so each minor's guardians are known.");
        }

        if (registered?.IsService(typeof(IConsentProofStore)) != true)
        {
            errors.Add($"JointConsent is {options.Policy.JointConsent}: a proof store is needed, since guardians' decisions are proofs the minor's requests read.");
        }

        if (options.SubjectKey is null)
        {
            errors.Add($"JointConsent is {options.Policy.JointConsent}: set SubjectKey (the same secret on every node), so guardians' decisions about a minor can be found again.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
