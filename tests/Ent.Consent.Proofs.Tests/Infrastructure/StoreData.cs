using System.Reflection;
using Xunit.Sdk;

namespace Ent.Consent.Proofs.Tests;

/// <summary>The stores the conformance suite runs against.</summary>
public enum StoreKind
{
    /// <summary>A real SQLite file in a temporary folder.</summary>
    Sqlite,

    /// <summary>A fresh schema on the real PostgreSQL server of <c>ENT_CONSENT_POSTGRES</c>.</summary>
    PostgreSql,
}

/// <summary>Runs a conformance theory against the SQLite store.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SqliteStoreAttribute : DataAttribute
{
    /// <inheritdoc />
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreKind.Sqlite]];
}

/// <summary>Runs a conformance theory against the PostgreSQL store; skipped with the reason when there is no server outside CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class PostgresStoreAttribute : DataAttribute
{
    /// <summary>Sets <see cref="DataAttribute.Skip"/> from the environment.</summary>
    public PostgresStoreAttribute() => Skip = Postgres.SkipReason;

    /// <inheritdoc />
    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[StoreKind.PostgreSql]];
}
