namespace Ent.Consent.AspNetCore.Endpoints;

/// <summary>
/// Keeps return URLs on the site, so neither the consent endpoint's redirect nor the widget's pages can be used as an
/// open redirect. One rule for both: the widget's return URL is posted back to the endpoint.
/// </summary>
internal static class LocalUrl
{
    /// <summary><paramref name="url"/> when it is a local path (<c>/x?y</c>), otherwise <c>/</c>.</summary>
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

        return url;
    }
}
