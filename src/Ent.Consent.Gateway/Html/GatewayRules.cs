using System.Runtime.CompilerServices;

namespace Ent.Consent.Gateway.Html;

/// <summary>
/// Which declared service a <c>script</c>, <c>iframe</c> or <c>img</c> belongs to: first the <c>Gateway:Block</c> rules
/// (selectors, then hosts), then the <c>Hosts</c> of the policy's non-essential services. Hosts are read once per
/// compiled policy.
/// </summary>
internal sealed class GatewayRules
{
    private readonly ConditionalWeakTable<ConsentPolicy, Dictionary<string, string>> _hostsByPolicy = [];
    private readonly List<(string Host, string Service)> _hostRules = [];
    private readonly List<(SimpleSelector Selector, string Service)> _selectorRules = [];
    private readonly bool _policyHosts;

    public GatewayRules(Microsoft.Extensions.Options.IOptions<GatewayOptions> gatewayOptions)
    {
        var options = gatewayOptions.Value;
        _policyHosts = options.BlockUnmarkedContent;
        foreach (var rule in options.Block)
        {
            if (rule.Host is { Length: > 0 } host)
            {
                _hostRules.Add((host.ToLowerInvariant(), rule.Service!));
            }

            if (rule.Selector is { Length: > 0 } selector && SimpleSelector.TryParse(selector, out var parsed))
            {
                _selectorRules.Add((parsed, rule.Service!));
            }
        }
    }

    public bool IsEmpty => !_policyHosts && _hostRules.Count == 0 && _selectorRules.Count == 0;

    public ServiceDefinition? ServiceFor(ConsentPolicy policy, string tagName, ReadOnlySpan<byte> tag, List<TagAttribute> attributes, string src)
    {
        foreach (var (selector, service) in _selectorRules)
        {
            if (selector.Matches(tagName, tag, attributes))
            {
                return Find(policy, service);
            }
        }

        var host = HostOf(src);
        if (host is null)
        {
            return null;
        }

        foreach (var (pattern, service) in _hostRules)
        {
            if (HostMatches(pattern, host))
            {
                return Find(policy, service);
            }
        }

        if (!_policyHosts)
        {
            return null;
        }

        var hosts = _hostsByPolicy.GetValue(policy, static p => Index(p));
        if (hosts.TryGetValue(host, out var id))
        {
            return Find(policy, id);
        }

        foreach (var (pattern, serviceId) in hosts)
        {
            if (pattern.StartsWith("*.", StringComparison.Ordinal) && HostMatches(pattern, host))
            {
                return Find(policy, serviceId);
            }
        }

        return null;
    }

    /// <summary>The host of an absolute or scheme-relative http(s) address, lower case; null for a same-origin one.</summary>
    internal static string? HostOf(string src)
    {
        if (src.StartsWith("//", StringComparison.Ordinal))
        {
            src = "https:" + src;
        }

        return Uri.TryCreate(src, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? uri.Host.ToLowerInvariant() : null;
    }

    internal static bool HostMatches(string pattern, string host)
        => pattern.StartsWith("*.", StringComparison.Ordinal)
            ? host.EndsWith(pattern[1..], StringComparison.Ordinal)
            : pattern == host;

    private static Dictionary<string, string> Index(ConsentPolicy policy)
    {
        var hosts = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var service in policy.Services)
        {
            if (service.Category == ServiceCategory.Essential)
            {
                continue;
            }

            foreach (var host in service.Hosts)
            {
                // The first declaration wins when two services share a host (www.google.com: YouTube and Maps).
                hosts.TryAdd(host.ToLowerInvariant(), service.Id);
            }
        }

        return hosts;
    }

    private static ServiceDefinition? Find(ConsentPolicy policy, string id)
    {
        foreach (var service in policy.Services)
        {
            if (service.Id == id)
            {
                return service;
            }
        }

        return null;
    }
}
