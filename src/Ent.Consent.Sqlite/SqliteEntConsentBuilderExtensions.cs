using Ent.Consent;
using Ent.Consent.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the SQLite consent proof store to Ent.Consent.</summary>
public static class SqliteEntConsentBuilderExtensions
{
    /// <summary>
    /// Keeps consent proofs in the SQLite file at <paramref name="path"/> (WAL, synchronous=FULL: a record is on disk
    /// before the choice is acknowledged). A relative path is resolved against the content root
    /// (<see cref="IHostEnvironment.ContentRootPath"/>), not the working directory. One web node only; several nodes
    /// use <c>AddPostgreSqlProofStore</c>. Adds the store's health check (<see cref="ChainedProofStore.HealthCheckName"/>,
    /// tag <see cref="ChainedProofStore.HealthCheckTag"/>): unhealthy when the file cannot be written, was deleted or
    /// replaced.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEntConsent</c>.</param>
    /// <param name="path">The database file, for example <c>App_Data/consent-proofs.db</c>.</param>
    /// <param name="configure">Sets the other options.</param>
    /// <returns>The same builder.</returns>
    public static EntConsentBuilder AddSqliteProofStore(this EntConsentBuilder builder, string path, Action<SqliteConsentProofStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SqliteConsentProofStoreOptions>()
            .Configure(options =>
            {
                options.Path = path;
                configure?.Invoke(options);
            })
            .PostConfigure<IServiceProvider>(static (options, provider) => ResolveAgainstContentRoot(options, provider.GetService<IHostEnvironment>()))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteConsentProofStoreOptions>, SqliteConsentProofStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new SqliteConsentProofStore(sp.GetRequiredService<IOptions<SqliteConsentProofStoreOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IConsentProofStore>(static sp => sp.GetRequiredService<SqliteConsentProofStore>()));
        // The consent console's aggregates and journal, over the same file (MapEntConsentConsole).
        services.TryAddSingleton(static sp => new SqliteConsentConsoleData(sp.GetRequiredService<SqliteConsentProofStore>(), sp.GetRequiredService<IOptions<SqliteConsentProofStoreOptions>>().Value));
        services.Replace(ServiceDescriptor.Singleton<IConsentProofStatistics>(static sp => sp.GetRequiredService<SqliteConsentConsoleData>()));
        services.Replace(ServiceDescriptor.Singleton<IConsentAdministrationJournal>(static sp => sp.GetRequiredService<SqliteConsentConsoleData>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqliteStoreInitializer>());
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            ChainedProofStore.HealthCheckName, static sp => sp.GetRequiredService<SqliteConsentProofStore>(), HealthStatus.Unhealthy, [ChainedProofStore.HealthCheckTag], TimeSpan.FromSeconds(10)));
        return builder;
    }

    // A service manager starts the process wherever it likes; five years of proofs must not follow the working
    // directory. Paths the validator refuses are left as they are so its message names them.
    private static void ResolveAgainstContentRoot(SqliteConsentProofStoreOptions options, IHostEnvironment? environment)
    {
        if (environment is null
            || string.IsNullOrWhiteSpace(options.Path)
            || options.Path.StartsWith(':')
            || options.Path.StartsWith("file:", StringComparison.OrdinalIgnoreCase)
            || System.IO.Path.IsPathRooted(options.Path))
        {
            return;
        }

        options.Path = System.IO.Path.GetFullPath(options.Path, environment.ContentRootPath);
    }
}
