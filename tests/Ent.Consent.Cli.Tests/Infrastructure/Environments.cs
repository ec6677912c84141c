namespace Ent.Consent.Cli.Tests;

/// <summary>The servers and browser the tests need, and why they skip without them (never under CI=true).</summary>
internal static class Environments
{
    public const string PostgresVariable = "ENT_CONSENT_POSTGRES";

    public static bool IsCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static string? Postgres => Environment.GetEnvironmentVariable(PostgresVariable) is { Length: > 0 } value ? value : null;

    public static string RequirePostgres() => Postgres
        ?? throw new InvalidOperationException($"{PostgresVariable} is not set, and CI=true requires the PostgreSQL tests to run: start a server (eng/test-deps.sh) and export the connection string.");

    /// <summary>Where the tool itself looks first; the tool's other fallbacks are not needed on the test machines.</summary>
    public static string? Chromium => Environment.GetEnvironmentVariable("ENT_CONSENT_CHROMIUM") is { Length: > 0 } configured
        ? configured
        : File.Exists("/usr/bin/chromium") ? "/usr/bin/chromium" : null;

    public static string RequireChromium() => Chromium
        ?? throw new InvalidOperationException("No Chromium found (/usr/bin/chromium or ENT_CONSENT_CHROMIUM), and CI=true requires the scan tests to run: bash eng/test-deps.sh install.");
}

/// <summary>A fact that runs against PostgreSQL: skipped with the reason when no server is configured outside CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from the environment.</summary>
    public PostgresFactAttribute() => Skip = Environments.Postgres is null && !Environments.IsCi
        ? $"PostgreSQL tests need {Environments.PostgresVariable} (an Npgsql connection string); `source eng/test-deps.sh start` starts a private server and sets it. Under CI=true a missing server fails these tests instead."
        : null;
}

/// <summary>A fact that drives Chromium: skipped with the reason when the machine has none outside CI.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from the environment.</summary>
    public ChromiumFactAttribute() => Skip = Environments.Chromium is null && !Environments.IsCi
        ? "The scan tests need Chromium (/usr/bin/chromium, or ENT_CONSENT_CHROMIUM); `bash eng/test-deps.sh install` installs it. Under CI=true a missing browser fails these tests instead."
        : null;
}
