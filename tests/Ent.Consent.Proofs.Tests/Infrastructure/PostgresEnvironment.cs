namespace Ent.Consent.Proofs.Tests;

/// <summary>Where the PostgreSQL tests find their server, and why they skip when there is none.</summary>
internal static class PostgresEnvironment
{
    public const string ConnectionStringVariable = "ENT_CONSENT_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } value ? value : null;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Null when the tests must run: a server is given, or CI=true (where a missing server fails them).</summary>
    public static string? SkipReason => ConnectionString is null && !IsCi
        ? $"PostgreSQL tests need {ConnectionStringVariable} (an Npgsql connection string); `source eng/test-deps.sh start` starts a private server and sets it. Under CI=true a missing server fails these tests instead."
        : null;

    public static string RequireConnectionString() => ConnectionString
        ?? throw new InvalidOperationException($"{ConnectionStringVariable} is not set, and CI=true requires the PostgreSQL tests to run: start a server (eng/test-deps.sh) and export the connection string.");
}

/// <summary>A fact that runs against PostgreSQL: skipped with the reason when no server is configured outside CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from the environment.</summary>
    public PostgresFactAttribute() => Skip = PostgresEnvironment.SkipReason;
}
