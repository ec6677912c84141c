namespace Ent.Consent.Widget;

/// <summary>Keeps return URLs on the site, so the widget's pages cannot be used as an open redirect.</summary>
internal static class LocalUrl
{
    /// <summary><paramref name="url"/> when it is a local path (<c>/x?y</c>), otherwise <c>/</c>.</summary>
    public static string OrRoot(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/')
        {
            return "/";
        }

        // "//host" and "/\host" are read by browsers as another site.
        if (url.Length > 1 && (url[1] == '/' || url[1] == '\\'))
        {
            return "/";
        }

        foreach (var character in url)
        {
            if (char.IsControl(character))
            {
                return "/";
            }
        }

        return url;
    }
}
