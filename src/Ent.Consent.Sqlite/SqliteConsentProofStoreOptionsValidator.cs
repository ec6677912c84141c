using Microsoft.Extensions.Options;

namespace Ent.Consent.Sqlite;

/// <summary>Rejects a SQLite proof store configuration without a file or with a nonsensical timeout.</summary>
public sealed class SqliteConsentProofStoreOptionsValidator : IValidateOptions<SqliteConsentProofStoreOptions>
{
    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, SqliteConsentProofStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (string.IsNullOrWhiteSpace(options.Path))
        {
            failures.Add("SqliteConsentProofStoreOptions.Path is required: the file that keeps the consent proofs.");
        }
        else if (options.Path.StartsWith(':') || options.Path.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            failures.Add($"SqliteConsentProofStoreOptions.Path '{options.Path}' is not a file path; an in-memory or URI database would not keep proofs.");
        }

        if (options.BusyTimeout <= TimeSpan.Zero || options.BusyTimeout > TimeSpan.FromMinutes(1))
        {
            failures.Add($"SqliteConsentProofStoreOptions.BusyTimeout is {options.BusyTimeout}; it must be positive and at most one minute.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
