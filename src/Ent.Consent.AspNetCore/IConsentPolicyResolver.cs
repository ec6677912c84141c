using Microsoft.AspNetCore.Http;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// Chooses the policy of a request: one per school or tenant on a multi-tenant portal. Called on every request, so
/// an implementation must be fast and should hand out policies compiled once (<see cref="ConsentPolicy.Create"/>).
/// The default returns the single policy built from <see cref="EntConsentOptions.Policy"/>.
/// </summary>
public interface IConsentPolicyResolver
{
    /// <summary>The policy and tenant that apply to <paramref name="context"/>.</summary>
    ConsentPolicyResolution Resolve(HttpContext context);
}

/// <summary>The policy that applies to a request, and the tenant recorded with its proofs.</summary>
/// <param name="Policy">The compiled policy.</param>
/// <param name="Tenant">The tenant (school UAI, academy), or null on a single-tenant host.</param>
public readonly record struct ConsentPolicyResolution(ConsentPolicy Policy, string? Tenant);
