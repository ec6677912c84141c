namespace Ent.Consent.PostgreSql;

/// <summary>Where and how the PostgreSQL proof store keeps its tables.</summary>
public sealed class PostgreSqlConsentProofStoreOptions
{
    /// <summary>The Npgsql connection string. Required unless an <c>NpgsqlDataSource</c> is given to the store.</summary>
    public string ConnectionString { get; set; } = string.Empty;

    /// <summary>The PostgreSQL schema holding the tables. Default <c>ent_consent</c>; lower-case letters, digits and underscores.</summary>
    public string Schema { get; set; } = "ent_consent";

    /// <summary>
    /// Whether the store creates its schema, tables and monthly partitions when they are missing. Default true. When
    /// false, a database administrator runs the script in <c>docs/proofs.md</c> and grants the application's role
    /// the right to create partitions in the schema (or creates each month's partition ahead).
    /// </summary>
    public bool CreateSchema { get; set; } = true;
}
