using Ent.Consent;
using Ent.Consent.PostgreSql;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the PostgreSQL consent proof store.</summary>
public static class PostgreSqlServiceCollectionExtensions
{
    /// <summary>
    /// Keeps consent proofs in PostgreSQL, one chain shared by every web node that uses the same database and schema.
    /// </summary>
    public static IServiceCollection AddEntConsentPostgreSql(this IServiceCollection services, string connectionString, Action<PostgreSqlConsentProofStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
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
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, PostgreSqlStoreInitializer>());
        return services;
    }
}
