using System.Security.Claims;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// Who holds parental authority over whom, as the portal knows it (joint consent for minors under 15, loi
/// Informatique et Libertés art. 45). It speaks the portal's own user ids, the ones
/// <see cref="EntConsentOptions.SubjectId"/> gives; the library keys them (<see cref="EntConsentOptions.SubjectKey"/>)
/// before they reach a proof or a cookie. Register one as a singleton when <see cref="ConsentPolicyOptions.JointConsent"/>
/// is on: <see cref="InMemoryGuardianDirectory"/>, <see cref="ClaimsGuardianDirectory"/> or the host's own.
/// </summary>
public interface IGuardianDirectory
{
    /// <summary>The user ids of the guardians on file for the signed-in minor <paramref name="minorId"/>.</summary>
    /// <param name="minorId">The minor's user id.</param>
    /// <param name="minor">The minor's principal (for a directory that reads claims).</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    ValueTask<IReadOnlyList<string>> GetGuardianIdsAsync(string minorId, ClaimsPrincipal minor, CancellationToken cancellationToken);

    /// <summary>The minors the signed-in guardian <paramref name="guardianId"/> holds parental authority over.</summary>
    /// <param name="guardianId">The guardian's user id.</param>
    /// <param name="guardian">The guardian's principal (for a directory that reads claims).</param>
    /// <param name="cancellationToken">The request's cancellation.</param>
    ValueTask<IReadOnlyList<GuardedMinor>> GetMinorsAsync(string guardianId, ClaimsPrincipal guardian, CancellationToken cancellationToken);
}

/// <summary>A minor as their guardian's page shows them.</summary>
/// <param name="UserId">The minor's user id (as <see cref="EntConsentOptions.SubjectId"/> gives it).</param>
/// <param name="DisplayName">The name the guardian knows the minor by.</param>
public sealed record GuardedMinor(string UserId, string DisplayName);
