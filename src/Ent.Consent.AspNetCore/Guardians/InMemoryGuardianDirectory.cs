using System.Collections.Frozen;
using System.Security.Claims;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// A guardian directory built once from a list (tests, demos, or a portal that loads its links at start). Immutable
/// and thread-safe.
/// </summary>
public sealed class InMemoryGuardianDirectory : IGuardianDirectory
{
    private readonly FrozenDictionary<string, string[]> _guardiansByMinor;
    private readonly FrozenDictionary<string, GuardedMinor[]> _minorsByGuardian;

    /// <summary>Creates the directory from each minor and their guardians' user ids.</summary>
    /// <exception cref="ArgumentException">A minor is listed twice, or an id is empty.</exception>
    public InMemoryGuardianDirectory(IEnumerable<(GuardedMinor Minor, IReadOnlyList<string> GuardianIds)> links)
    {
        ArgumentNullException.ThrowIfNull(links);
        var guardians = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var minors = new Dictionary<string, List<GuardedMinor>>(StringComparer.Ordinal);
        foreach (var (minor, guardianIds) in links)
        {
            ArgumentNullException.ThrowIfNull(minor);
            ArgumentException.ThrowIfNullOrEmpty(minor.UserId);
            if (guardianIds.Any(string.IsNullOrEmpty))
            {
                throw new ArgumentException($"Minor '{minor.UserId}' has an empty guardian id.", nameof(links));
            }

            if (!guardians.TryAdd(minor.UserId, [.. guardianIds.Distinct(StringComparer.Ordinal)]))
            {
                throw new ArgumentException($"Minor '{minor.UserId}' is listed twice.", nameof(links));
            }

            foreach (var guardianId in guardians[minor.UserId])
            {
                (minors.TryGetValue(guardianId, out var list) ? list : minors[guardianId] = []).Add(minor);
            }
        }

        _guardiansByMinor = guardians.ToFrozenDictionary(StringComparer.Ordinal);
        _minorsByGuardian = minors.ToFrozenDictionary(static p => p.Key, static p => p.Value.ToArray(), StringComparer.Ordinal);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetGuardianIdsAsync(string minorId, ClaimsPrincipal minor, CancellationToken cancellationToken)
        => ValueTask.FromResult<IReadOnlyList<string>>(_guardiansByMinor.TryGetValue(minorId, out var ids) ? ids : []);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<GuardedMinor>> GetMinorsAsync(string guardianId, ClaimsPrincipal guardian, CancellationToken cancellationToken)
        => ValueTask.FromResult<IReadOnlyList<GuardedMinor>>(_minorsByGuardian.TryGetValue(guardianId, out var minors) ? minors : []);
}
