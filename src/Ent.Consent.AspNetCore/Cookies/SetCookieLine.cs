namespace Ent.Consent.AspNetCore.Cookies;

/// <summary>
/// One raw <c>Set-Cookie</c> header as a browser reads it (RFC 6265 §5.2), in place: name, the last <c>Domain</c>,
/// the last valid <c>Max-Age</c> (which wins over <c>Expires</c>), the last readable <c>Expires</c>. Whatever a
/// browser might read differently (an <c>Expires</c> it ignores or with a two-digit year) is marked uncertain, so
/// the filter never takes it for a deletion.
/// </summary>
internal readonly ref struct SetCookieLine
{
    private SetCookieLine(ReadOnlySpan<char> name, ReadOnlySpan<char> domain, long? maxAgeSeconds, DateTimeOffset? expires, bool expiresUncertain)
    {
        Name = name;
        Domain = domain;
        MaxAgeSeconds = maxAgeSeconds;
        Expires = expires;
        ExpiresUncertain = expiresUncertain;
    }

    public ReadOnlySpan<char> Name { get; }

    /// <summary>The last <c>Domain</c> attribute, empty when absent.</summary>
    public ReadOnlySpan<char> Domain { get; }

    public long? MaxAgeSeconds { get; }

    public DateTimeOffset? Expires { get; }

    /// <summary>An <c>Expires</c> attribute is present that browsers may not all read as <see cref="Expires"/>.</summary>
    public bool ExpiresUncertain { get; }

    /// <summary>Whether every browser deletes the cookie at <paramref name="now"/>: certain, or not a deletion.</summary>
    public bool IsDeletion(DateTimeOffset now)
        => MaxAgeSeconds is { } seconds ? seconds <= 0 : !ExpiresUncertain && Expires is { } expires && expires <= now;

    /// <summary>The end a browser gives the cookie: null for a session cookie, <see cref="DateTimeOffset.MaxValue"/> when uncertain.</summary>
    public DateTimeOffset? RequestedEnd(DateTimeOffset now)
    {
        if (MaxAgeSeconds is { } seconds)
        {
            return seconds > (long)(DateTimeOffset.MaxValue - now).TotalSeconds ? DateTimeOffset.MaxValue : now.AddSeconds(seconds);
        }

        return ExpiresUncertain ? DateTimeOffset.MaxValue : Expires;
    }

    public static bool TryRead(ReadOnlySpan<char> header, out SetCookieLine line)
    {
        line = default;
        var end = header.IndexOf(';');
        var pair = end < 0 ? header : header[..end];
        var equals = pair.IndexOf('=');
        var name = equals < 0 ? default : pair[..equals].Trim(" \t");
        if (name.IsEmpty)
        {
            return false;
        }

        ReadOnlySpan<char> domain = default;
        long? maxAge = null;
        DateTimeOffset? expires = null;
        var uncertain = false;
        var attributes = end < 0 ? default : header[(end + 1)..];
        while (!attributes.IsEmpty)
        {
            var next = attributes.IndexOf(';');
            var attribute = next < 0 ? attributes : attributes[..next];
            attributes = next < 0 ? default : attributes[(next + 1)..];
            var split = attribute.IndexOf('=');
            var attributeName = (split < 0 ? attribute : attribute[..split]).Trim(" \t");
            var value = split < 0 ? default : attribute[(split + 1)..].Trim(" \t");
            if (attributeName.Equals("domain", StringComparison.OrdinalIgnoreCase))
            {
                if (!value.IsEmpty)
                {
                    domain = value;
                }
            }
            else if (attributeName.Equals("max-age", StringComparison.OrdinalIgnoreCase))
            {
                if (TryReadMaxAge(value, out var seconds))
                {
                    maxAge = seconds;
                }
            }
            else if (attributeName.Equals("expires", StringComparison.OrdinalIgnoreCase))
            {
                if (CookieDate.TryParse(value, out var date, out var fourDigitYear))
                {
                    expires = date;
                    uncertain |= !fourDigitYear;
                }
                else
                {
                    uncertain = true;
                }
            }
        }

        line = new SetCookieLine(name, domain, maxAge, expires, uncertain);
        return true;
    }

    /// <summary>Whether <paramref name="attribute"/> (one <c>;</c>-separated part) is a <c>Max-Age</c> or <c>Expires</c>.</summary>
    public static bool IsLifetimeAttribute(ReadOnlySpan<char> attribute)
    {
        var split = attribute.IndexOf('=');
        var name = (split < 0 ? attribute : attribute[..split]).Trim(" \t");
        return name.Equals("max-age", StringComparison.OrdinalIgnoreCase) || name.Equals("expires", StringComparison.OrdinalIgnoreCase);
    }

    // RFC 6265 §5.2.2: a leading '-' or digit, then digits only; anything else and the attribute is ignored.
    private static bool TryReadMaxAge(ReadOnlySpan<char> value, out long seconds)
    {
        seconds = 0;
        var negative = !value.IsEmpty && value[0] == '-';
        var digits = negative ? value[1..] : value;
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange('0', '9'))
        {
            return false;
        }

        foreach (var c in digits)
        {
            seconds = seconds > (long.MaxValue / 10) - 1 ? long.MaxValue / 10 : (seconds * 10) + (c - '0');
        }

        seconds = negative ? -seconds : seconds;
        return true;
    }
}
