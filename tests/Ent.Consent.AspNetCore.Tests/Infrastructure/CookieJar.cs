using Microsoft.Net.Http.Headers;

namespace Ent.Consent.AspNetCore.Tests.Infrastructure;

/// <summary>A browser's cookie store, reduced to what the tests need: names, values, expiry by Max-Age or Expires.</summary>
internal sealed class CookieJar
{
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public string? this[string name]
    {
        get => _cookies.TryGetValue(name, out var value) ? value : null;
        set
        {
            if (value is null)
            {
                _cookies.Remove(name);
            }
            else
            {
                _cookies[name] = value;
            }
        }
    }

    public IReadOnlyCollection<string> Names => _cookies.Keys;

    public void Take(HttpResponseMessage response, DateTimeOffset now)
    {
        foreach (var header in SetCookies(response))
        {
            var cookie = SetCookieHeaderValue.Parse(header);
            var name = cookie.Name.Value!;
            var expired = cookie.MaxAge is { } maxAge ? maxAge <= TimeSpan.Zero : cookie.Expires is { } expires && expires <= now;
            this[name] = expired ? null : cookie.Value.Value;
        }
    }

    public void AddTo(HttpRequestMessage request)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(static c => c.Key + "=" + c.Value)));
        }
    }

    public static IReadOnlyList<string> SetCookies(HttpResponseMessage response)
        => response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];

    public static SetCookieHeaderValue? FindSetCookie(HttpResponseMessage response, string name)
        => SetCookies(response).Select(static h => SetCookieHeaderValue.Parse(h)).FirstOrDefault(c => c.Name.Value == name);
}
