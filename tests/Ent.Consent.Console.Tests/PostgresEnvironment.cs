namespace Ent.Consent.Console.Tests;

/// <summary>Where the PostgreSQL tests find their server, and why they skip when there is none (as in Ent.Consent.Proofs.Tests).</summary>
internal static class PostgresEnvironment
{
    public const string ConnectionStringVariable = "ENT_CONSENT_POSTGRES";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } value ? value : null;

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? SkipReason => ConnectionString is null && !IsCi
        ? $"PostgreSQL tests need {ConnectionStringVariable}; `source eng/test-deps.sh start` starts a private server and sets it. Under CI=true a missing server fails these tests instead."
        : null;

    public static string RequireConnectionString() => ConnectionString
        ?? throw new InvalidOperationException($"{ConnectionStringVariable} is not set, and CI=true requires the PostgreSQL tests to run.");
}

/// <summary>A fact that runs against PostgreSQL: skipped with the reason when no server is configured outside CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute() => Skip = PostgresEnvironment.SkipReason;
}
