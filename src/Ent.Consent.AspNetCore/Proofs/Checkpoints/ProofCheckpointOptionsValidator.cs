using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>Rejects checkpoint settings that would never run, or run so often they flood the file.</summary>
internal sealed class ProofCheckpointOptionsValidator : IValidateOptions<ProofCheckpointOptions>
{
    public ValidateOptionsResult Validate(string? name, ProofCheckpointOptions options)
    {
        var failures = new List<string>();
        if (options.Interval < TimeSpan.FromMinutes(1) || options.Interval > TimeSpan.FromDays(1))
        {
            failures.Add($"ProofCheckpointOptions.Interval is {options.Interval}; it must be from 1 minute to 1 day (default 10 minutes).");
        }

        if (string.IsNullOrWhiteSpace(options.SigningKeyPath))
        {
            failures.Add("ProofCheckpointOptions.SigningKeyPath is empty; name the PEM file of the checkpoint signing key.");
        }

        if (string.IsNullOrWhiteSpace(options.FilePath))
        {
            failures.Add("ProofCheckpointOptions.FilePath is empty; name the checkpoint file.");
        }

        foreach (var path in options.TrustedPublicKeyPaths)
        {
            if (string.IsNullOrWhiteSpace(path))
            {
                failures.Add("ProofCheckpointOptions.TrustedPublicKeyPaths holds an empty path.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
