namespace Ent.Consent.Sqlite;

/// <summary>Where and how the SQLite proof store keeps its file.</summary>
public sealed class SqliteConsentProofStoreOptions
{
    /// <summary>
    /// The database file's path; created with its folder's permissions if missing. Required. <c>AddSqliteProofStore</c>
    /// resolves a relative path against the content root.
    /// </summary>
    public string Path { get; set; } = string.Empty;

    /// <summary>
    /// How long an append waits for another process holding the file's write lock before the store reports itself
    /// unavailable (the POST then answers 503). Default 5 seconds; whole seconds are used, at least one.
    /// </summary>
    public TimeSpan BusyTimeout { get; set; } = TimeSpan.FromSeconds(5);
}
