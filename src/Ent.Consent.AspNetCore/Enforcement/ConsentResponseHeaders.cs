using System.Collections;
using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>
/// The response headers as host code sees them once <c>UseEntConsent</c> runs: the server's, except that a
/// <c>Set-Cookie</c> written after the consent pass (by an <c>OnStarting</c> callback that runs after it, whatever
/// the order it was registered in) is decided as it is written. Before the pass, writes go straight through.
/// </summary>
internal sealed class ConsentResponseHeaders : IHeaderDictionary
{
    private readonly ConsentResponse _owner;

    public ConsentResponseHeaders(ConsentResponse owner)
    {
        _owner = owner;
    }

    private IHeaderDictionary Inner => _owner.InnerHeaders;

    public StringValues this[string key]
    {
        get => Inner[key];
        set => Inner[key] = Decide(key, value);
    }

    StringValues IDictionary<string, StringValues>.this[string key]
    {
        get => Inner[key];
        set => Inner[key] = Decide(key, value);
    }

    public long? ContentLength { get => Inner.ContentLength; set => Inner.ContentLength = value; }

    public ICollection<string> Keys => Inner.Keys;

    public ICollection<StringValues> Values => Inner.Values;

    public int Count => Inner.Count;

    public bool IsReadOnly => Inner.IsReadOnly;

    // IDictionary.Add throws on a duplicate key, as the server's own headers do: the caller asked for that.
#pragma warning disable ASP0019
    public void Add(string key, StringValues value) => Inner.Add(key, Decide(key, value));
#pragma warning restore ASP0019

    public void Add(KeyValuePair<string, StringValues> item) => Add(item.Key, item.Value);

    public void Clear() => Inner.Clear();

    public bool Contains(KeyValuePair<string, StringValues> item) => Inner.Contains(item);

    public bool ContainsKey(string key) => Inner.ContainsKey(key);

    public void CopyTo(KeyValuePair<string, StringValues>[] array, int arrayIndex) => Inner.CopyTo(array, arrayIndex);

    public bool Remove(string key) => Inner.Remove(key);

    public bool Remove(KeyValuePair<string, StringValues> item) => Inner.Remove(item);

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out StringValues value) => Inner.TryGetValue(key, out value);

    public IEnumerator<KeyValuePair<string, StringValues>> GetEnumerator() => Inner.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => Inner.GetEnumerator();

    private StringValues Decide(string key, StringValues value)
        => _owner.DecidesWrites && string.Equals(key, HeaderNames.SetCookie, StringComparison.OrdinalIgnoreCase)
            ? _owner.DecideLateWrite(value)
            : value;
}
