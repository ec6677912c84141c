using System.Data.Common;

namespace Ent.Consent;

/// <summary>
/// How stores read the consent console's rows back, identically in every store. Only the way an instant is stored
/// differs between databases, so the store passes its own reader of instants.
/// </summary>
public static class ConsoleRowReader
{
    /// <summary>
    /// The rows of a <see cref="IConsentProofStatistics.CountChoicesAsync"/> query, in their order. Columns: the
    /// day's first instant (UTC), service id, channel name, granted, refused, withdrawn.
    /// </summary>
    /// <param name="reader">The query's reader, before its first row.</param>
    /// <param name="readInstant">Reads the instant of a column as the store keeps instants.</param>
    /// <param name="cancellationToken">Stops between rows.</param>
    public static async Task<IReadOnlyList<ConsentChoiceCount>> ReadChoiceCountsAsync(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> readInstant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(readInstant);
        var counts = new List<ConsentChoiceCount>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            counts.Add(new ConsentChoiceCount(
                DateOnly.FromDateTime(readInstant(reader, 0).UtcDateTime),
                reader.GetString(1),
                ConsentWireNames.ParseChannel(reader.GetString(2)),
                reader.GetInt64(3),
                reader.GetInt64(4),
                reader.GetInt64(5)));
        }

        return counts;
    }

    /// <summary>
    /// The rows of an <see cref="IConsentAdministrationJournal.ReadRecentAsync"/> query, in their order. Columns:
    /// at, actor, action, target, outcome.
    /// </summary>
    /// <param name="reader">The query's reader, before its first row.</param>
    /// <param name="readInstant">Reads the instant of a column as the store keeps instants.</param>
    /// <param name="cancellationToken">Stops between rows.</param>
    public static async Task<IReadOnlyList<ConsentAdministrationEntry>> ReadAdministrationEntriesAsync(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> readInstant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(readInstant);
        var entries = new List<ConsentAdministrationEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            entries.Add(new ConsentAdministrationEntry(readInstant(reader, 0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4)));
        }

        return entries;
    }

    /// <summary>
    /// The first row of an <see cref="IConsentAdministrationJournal.FindPreviousPolicyAsync"/> query, or null when it
    /// has none. Columns: version, first seen at, catalogue (its lines joined by <c>\n</c>).
    /// </summary>
    /// <param name="reader">The query's reader, before its first row.</param>
    /// <param name="readInstant">Reads the instant of a column as the store keeps instants.</param>
    /// <param name="cancellationToken">Stops the read.</param>
    public static async Task<ConsentPolicySnapshot?> ReadPolicySnapshotAsync(DbDataReader reader, Func<DbDataReader, int, DateTimeOffset> readInstant, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(readInstant);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
            ? new ConsentPolicySnapshot(reader.GetString(0), readInstant(reader, 1), reader.GetString(2).Split('\n'))
            : null;
    }
}
