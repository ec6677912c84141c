using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Npgsql;
using NpgsqlTypes;

namespace Ent.Consent.PostgreSql;

/// <summary>
/// Keeps the ASP.NET Core Data Protection key ring in PostgreSQL, so that every web node signs and reads consent
/// cookies (and antiforgery tokens, sign-in cookies) with the same keys. One row per key element, insert-only: nodes
/// that write at once each add their row and none is lost. Use <c>PersistKeysToPostgreSql</c>.
/// </summary>
public sealed class PostgreSqlXmlRepository : IXmlRepository, IDisposable
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly string _schema;
    private volatile bool _tableReady;

    /// <summary>Uses a data source the host owns; the table is created in <paramref name="schema"/> when missing.</summary>
    /// <exception cref="ArgumentException">The schema is not 1 to 48 lower-case letters, digits or underscores.</exception>
    public PostgreSqlXmlRepository(NpgsqlDataSource dataSource, string schema)
        : this(dataSource, schema, ownsDataSource: false)
    {
    }

    internal PostgreSqlXmlRepository(NpgsqlDataSource dataSource, string schema, bool ownsDataSource)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        var validation = new PostgreSqlConsentProofStoreOptionsValidator(requireConnectionString: false).Validate(null, new PostgreSqlConsentProofStoreOptions { Schema = schema });
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage.Replace("PostgreSqlConsentProofStoreOptions.Schema", "The Data Protection schema", StringComparison.Ordinal), nameof(schema));
        }

        _dataSource = dataSource;
        _schema = schema;
        _ownsDataSource = ownsDataSource;
    }

    /// <summary>
    /// The DDL the repository runs when its table is missing, for a database administrator to run instead when the
    /// application's role may not create tables (the role then needs <c>SELECT, INSERT</c> on the table and
    /// <c>USAGE</c> on its sequence).
    /// </summary>
    public static string GetSchemaScript(string schema) => $"""
        CREATE SCHEMA IF NOT EXISTS {schema};
        CREATE TABLE IF NOT EXISTS {schema}.data_protection_keys (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            friendly_name text,
            xml text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now()
        );
        """;

    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        EnsureTable();
        using var connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand($"SELECT xml FROM {_schema}.data_protection_keys ORDER BY id", connection);
        using var reader = command.ExecuteReader();
        var elements = new List<XElement>();
        while (reader.Read())
        {
            elements.Add(XElement.Parse(reader.GetString(0)));
        }

        return elements;
    }

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        EnsureTable();
        using var connection = _dataSource.OpenConnection();
        using var command = new NpgsqlCommand($"INSERT INTO {_schema}.data_protection_keys (friendly_name, xml) VALUES (@friendly_name, @xml)", connection);
        command.Parameters.Add(new NpgsqlParameter<string?>("friendly_name", NpgsqlDbType.Text) { TypedValue = friendlyName });
        command.Parameters.Add(new NpgsqlParameter<string>("xml", NpgsqlDbType.Text) { TypedValue = element.ToString(SaveOptions.DisableFormatting) });
        command.ExecuteNonQuery();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }
    }

    private void EnsureTable()
    {
        if (_tableReady)
        {
            return;
        }

        using var connection = _dataSource.OpenConnection();
        using (var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection))
        {
            exists.Parameters.Add(new NpgsqlParameter<string>("name", NpgsqlDbType.Text) { TypedValue = $"{_schema}.data_protection_keys" });
            if ((bool)exists.ExecuteScalar()!)
            {
                _tableReady = true;
                return;
            }
        }

        // Nodes starting together would race on CREATE … IF NOT EXISTS (a duplicate catalogue row); one at a time.
        using var transaction = connection.BeginTransaction();
        using (var command = new NpgsqlCommand($"SELECT pg_advisory_xact_lock(hashtext('ent_consent.data_protection_keys')); {GetSchemaScript(_schema)}", connection, transaction))
        {
            command.ExecuteNonQuery();
        }

        transaction.Commit();
        _tableReady = true;
    }
}
