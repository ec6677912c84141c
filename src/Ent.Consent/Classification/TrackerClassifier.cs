using System.Collections.Frozen;

namespace Ent.Consent;

/// <summary>
/// Maps a cookie (name, and domain when known) to the services that declare it. Unknown cookies are
/// <see cref="ServiceCategory.ConsentRequired"/>. A cookie declared by several services takes the strictest category,
/// because a tracker with several purposes needs consent if any purpose does.
/// </summary>
/// <remarks>
/// Lookups are prepared once: exact names in a frozen dictionary searched by span, prefixes longest first. A call
/// allocates nothing.
/// </remarks>
public sealed class TrackerClassifier
{
    private readonly FrozenDictionary<string, NameRules> _exact;
    private readonly FrozenDictionary<string, NameRules>.AlternateLookup<ReadOnlySpan<char>> _exactBySpan;
    private readonly (string Prefix, NameRules Rules)[] _prefixes;

    internal TrackerClassifier(IEnumerable<ServiceDefinition> services)
    {
        var exact = new Dictionary<string, List<(ServiceDefinition, CookieDefinition)>>(StringComparer.Ordinal);
        var prefixes = new Dictionary<string, List<(ServiceDefinition, CookieDefinition)>>(StringComparer.Ordinal);
        foreach (var service in services)
        {
            foreach (var cookie in service.Cookies)
            {
                var target = cookie.IsPrefix ? prefixes : exact;
                if (!target.TryGetValue(cookie.NameOrPrefix, out var list))
                {
                    target[cookie.NameOrPrefix] = list = [];
                }

                list.Add((service, cookie));
            }
        }

        _exact = exact.ToFrozenDictionary(static kv => kv.Key, static kv => new NameRules(kv.Value), StringComparer.Ordinal);
        _exactBySpan = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixes = prefixes
            .OrderByDescending(static kv => kv.Key.Length)
            .ThenBy(static kv => kv.Key, StringComparer.Ordinal)
            .Select(static kv => (kv.Key, new NameRules(kv.Value)))
            .ToArray();
    }

    /// <summary>Classifies a cookie by name alone, as read from a request's <c>Cookie</c> header: every declaration counts.</summary>
    public TrackerClassification Classify(string cookieName) => Classify(cookieName, null);

    /// <summary>Classifies a cookie by name, and by the domain it is set for when known (null when not).</summary>
    public TrackerClassification Classify(string cookieName, string? domain)
    {
        ArgumentNullException.ThrowIfNull(cookieName);
        return Classify(cookieName.AsSpan(), domain.AsSpan());
    }

    /// <summary>
    /// Classifies a cookie by name, and by the domain it is set for when known (empty when not: a request's
    /// <c>Cookie</c> header carries no domain, and then every declaration of the name counts).
    /// </summary>
    public TrackerClassification Classify(ReadOnlySpan<char> cookieName, ReadOnlySpan<char> domain)
    {
        if (_exactBySpan.TryGetValue(cookieName, out var rules))
        {
            return rules.Select(domain);
        }

        foreach (var (prefix, prefixRules) in _prefixes)
        {
            if (cookieName.StartsWith(prefix, StringComparison.Ordinal))
            {
                return prefixRules.Select(domain);
            }
        }

        return TrackerClassification.Unknown;
    }

    /// <summary>The classifications for one name: any domain, each declared domain, and domain-less declarations.</summary>
    private sealed class NameRules
    {
        private readonly TrackerClassification _anyDomain;
        private readonly TrackerClassification? _undeclaredDomain;
        private readonly (string Domain, TrackerClassification Classification)[] _byDomain;

        public NameRules(List<(ServiceDefinition Service, CookieDefinition Cookie)> declarations)
        {
            _anyDomain = Merge(declarations);
            var withoutDomain = declarations.Where(static d => string.IsNullOrEmpty(d.Cookie.Domain)).ToList();
            _undeclaredDomain = withoutDomain.Count > 0 ? Merge(withoutDomain) : null;
            _byDomain = declarations
                .Where(static d => !string.IsNullOrEmpty(d.Cookie.Domain))
                .Select(static d => NormalizeDomain(d.Cookie.Domain!))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .OrderByDescending(static d => d.Length)
                .Select(d => (d, Merge(declarations.Where(x => string.IsNullOrEmpty(x.Cookie.Domain) || NormalizeDomain(x.Cookie.Domain!).Equals(d, StringComparison.OrdinalIgnoreCase)).ToList())))
                .ToArray();
        }

        public TrackerClassification Select(ReadOnlySpan<char> domain)
        {
            if (domain.IsEmpty)
            {
                return _anyDomain;
            }

            domain = domain.TrimStart('.');
            foreach (var (declared, classification) in _byDomain)
            {
                if (DomainMatches(domain, declared))
                {
                    return classification;
                }
            }

            return _undeclaredDomain ?? TrackerClassification.Unknown;
        }

        private static bool DomainMatches(ReadOnlySpan<char> domain, string declared)
        {
            // "www.youtube.com" matches a declaration for "youtube.com"; "notyoutube.com" does not.
            if (domain.Equals(declared, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            return domain.Length > declared.Length
                && domain.EndsWith(declared, StringComparison.OrdinalIgnoreCase)
                && domain[domain.Length - declared.Length - 1] == '.';
        }

        private static string NormalizeDomain(string domain) => domain.TrimStart('.');

        private static TrackerClassification Merge(List<(ServiceDefinition Service, CookieDefinition Cookie)> declarations)
        {
            var ordered = declarations
                .OrderByDescending(static d => d.Service.Category)
                .ToList();
            var services = ordered.Select(static d => d.Service).Distinct().ToArray();
            return new TrackerClassification(ordered[0].Service.Category, services, ordered[0].Cookie);
        }
    }
}
