using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace Ent.Consent.PostgreSql;

/// <summary>Rejects a PostgreSQL proof store configuration without a connection string or with an unsafe schema name.</summary>
public sealed partial class PostgreSqlConsentProofStoreOptionsValidator : IValidateOptions<PostgreSqlConsentProofStoreOptions>
{
    private readonly bool _requireConnectionString;

    /// <summary>Creates the validator; the connection string is required.</summary>
    public PostgreSqlConsentProofStoreOptionsValidator()
        : this(requireConnectionString: true)
    {
    }

    internal PostgreSqlConsentProofStoreOptionsValidator(bool requireConnectionString) => _requireConnectionString = requireConnectionString;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, PostgreSqlConsentProofStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (_requireConnectionString && string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            failures.Add("PostgreSqlConsentProofStoreOptions.ConnectionString is required.");
        }

        // The schema name is written into SQL, so only plain identifiers are accepted.
        if (options.Schema is null || !SchemaName().IsMatch(options.Schema))
        {
            failures.Add($"PostgreSqlConsentProofStoreOptions.Schema '{options.Schema}' must be 1 to 48 lower-case letters, digits or underscores, starting with a letter or underscore.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,47}$", RegexOptions.CultureInvariant)]
    private static partial Regex SchemaName();
}
