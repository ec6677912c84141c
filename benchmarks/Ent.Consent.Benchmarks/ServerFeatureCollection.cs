using System.Collections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Features.Authentication;

namespace Ent.Consent.Benchmarks;

/// <summary>
/// Request features kept the way Kestrel's connection keeps them: a field for each feature Kestrel has a field for
/// (request, response, body, services, items, query, authentication, response cookies, persistent state) and a short
/// list for the rest (<c>IConsentFeature</c>, <c>ITrackingConsentFeature</c>, request cookies). A plain
/// <see cref="FeatureCollection"/> is a dictionary, which charges every feature a middleware sets more than Kestrel
/// does, and so favoured whichever middleware sets fewer.
/// </summary>
internal sealed class ServerFeatureCollection : IFeatureCollection
{
    private object? _request;
    private object? _response;
    private object? _responseBody;
    private object? _services;
    private object? _items;
    private object? _query;
    private object? _authentication;
    private object? _responseCookies;
    private object? _persistentState;
    private readonly List<KeyValuePair<Type, object>> _extra = new(4);
    private int _revision;

    public bool IsReadOnly => false;

    public int Revision => _revision;

    // Kestrel compares the type with each of its fields' in turn, then looks through the rest.
    public object? this[Type key]
    {
        get
        {
            if (key == typeof(IHttpRequestFeature)) return _request;
            if (key == typeof(IHttpResponseFeature)) return _response;
            if (key == typeof(IHttpResponseBodyFeature)) return _responseBody;
            if (key == typeof(IServiceProvidersFeature)) return _services;
            if (key == typeof(IItemsFeature)) return _items;
            if (key == typeof(IQueryFeature)) return _query;
            if (key == typeof(IHttpAuthenticationFeature)) return _authentication;
            if (key == typeof(IResponseCookiesFeature)) return _responseCookies;
            if (key == typeof(IPersistentStateFeature)) return _persistentState;
            return Extra(key);
        }

        set
        {
            _revision++;
            if (key == typeof(IHttpRequestFeature)) _request = value;
            else if (key == typeof(IHttpResponseFeature)) _response = value;
            else if (key == typeof(IHttpResponseBodyFeature)) _responseBody = value;
            else if (key == typeof(IServiceProvidersFeature)) _services = value;
            else if (key == typeof(IItemsFeature)) _items = value;
            else if (key == typeof(IQueryFeature)) _query = value;
            else if (key == typeof(IHttpAuthenticationFeature)) _authentication = value;
            else if (key == typeof(IResponseCookiesFeature)) _responseCookies = value;
            else if (key == typeof(IPersistentStateFeature)) _persistentState = value;
            else SetExtra(key, value);
        }
    }

    public TFeature? Get<TFeature>() => (TFeature?)this[typeof(TFeature)];

    public void Set<TFeature>(TFeature? instance) => this[typeof(TFeature)] = instance;

    public IEnumerator<KeyValuePair<Type, object>> GetEnumerator()
    {
        foreach (var type in FieldTypes)
        {
            if (this[type] is { } feature)
            {
                yield return new(type, feature);
            }
        }

        foreach (var extra in _extra)
        {
            yield return extra;
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static readonly Type[] FieldTypes =
    [
        typeof(IHttpRequestFeature), typeof(IHttpResponseFeature), typeof(IHttpResponseBodyFeature), typeof(IServiceProvidersFeature),
        typeof(IItemsFeature), typeof(IQueryFeature), typeof(IHttpAuthenticationFeature), typeof(IResponseCookiesFeature), typeof(IPersistentStateFeature),
    ];

    private object? Extra(Type key)
    {
        foreach (var (type, feature) in _extra)
        {
            if (type == key)
            {
                return feature;
            }
        }

        return null;
    }

    private void SetExtra(Type key, object? value)
    {
        for (var i = 0; i < _extra.Count; i++)
        {
            if (_extra[i].Key == key)
            {
                if (value is null)
                {
                    _extra.RemoveAt(i);
                }
                else
                {
                    _extra[i] = new(key, value);
                }

                return;
            }
        }

        if (value is not null)
        {
            _extra.Add(new(key, value));
        }
    }
}
