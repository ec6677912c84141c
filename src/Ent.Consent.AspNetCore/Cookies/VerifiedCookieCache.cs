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
    private readonly ConcurrentDictionary<string, TRead> _entries;
    private readonly ConcurrentDictionary<string, TRead>.AlternateLookup<ReadOnlySpan<char>> _bySpan;
    private readonly int _capacity;

    /// <param name="capacity">Entries kept; 0 turns the cache off.</param>
    /// <param name="comparer">Ordinal; by default <see cref="TailComparer"/>, for values that end with a MAC.</param>
    public VerifiedCookieCache(int capacity, IEqualityComparer<string>? comparer = null)
    {
        _capacity = capacity;
        _entries = new(comparer ?? TailComparer.Instance);
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

/// <summary>
/// Ordinal equality, hashing only the last characters of a value: they are its MAC, random per value, so they spread
/// as well as the whole text at a fraction of the cost (a consent cookie is ~350 characters, hashed on every request).
/// Only verified values are stored, so a client cannot fill a bucket with chosen collisions.
/// </summary>
internal sealed class TailComparer : IEqualityComparer<string>, IAlternateEqualityComparer<ReadOnlySpan<char>, string>
{
    private const int HashedTail = 32;

    public static readonly TailComparer Instance = new();

    public bool Equals(string? x, string? y) => string.Equals(x, y, StringComparison.Ordinal);

    public int GetHashCode(string value) => GetHashCode(value.AsSpan());

    public int GetHashCode(ReadOnlySpan<char> value) => string.GetHashCode(value.Length > HashedTail ? value[^HashedTail..] : value);

    public bool Equals(ReadOnlySpan<char> alternate, string other) => alternate.SequenceEqual(other);

    public string Create(ReadOnlySpan<char> alternate) => alternate.ToString();
}
