using Ent.Consent;
using Ent.Consent.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds the PostgreSQL consent proof store to Ent.Consent.</summary>
public static class PostgreSqlEntConsentBuilderExtensions
{
    /// <summary>The service key of the <see cref="NpgsqlDataSource"/> the store builds from a connection string.</summary>
    public const string DataSourceKey = "Ent.Consent.PostgreSql";

    /// <summary>
    /// Keeps consent proofs in PostgreSQL, one chain shared by every web node that uses the same database and schema.
    /// The store gets an <see cref="NpgsqlDataSource"/> of its own, built from <paramref name="connectionString"/> with
    /// the host's logger factory and registered under the key <see cref="DataSourceKey"/> (the container disposes
    /// it). Adds the store's health check (<see cref="ChainedProofStore.HealthCheckName"/>, tag
    /// <see cref="ChainedProofStore.HealthCheckTag"/>).
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
        services.TryAddKeyedSingleton(DataSourceKey, static (sp, _) =>
        {
            var options = sp.GetRequiredService<IOptions<PostgreSqlConsentProofStoreOptions>>().Value;
            var dataSource = new NpgsqlDataSourceBuilder(options.ConnectionString);
            if (sp.GetService<ILoggerFactory>() is { } loggerFactory)
            {
                dataSource.UseLoggerFactory(loggerFactory);
            }

            return dataSource.Build();
        });
        return AddStore(builder, static sp => sp.GetRequiredKeyedService<NpgsqlDataSource>(DataSourceKey));
    }

    /// <summary>
    /// Keeps consent proofs in PostgreSQL through the <see cref="NpgsqlDataSource"/> the host registered (for example
    /// with <c>AddNpgsqlDataSource</c> of Npgsql.DependencyInjection, which uses the host's logging), so that the
    /// portal and the proofs share one connection pool. Adds the store's health check
    /// (<see cref="ChainedProofStore.HealthCheckName"/>, tag <see cref="ChainedProofStore.HealthCheckTag"/>).
    /// </summary>
    /// <param name="builder">The builder returned by <c>AddEntConsent</c>.</param>
    /// <param name="configure">Sets the schema and whether it is created at start (<c>_ => { }</c> keeps the defaults); the connection string is not used.</param>
    /// <returns>The same builder.</returns>
    public static EntConsentBuilder AddPostgreSqlProofStore(this EntConsentBuilder builder, Action<PostgreSqlConsentProofStoreOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        var services = builder.Services;
        services.AddOptions<PostgreSqlConsentProofStoreOptions>()
            .Configure(configure)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<PostgreSqlConsentProofStoreOptions>>(new PostgreSqlConsentProofStoreOptionsValidator(requireConnectionString: false));
        return AddStore(builder, static sp => sp.GetService<NpgsqlDataSource>()
            ?? throw new InvalidOperationException("AddPostgreSqlProofStore() without a connection string uses the NpgsqlDataSource of the container; register one first (AddNpgsqlDataSource) or pass a connection string."));
    }

    private static EntConsentBuilder AddStore(EntConsentBuilder builder, Func<IServiceProvider, NpgsqlDataSource> dataSource)
    {
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new PostgreSqlConsentProofStore(dataSource(sp), sp.GetRequiredService<IOptions<PostgreSqlConsentProofStoreOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IConsentProofStore>(static sp => sp.GetRequiredService<PostgreSqlConsentProofStore>()));
        // The consent console's aggregates and journal, in the same schema (MapEntConsentConsole).
        services.TryAddSingleton(static sp => new PostgreSqlConsentConsoleData(sp.GetRequiredService<PostgreSqlConsentProofStore>(), sp.GetRequiredService<IOptions<PostgreSqlConsentProofStoreOptions>>().Value));
        services.Replace(ServiceDescriptor.Singleton<IConsentProofStatistics>(static sp => sp.GetRequiredService<PostgreSqlConsentConsoleData>()));
        services.Replace(ServiceDescriptor.Singleton<IConsentAdministrationJournal>(static sp => sp.GetRequiredService<PostgreSqlConsentConsoleData>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgreSqlStoreInitializer>());
        services.AddHealthChecks().Add(new HealthCheckRegistration(
            ChainedProofStore.HealthCheckName, static sp => sp.GetRequiredService<PostgreSqlConsentProofStore>(), HealthStatus.Unhealthy, [ChainedProofStore.HealthCheckTag], TimeSpan.FromSeconds(10)));
        return builder;
    }
}
