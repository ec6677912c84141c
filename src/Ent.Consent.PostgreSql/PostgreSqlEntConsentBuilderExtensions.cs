using Ent.Consent;
using Ent.Consent.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL consent proof store to Ent.Consent.</summary>
public static class PostgreSqlEntConsentBuilderExtensions
{
    /// <summary>
    /// Keeps consent proofs in PostgreSQL, one chain shared by every web node that uses the same database and schema.
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEntConsent</c>.</param>
    /// <param name="connectionString">The Npgsql connection string (from a secret store, not <c>appsettings.json</c>).</param>
    /// <param name="configure">Sets the schema and whether it is created at start.</param>
    /// <returns>The same builder.</returns>
    public static EntConsentBuilder AddPostgreSqlProofStore(this EntConsentBuilder builder, string connectionString, Action<PostgreSqlConsentProofStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<PostgreSqlConsentProofStoreOptions>()
            .Configure(options =>
            {
                options.ConnectionString = connectionString;
                configure?.Invoke(options);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<PostgreSqlConsentProofStoreOptions>, PostgreSqlConsentProofStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new PostgreSqlConsentProofStore(sp.GetRequiredService<IOptions<PostgreSqlConsentProofStoreOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IConsentProofStore>(static sp => sp.GetRequiredService<PostgreSqlConsentProofStore>()));
        // The consent console's aggregates and journal, in the same schema (MapEntConsentConsole).
        services.TryAddSingleton(static sp => new PostgreSqlConsentConsoleData(sp.GetRequiredService<PostgreSqlConsentProofStore>(), sp.GetRequiredService<IOptions<PostgreSqlConsentProofStoreOptions>>().Value));
        services.Replace(ServiceDescriptor.Singleton<IConsentProofStatistics>(static sp => sp.GetRequiredService<PostgreSqlConsentConsoleData>()));
        services.Replace(ServiceDescriptor.Singleton<IConsentAdministrationJournal>(static sp => sp.GetRequiredService<PostgreSqlConsentConsoleData>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgreSqlStoreInitializer>());
        return builder;
    }
}
