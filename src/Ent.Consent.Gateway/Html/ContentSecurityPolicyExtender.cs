using System.Text;

namespace Ent.Consent.Gateway.Html;

/// <summary>
/// Extends the portal's own <c>Content-Security-Policy</c> (and <c>-Report-Only</c>) just enough for the widget the
/// gateway injects, never loosening anything else:
/// <list type="bullet">
/// <item>where scripts or styles are restricted, the widget's tags carry the page's nonce: a policy that already
/// trusts nonces, hashes or <c>'strict-dynamic'</c> gets <c>'nonce-…'</c>; any other one gets the gateway's asset
/// folder as a path source (<c>https://host/.ent-consent/</c>), because a nonce would switch off the portal's
/// <c>'unsafe-inline'</c>;</item>
/// <item><c>connect-src</c> gets the consent endpoint's and the dialog's exact addresses, <c>form-action</c> the endpoint and its pages;</item>
/// <item>a directive that was only inherited from <c>default-src</c> is written out with <c>default-src</c>'s sources plus
/// the addition, so the other fetch types keep falling back to the unchanged <c>default-src</c>;</item>
/// <item><c>'none'</c> becomes the addition alone. Nothing is removed and no <c>'unsafe-*'</c> keyword is ever added.</item>
/// </list>
/// </summary>
internal static class ContentSecurityPolicyExtender
{
    public static string Extend(string header, string nonce, string origin, string prefix)
    {
        var policies = header.Split(',');
        for (var p = 0; p < policies.Length; p++)
        {
            policies[p] = ExtendPolicy(policies[p], nonce, origin, prefix);
        }

        return string.Join(", ", policies);
    }

    private static string ExtendPolicy(string policy, string nonce, string origin, string prefix)
    {
        var directives = new List<(string Name, List<string> Sources)>();
        foreach (var part in policy.Split(';'))
        {
            var tokens = part.Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (tokens.Length == 0)
            {
                continue;
            }

            var name = tokens[0].ToLowerInvariant();
            // The first occurrence of a directive counts; browsers ignore the later ones.
            if (directives.Exists(d => d.Name == name))
            {
                continue;
            }

            directives.Add((name, [.. tokens[1..]]));
        }

        var assets = origin + prefix + "/";
        Extend(directives, "script-src", ["default-src"], sources => ScriptOrStyle(sources, nonce, assets));
        Extend(directives, "script-src-elem", null, sources => ScriptOrStyle(sources, nonce, assets));
        Extend(directives, "style-src", ["default-src"], sources => ScriptOrStyle(sources, nonce, assets));
        Extend(directives, "style-src-elem", null, sources => ScriptOrStyle(sources, nonce, assets));
        // The endpoint the script posts to and reads, and the dialog it fetches when the preferences are opened.
        Extend(directives, "connect-src", ["default-src"], _ => [origin + prefix, origin + prefix + "/dialog"]);
        Extend(directives, "form-action", null, _ => [origin + prefix, assets]);

        var text = new StringBuilder(policy.Length + 96);
        foreach (var (name, sources) in directives)
        {
            if (text.Length > 0)
            {
                text.Append("; ");
            }

            text.Append(name);
            foreach (var source in sources)
            {
                text.Append(' ').Append(source);
            }
        }

        return text.ToString();
    }

    /// <param name="directives">The policy's directives, changed in place.</param>
    /// <param name="name">The directive the widget needs.</param>
    /// <param name="fallbacks">Where it inherits from when absent; null when it does not apply unless present.</param>
    /// <param name="additions">What to add to a given source list.</param>
    private static void Extend(List<(string Name, List<string> Sources)> directives, string name, string[]? fallbacks, Func<List<string>, string[]> additions)
    {
        var index = directives.FindIndex(d => d.Name == name);
        List<string> sources;
        if (index >= 0)
        {
            sources = directives[index].Sources;
        }
        else
        {
            var fallback = fallbacks is null ? -1 : directives.FindIndex(d => Array.IndexOf(fallbacks, d.Name) >= 0);
            if (fallback < 0)
            {
                // Unrestricted: nothing to add.
                return;
            }

            sources = [.. directives[fallback].Sources];
            directives.Add((name, sources));
        }

        var add = additions(sources);
        if (sources.Count == 1 && sources[0].Equals("'none'", StringComparison.OrdinalIgnoreCase))
        {
            sources.Clear();
        }

        foreach (var source in add)
        {
            if (!sources.Contains(source, StringComparer.OrdinalIgnoreCase))
            {
                sources.Add(source);
            }
        }
    }

    private static string[] ScriptOrStyle(List<string> sources, string nonce, string assets)
    {
        var trustsNonces = sources.Exists(static s =>
            s.StartsWith("'nonce-", StringComparison.OrdinalIgnoreCase)
            || s.StartsWith("'sha", StringComparison.OrdinalIgnoreCase)
            || s.Equals("'strict-dynamic'", StringComparison.OrdinalIgnoreCase));
        return trustsNonces ? [$"'nonce-{nonce}'"] : [assets];
    }
}
