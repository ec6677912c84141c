using Microsoft.Extensions.Options;

namespace Ent.Consent;

/// <summary>Rejects a retention configuration that would delete proofs too early or never run.</summary>
public sealed class ConsentRetentionOptionsValidator : IValidateOptions<ConsentRetentionOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, ConsentRetentionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (!RegulatoryDurations.MaxChoiceValidity.IsWithin(options.ProofRetention))
        {
            failures.Add($"ConsentRetentionOptions.ProofRetention is {options.ProofRetention}; it must be at least {RegulatoryDurations.MaxChoiceValidity} (13 months) so that a proof outlives the choice it proves. The default is P5Y, the civil limitation period.");
        }

        if (options.Interval <= TimeSpan.Zero || options.Interval > TimeSpan.FromDays(31))
        {
            failures.Add($"ConsentRetentionOptions.Interval is {options.Interval}; it must be positive and at most 31 days.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
