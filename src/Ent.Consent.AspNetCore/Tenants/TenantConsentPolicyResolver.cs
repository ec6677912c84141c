using System.Collections.Frozen;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features.Authentication;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.AspNetCore.Tenants;

/// <summary>
/// The resolver registered when <see cref="EntConsentOptions.Tenants"/> is not empty: every tenant's policy compiled
/// once, then per request one lookup by host, at most <see cref="ConsentTenantPolicies.MaxPathSegments"/> by path
/// prefix and one by claim, each in a frozen dictionary read with spans: the cost does not grow with the number of
/// tenants, and a request allocates nothing.
/// </summary>
internal sealed class TenantConsentPolicyResolver : IConsentPolicyResolver
{
    private readonly ConsentPolicyResolution _default;
    private readonly FrozenDictionary<string, ConsentPolicyResolution>.AlternateLookup<ReadOnlySpan<char>> _byHost;
    private readonly FrozenDictionary<string, ConsentPolicyResolution>.AlternateLookup<ReadOnlySpan<char>> _byPath;
    private readonly FrozenDictionary<string, ConsentPolicyResolution> _byClaim;
    private readonly bool _anyHost;
    private readonly int _pathDepth;
    private readonly string? _claimType;
    private readonly string _endpointPrefix;

    public TenantConsentPolicyResolver(ConsentPolicy portal, EntConsentOptions options, ILogger? logger = null)
    {
        _default = new ConsentPolicyResolution(portal, null);
        _claimType = options.TenantClaimType;
        _endpointPrefix = options.PathPrefix.Value ?? "/consent";
        var byHost = new Dictionary<string, ConsentPolicyResolution>(StringComparer.OrdinalIgnoreCase);
        var byPath = new Dictionary<string, ConsentPolicyResolution>(StringComparer.OrdinalIgnoreCase);
        var byClaim = new Dictionary<string, ConsentPolicyResolution>(StringComparer.Ordinal);
        var errors = new List<string>();
        foreach (var (id, tenant) in options.Tenants)
        {
            var key = $"{EntConsentOptions.SectionName}:Tenants:{id}";
            var completed = ConsentTenantPolicies.Complete(tenant, options.Policy, key, errors);
            if (errors.Count > 0)
            {
                // The options validator stops the start before; a resolver built by hand fails the same way.
                throw new ConsentPolicyException(errors);
            }

            var resolution = new ConsentPolicyResolution(ConsentPolicy.Create(completed, logger), id);
            foreach (var host in tenant.Hosts)
            {
                byHost[host] = resolution;
            }

            if (tenant.PathPrefix is { } prefix)
            {
                byPath[prefix] = resolution;
                _pathDepth = Math.Max(_pathDepth, prefix.AsSpan().Count('/'));
            }

            if (tenant.Claim is { } claim)
            {
                byClaim[claim] = resolution;
            }
        }

        _anyHost = byHost.Count > 0;
        _byHost = byHost.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _byPath = byPath.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase).GetAlternateLookup<ReadOnlySpan<char>>();
        _byClaim = _claimType is null ? FrozenDictionary<string, ConsentPolicyResolution>.Empty : byClaim.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public ConsentPolicyResolution Resolve(HttpContext context)
    {
        var request = context.Request;
        if (_anyHost && _byHost.TryGetValue(HostName(request.Host.Value), out var byHost))
        {
            return byHost;
        }

        if (_pathDepth > 0)
        {
            var path = request.Path.Value.AsSpan();
            if (path.StartsWith(_endpointPrefix, StringComparison.OrdinalIgnoreCase)
                && (path.Length == _endpointPrefix.Length || path[_endpointPrefix.Length] == '/'))
            {
                // The consent endpoint and the widget's pages live outside every tenant's prefix: the page that
                // called them (same origin) says whose they are.
                path = RefererPath(request);
            }

            if (TryPath(path, out var byPath))
            {
                return byPath;
            }
        }

        if (_byClaim.Count > 0
            && context.Features.Get<IHttpAuthenticationFeature>()?.User?.FindFirst(_claimType!)?.Value is { } claim
            && _byClaim.TryGetValue(claim, out var byClaim))
        {
            return byClaim;
        }

        return _default;
    }

    /// <summary>The longest configured prefix of <paramref name="path"/> ending at a segment boundary.</summary>
    private bool TryPath(ReadOnlySpan<char> path, out ConsentPolicyResolution resolution)
    {
        // Ends of the first segments: "/a/b/c" gives 2, 4, 6; tried longest first.
        Span<int> ends = stackalloc int[ConsentTenantPolicies.MaxPathSegments];
        var count = 0;
        for (var i = 1; i <= path.Length && count < _pathDepth; i++)
        {
            if (i == path.Length || path[i] == '/')
            {
                if (i > 1 && path[i - 1] != '/')
                {
                    ends[count++] = i;
                }
            }
        }

        for (var c = count - 1; c >= 0; c--)
        {
            if (_byPath.TryGetValue(path[..ends[c]], out resolution))
            {
                return true;
            }
        }

        resolution = default;
        return false;
    }

    /// <summary>The host without its port: <c>[::1]:443</c> gives <c>[::1]</c>, <c>a.fr:8080</c> gives <c>a.fr</c>.</summary>
    internal static ReadOnlySpan<char> HostName(string? host)
    {
        var span = host.AsSpan();
        if (span.StartsWith('['))
        {
            var close = span.IndexOf(']');
            return close < 0 ? span : span[..(close + 1)];
        }

        var colon = span.IndexOf(':');
        return colon < 0 ? span : span[..colon];
    }

    private static ReadOnlySpan<char> RefererPath(HttpRequest request)
    {
        // Only a same-origin Referer counts: another site cannot pick a school's policy for this one's endpoint.
        var referer = request.Headers.Referer.ToString().AsSpan();
        var schemeEnd = referer.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            return default;
        }

        var rest = referer[(schemeEnd + 3)..];
        var pathStart = rest.IndexOfAny('/', '?', '#');
        var authority = pathStart < 0 ? rest : rest[..pathStart];
        if (!authority.Equals(request.Host.Value, StringComparison.OrdinalIgnoreCase) || pathStart < 0 || rest[pathStart] != '/')
        {
            return default;
        }

        var path = rest[pathStart..];
        var end = path.IndexOfAny('?', '#');
        path = end < 0 ? path : path[..end];
        // Prefixes are matched after the application's PathBase, as Request.Path is.
        var pathBase = request.PathBase.Value.AsSpan();
        return pathBase.IsEmpty ? path
            : path.StartsWith(pathBase, StringComparison.OrdinalIgnoreCase) && (path.Length == pathBase.Length || path[pathBase.Length] == '/') ? path[pathBase.Length..]
            : default;
    }
}
