using System.Reflection;
using Microsoft.Extensions.Configuration;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// Binds the <c>EntConsent</c> section strictly. The default binder skips a list item whose value does not convert
/// (dotnet/runtime#35007) and ignores misspelt keys, so <c>"Lifetime": "13 mois"</c> or <c>"Catgory"</c> would
/// silently remove a declaration; here both stop start-up with the key and the value named.
/// </summary>
internal static class EntConsentConfigurationBinder
{
    // Policy keys (Controllers, Services, …) and the integration's own keys (UndeclaredCookies, …) share the section.
    private static readonly HashSet<string> PolicyKeys = PropertyNames(typeof(ConsentPolicyOptions));
    private static readonly HashSet<string> IntegrationKeys = PropertyNames(typeof(EntConsentOptions));

    public static void Bind(IConfigurationSection section, EntConsentOptions options)
    {
        var unknown = section.GetChildren()
            .Select(static child => child.Key)
            .Where(static key => !PolicyKeys.Contains(key) && !IntegrationKeys.Contains(key))
            .ToList();
        if (unknown.Count > 0)
        {
            throw new InvalidOperationException(
                $"'{section.Path}:{unknown[0]}' is not an Ent.Consent setting. Known settings: {string.Join(", ", PolicyKeys.Concat(IntegrationKeys).Order(StringComparer.Ordinal))}.");
        }

        Only(section, IntegrationKeys).Bind(options, static binder => binder.ErrorOnUnknownConfiguration = true);
        Only(section, PolicyKeys).Bind(options.Policy, static binder => binder.ErrorOnUnknownConfiguration = true);
    }

    private static IConfiguration Only(IConfigurationSection section, HashSet<string> topLevelKeys)
    {
        var values = section.AsEnumerable(makePathsRelative: true)
            .Where(entry => entry.Value is not null && topLevelKeys.Contains(TopLevelKey(entry.Key)));
        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    private static string TopLevelKey(string path)
    {
        var separator = path.IndexOf(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
        return separator < 0 ? path : path[..separator];
    }

    private static HashSet<string> PropertyNames(Type type)
        => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(static property => property.CanWrite)
            .Select(static property => property.Name)
            .ToHashSet(StringComparer.OrdinalIgnoreCase);
}
