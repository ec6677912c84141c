using Microsoft.AspNetCore.Http;

namespace Ent.Consent.AspNetCore;

/// <summary>The default resolver: the one policy built from <see cref="EntConsentOptions.Policy"/>, no tenant.</summary>
internal sealed class SingleConsentPolicyResolver : IConsentPolicyResolver
{
    private readonly ConsentPolicyResolution _resolution;

    public SingleConsentPolicyResolver(ConsentPolicy policy)
    {
        _resolution = new ConsentPolicyResolution(policy, null);
    }

    public ConsentPolicyResolution Resolve(HttpContext context) => _resolution;
}
