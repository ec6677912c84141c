using Microsoft.Extensions.Options;

namespace Ent.Consent;

/// <summary>
/// Validates <see cref="ConsentPolicyOptions"/> with the same checks as <see cref="ConsentPolicy.Create"/>, so that
/// <c>ValidateOnStart</c> stops the host with every problem listed.
/// </summary>
public sealed class ConsentPolicyOptionsValidator : IValidateOptions<ConsentPolicyOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ConsentPolicyOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = ConsentPolicy.Validate(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
