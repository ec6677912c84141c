using Microsoft.Extensions.Primitives;

namespace Ent.Consent.AspNetCore.Cookies;

/// <summary>Finds one cookie's value in the request's <c>Cookie</c> headers without building the cookie collection.</summary>
internal static class RequestCookieReader
{
    public static ReadOnlySpan<char> Find(StringValues cookieHeaders, string name)
    {
        foreach (var header in cookieHeaders)
        {
            if (header is null)
            {
                continue;
            }

            var value = Find(header.AsSpan(), name);
            if (!value.IsEmpty)
            {
                return value;
            }
        }

        return default;
    }

    public static ReadOnlySpan<char> Find(ReadOnlySpan<char> header, string name)
    {
        while (!header.IsEmpty)
        {
            var end = header.IndexOf(';');
            var pair = (end < 0 ? header : header[..end]).Trim(' ');
            header = end < 0 ? default : header[(end + 1)..];
            if (pair.Length > name.Length && pair[name.Length] == '=' && pair.StartsWith(name, StringComparison.Ordinal))
            {
                var value = pair[(name.Length + 1)..];
                if (value.Length >= 2 && value[0] == '"' && value[^1] == '"')
                {
                    value = value[1..^1];
                }

                return value;
            }
        }

        return default;
    }
}
