using Ent.Consent;
using Ent.Consent.Sqlite;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the SQLite consent proof store.</summary>
public static class SqliteServiceCollectionExtensions
{
    /// <summary>
    /// Keeps consent proofs in the SQLite file at <paramref name="path"/> (WAL, synchronous=FULL: a record is on disk
    /// before the choice is acknowledged). One web node only; several nodes use <c>Ent.Consent.PostgreSql</c>.
    /// </summary>
    public static IServiceCollection AddEntConsentSqlite(this IServiceCollection services, string path, Action<SqliteConsentProofStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<SqliteConsentProofStoreOptions>()
            .Configure(options =>
            {
                options.Path = path;
                configure?.Invoke(options);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SqliteConsentProofStoreOptions>, SqliteConsentProofStoreOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static sp => new SqliteConsentProofStore(sp.GetRequiredService<IOptions<SqliteConsentProofStoreOptions>>().Value, sp.GetRequiredService<TimeProvider>()));
        services.Replace(ServiceDescriptor.Singleton<IConsentProofStore>(static sp => sp.GetRequiredService<SqliteConsentProofStore>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, SqliteStoreInitializer>());
        return services;
    }
}
