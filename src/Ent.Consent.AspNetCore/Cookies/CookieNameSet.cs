using System.Collections.Frozen;

namespace Ent.Consent.AspNetCore.Cookies;

/// <summary>Cookie names, exact or <c>prefix*</c>, matched on a span without allocating.</summary>
internal sealed class CookieNameSet
{
    public static readonly CookieNameSet Empty = new([]);

    private readonly FrozenSet<string> _exact;
    private readonly FrozenSet<string>.AlternateLookup<ReadOnlySpan<char>> _exactBySpan;
    private readonly string[] _prefixes;

    public CookieNameSet(IEnumerable<string> names)
    {
        var exact = new List<string>();
        var prefixes = new List<string>();
        foreach (var name in names)
        {
            if (string.IsNullOrEmpty(name))
            {
                continue;
            }

            if (name.EndsWith('*'))
            {
                prefixes.Add(name[..^1]);
            }
            else
            {
                exact.Add(name);
            }
        }

        _exact = exact.ToFrozenSet(StringComparer.Ordinal);
        _exactBySpan = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        _prefixes = [.. prefixes];
    }

    public bool Contains(ReadOnlySpan<char> name)
    {
        if (_exactBySpan.Contains(name))
        {
            return true;
        }

        foreach (var prefix in _prefixes)
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
