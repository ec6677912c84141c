using System.Security.Claims;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// A guardian directory read from the signed-in user's claims, as an ENT's identity provider (CAS or OIDC) releases
/// them from its directory (the annuaire ENT of the SDET): the pupil's principal lists the ids of the persons with
/// parental authority over them, and the guardian's principal lists the ids of their children. Nothing is looked up
/// elsewhere, so the identity provider must release both attributes, as the portal's own user ids.
/// </summary>
public sealed class ClaimsGuardianDirectory : IGuardianDirectory
{
    private readonly string _guardiansClaimType;
    private readonly string _minorsClaimType;
    private readonly string? _minorNameSeparator;

    /// <summary>Creates the directory.</summary>
    /// <param name="guardiansClaimType">
    /// On a minor's principal, the claim (one per guardian, or several ids separated by <c>,</c> or <c>;</c>) holding a
    /// guardian's user id; for example the SDET attribute <c>ENTEleveAutoriteParentale</c> as the portal maps it.
    /// </param>
    /// <param name="minorsClaimType">
    /// On a guardian's principal, the claim holding a child's user id; for example <c>ENTAuxPersRelEleveEleve</c>.
    /// </param>
    /// <param name="minorNameSeparator">
    /// When set, a child's claim value may read <c>id{separator}display name</c> so the guardian's page can name the
    /// child; otherwise the page shows the id.
    /// </param>
    public ClaimsGuardianDirectory(string guardiansClaimType, string minorsClaimType, string? minorNameSeparator = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(guardiansClaimType);
        ArgumentException.ThrowIfNullOrWhiteSpace(minorsClaimType);
        if (minorNameSeparator is { Length: 0 })
        {
            throw new ArgumentException("The separator must not be empty; pass null for none.", nameof(minorNameSeparator));
        }

        _guardiansClaimType = guardiansClaimType;
        _minorsClaimType = minorsClaimType;
        _minorNameSeparator = minorNameSeparator;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> GetGuardianIdsAsync(string minorId, ClaimsPrincipal minor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(minor);
        return ValueTask.FromResult<IReadOnlyList<string>>(Values(minor, _guardiansClaimType).Distinct(StringComparer.Ordinal).ToArray());
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<GuardedMinor>> GetMinorsAsync(string guardianId, ClaimsPrincipal guardian, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(guardian);
        var minors = new List<GuardedMinor>();
        foreach (var value in _minorNameSeparator is null ? Values(guardian, _minorsClaimType) : guardian.FindAll(_minorsClaimType).Select(static c => c.Value.Trim()))
        {
            var at = _minorNameSeparator is null ? -1 : value.IndexOf(_minorNameSeparator, StringComparison.Ordinal);
            var minor = at < 0 ? new GuardedMinor(value, value) : new GuardedMinor(value[..at].Trim(), value[(at + _minorNameSeparator!.Length)..].Trim());
            if (minor.UserId.Length > 0 && !minors.Exists(m => m.UserId == minor.UserId))
            {
                minors.Add(minor);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<GuardedMinor>>(minors);
    }

    private static IEnumerable<string> Values(ClaimsPrincipal principal, string claimType)
        => principal.FindAll(claimType)
            .SelectMany(static c => c.Value.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
