namespace Ent.Consent.Testing;

/// <summary>Where these tests find PostgreSQL (<c>ENT_CONSENT_POSTGRES</c>, set by <c>source eng/test-deps.sh start</c>).</summary>
internal static class Postgres
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("ENT_CONSENT_POSTGRES") is { Length: > 0 } value ? value : null;

    public static string? SkipReason => ConnectionString is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        ? "Needs ENT_CONSENT_POSTGRES (`source eng/test-deps.sh start`); under CI=true a missing server fails instead."
        : null;

    public static string RequireConnectionString() => ConnectionString
        ?? throw new InvalidOperationException("ENT_CONSENT_POSTGRES is not set, and CI=true requires the PostgreSQL tests to run.");
}

/// <summary>A fact that needs PostgreSQL: skipped with the reason when no server is configured outside CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from the environment.</summary>
    public PostgresFactAttribute() => Skip = Postgres.SkipReason;
}
