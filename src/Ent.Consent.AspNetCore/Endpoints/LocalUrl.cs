namespace Ent.Consent.AspNetCore.Endpoints;

/// <summary>
/// Keeps return URLs on the site, so neither the consent endpoint's redirect nor the widget's pages can be used as an
/// open redirect. One rule for both: the widget's return URL is posted back to the endpoint.
/// </summary>
internal static class LocalUrl
{
    /// <summary>
    /// <paramref name="url"/> when it is a local path (<c>/x?y</c>), otherwise <c>/</c>; characters outside printable
    /// ASCII are percent-encoded as UTF-8 (<c>/élèves</c> → <c>/%C3%A9l%C3%A8ves</c>), so the result is always a
    /// valid <c>Location</c> header (Kestrel refuses non-ASCII header values). Existing escapes are kept, so encoding
    /// twice changes nothing.
    /// </summary>
    public static string OrRoot(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return "/";
        }

        // "//host" and "/\host" are read by browsers as another site; a backslash anywhere is refused, since some
        // browsers read it as a slash.
        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
        {
            return "/";
        }

        foreach (var character in url)
        {
            if (char.IsControl(character) || character == '\\')
            {
                return "/";
            }
        }

        return PercentEncodeNonAscii(url);
    }

    private static string PercentEncodeNonAscii(string url)
    {
        if (!url.AsSpan().ContainsAnyExceptInRange('!', '~'))
        {
            return url;
        }

        var encoded = new System.Text.StringBuilder(url.Length + 16);
        Span<byte> utf8 = stackalloc byte[4];
        foreach (var rune in url.EnumerateRunes())
        {
            if (rune.Value is >= '!' and <= '~')
            {
                encoded.Append((char)rune.Value);
                continue;
            }

            var length = rune.EncodeToUtf8(utf8);
            for (var i = 0; i < length; i++)
            {
                encoded.Append('%').Append(utf8[i].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return encoded.ToString();
    }
}
