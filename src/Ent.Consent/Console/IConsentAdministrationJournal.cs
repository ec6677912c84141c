namespace Ent.Consent;

/// <summary>
/// Where the consent console records what administrators did (exports, chain checks) and the policy versions it
/// saw, so that administrators' actions on personal data stay traceable (CNIL, seeds/004) and the policy page can
/// show what changed. Kept in the proof store's database by <c>AddSqliteProofStore</c> and
/// <c>AddPostgreSqlProofStore</c>, in tables of its own: the chain is not touched.
/// </summary>
public interface IConsentAdministrationJournal
{
    /// <summary>Records an action once it is done.</summary>
    /// <exception cref="ConsentProofStoreUnavailableException">The store cannot take it now.</exception>
    Task RecordAsync(ConsentAdministrationEntry entry, CancellationToken cancellationToken = default);

    /// <summary>The latest actions, newest first; only those of <paramref name="action"/> when given.</summary>
    /// <exception cref="ConsentProofStoreUnavailableException">The store cannot be read now.</exception>
    Task<IReadOnlyList<ConsentAdministrationEntry>> ReadRecentAsync(int count, string? action = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Keeps <paramref name="snapshot"/> as the catalogue of its policy version unless that version is
    /// already kept; returns whether it was added.
    /// </summary>
    /// <exception cref="ConsentProofStoreUnavailableException">The store cannot take it now.</exception>
    Task<bool> RememberPolicyAsync(ConsentPolicySnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>The policy kept just before <paramref name="version"/> was first seen, or null.</summary>
    /// <exception cref="ConsentProofStoreUnavailableException">The store cannot be read now.</exception>
    Task<ConsentPolicySnapshot?> FindPreviousPolicyAsync(string version, CancellationToken cancellationToken = default);
}

/// <summary>One administrator action.</summary>
/// <param name="At">When it was done (UTC).</param>
/// <param name="Actor">Who did it (the signed-in user's name or id).</param>
/// <param name="Action">What was done, a stable name: <c>export-consent</c>, <c>export-user</c>, <c>verify</c>.</param>
/// <param name="Target">On what (a consent id, a subject key: never a raw user id).</param>
/// <param name="Outcome">The result in a few words ("12 records, csv", "chain valid").</param>
public sealed record ConsentAdministrationEntry(DateTimeOffset At, string Actor, string Action, string Target, string Outcome);

/// <summary>A policy's catalogue as users saw it, kept to show the next version's changes.</summary>
/// <param name="Version">The <see cref="ConsentPolicy.Version"/>.</param>
/// <param name="FirstSeenAt">When the console first saw it.</param>
/// <param name="Lines">The catalogue as sorted <c>path = value</c> lines, compared line by line.</param>
public sealed record ConsentPolicySnapshot(string Version, DateTimeOffset FirstSeenAt, IReadOnlyList<string> Lines);
