using Ent.Consent.PostgreSql;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Microsoft.AspNetCore.DataProtection;

/// <summary>Stores the Data Protection key ring in PostgreSQL.</summary>
public static class PostgreSqlDataProtectionBuilderExtensions
{
    /// <summary>
    /// Keeps the Data Protection key ring in the table <c>{schema}.data_protection_keys</c> (created when missing; DDL
    /// in <see cref="PostgreSqlXmlRepository.GetSchemaScript"/>), so that several web nodes sharing the database read
    /// each other's consent cookies. Set <c>SetApplicationName</c> to the same value on every node. The keys are stored
    /// as Data Protection writes them (in clear unless a <c>ProtectKeysWith…</c> method is also called): the
    /// database's administrators can read them.
    /// </summary>
    /// <param name="builder">The Data Protection builder.</param>
    /// <param name="connectionString">The Npgsql connection string (the proof store's is fine).</param>
    /// <param name="schema">The schema of the table; default <c>ent_consent</c>, the proof store's.</param>
    /// <returns>The same builder.</returns>
    public static IDataProtectionBuilder PersistKeysToPostgreSql(this IDataProtectionBuilder builder, string connectionString, string schema = "ent_consent")
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        builder.Services.AddSingleton(provider =>
        {
            var dataSource = new NpgsqlDataSourceBuilder(connectionString).UseLoggerFactory(provider.GetService<ILoggerFactory>()).Build();
            return new PostgreSqlXmlRepository(dataSource, schema, ownsDataSource: true);
        });
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(static provider =>
        {
            var repository = provider.GetRequiredService<PostgreSqlXmlRepository>();
            return new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = repository);
        });
        return builder;
    }
}
