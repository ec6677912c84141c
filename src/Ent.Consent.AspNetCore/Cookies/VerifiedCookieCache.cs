using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Ent.Consent.AspNetCore.Cookies;

/// <summary>
/// Cookie values already verified (the consent cookie, the audience deposit cookie) and what they were read as, so
/// a returning value costs a lookup instead of an unprotect. Only verified values enter; when full it is emptied,
/// which bounds memory whatever clients send.
/// </summary>
internal sealed class VerifiedCookieCache<TRead>
{
    private readonly ConcurrentDictionary<string, TRead> _entries = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TRead>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly int _capacity;

    public VerifiedCookieCache(int capacity)
    {
        _capacity = capacity;
        _bySpan = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public bool TryGet(ReadOnlySpan<char> value, [MaybeNullWhen(false)] out TRead read)
    {
        if (_capacity == 0)
        {
            read = default;
            return false;
        }

        return _bySpan.TryGetValue(value, out read);
    }

    public void Add(ReadOnlySpan<char> value, TRead read)
    {
        if (_capacity == 0)
        {
            return;
        }

        if (_entries.Count >= _capacity)
        {
            _entries.Clear();
        }

        _bySpan.TryAdd(value, read);
    }
}
