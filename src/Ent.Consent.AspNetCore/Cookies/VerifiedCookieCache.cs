using System.Collections.Concurrent;

namespace Ent.Consent.AspNetCore.Cookies;

/// <summary>
/// Consent cookie values already verified, so a returning value costs a lookup instead of an unprotect. Only
/// verified values enter; when full it is emptied, which bounds memory whatever clients send.
/// </summary>
internal sealed class VerifiedCookieCache
{
    private readonly ConcurrentDictionary<string, ConsentCookie> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConsentCookie>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly int _capacity;

    public VerifiedCookieCache(int capacity)
    {
        _capacity = capacity;
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryGet(ReadOnlySpan<char> value, out ConsentCookie? cookie)
    {
        if (_capacity == 0)
        {
            cookie = null;
            return false;
        }

        return _bySpan.TryGetValue(value, out cookie);
    }

    public void Add(ReadOnlySpan<char> value, ConsentCookie cookie)
    {
        if (_capacity == 0)
        {
            return;
        }

        if (_entries.Count >= _capacity)
        {
            _entries.Clear();
        }

        _bySpan.TryAdd(value, cookie);
    }
}
