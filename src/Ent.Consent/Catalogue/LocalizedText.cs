using System.Collections;
using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Ent.Consent;

/// <summary>
/// A text in several languages, keyed by culture name ("fr", "en", "fr-FR"), as compiled into a
/// <see cref="ConsentPolicy"/>: immutable. Declarations use <see cref="LocalizedTextDeclaration"/>, which binds from
/// configuration.
/// </summary>
public sealed class LocalizedText : IReadOnlyDictionary<string, string>
{
    /// <summary>The culture used when the requested one has no text: the library targets French portals.</summary>
    public const string DefaultCulture = "fr";

    private readonly FrozenDictionary<string, string> _texts;

    /// <summary>
    /// The languages every built-in text (widget, cookie page, catalogue) is written in: French, English, German,
    /// Spanish, Italian, Portuguese, Arabic, Occitan and Breton. Give them to <c>RequestLocalizationOptions</c> as
    /// supported UI cultures; French first, the fallback.
    /// </summary>
    public static IReadOnlyList<string> BuiltInCultures { get; } = Array.AsReadOnly<string>(["fr", "en", .. BuiltInTranslations.FileLanguages]);

    /// <summary>A text in French and, optionally, English.</summary>
    public LocalizedText(string french, string? english = null)
        : this(english is null ? [KeyValuePair.Create("fr", french)] : [KeyValuePair.Create("fr", french), KeyValuePair.Create("en", english)])
    {
    }

    /// <summary>A copy of <paramref name="texts"/> (culture name → text); later keys win over earlier ones differing only in case.</summary>
    public LocalizedText(IEnumerable<KeyValuePair<string, string>> texts)
    {
        ArgumentNullException.ThrowIfNull(texts);
        var copy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (culture, text) in texts)
        {
            if (culture is not null)
            {
                copy[culture] = text ?? string.Empty;
            }
        }

        _texts = copy.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>A text with no language.</summary>
    public static LocalizedText Empty { get; } = new([]);

    /// <summary>Whether at least one language has a non-blank text.</summary>
    public bool HasText => _texts.Values.Any(static text => !string.IsNullOrWhiteSpace(text));

    /// <inheritdoc />
    public int Count => _texts.Count;

    /// <summary>The culture names, in no particular order.</summary>
    public IEnumerable<string> Keys => _texts.Keys;

    /// <summary>The texts, in no particular order.</summary>
    public IEnumerable<string> Values => _texts.Values;

    /// <summary>The text for exactly this culture name (case-insensitive).</summary>
    /// <exception cref="KeyNotFoundException">There is no text for this culture name.</exception>
    public string this[string key] => _texts[key];

    /// <summary>
    /// The text for <paramref name="culture"/>: its exact name, then its parent cultures, then French, then any text.
    /// Returns an empty string when there is no text at all.
    /// </summary>
    public string Resolve(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        for (var current = culture; !string.IsNullOrEmpty(current.Name); current = current.Parent)
        {
            if (_texts.TryGetValue(current.Name, out var text))
            {
                return text;
            }
        }

        if (_texts.TryGetValue(DefaultCulture, out var french))
        {
            return french;
        }

        foreach (var text in _texts.Values)
        {
            return text;
        }

        return string.Empty;
    }

    /// <inheritdoc />
    public bool ContainsKey(string key) => _texts.ContainsKey(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, [MaybeNullWhen(false)] out string value) => _texts.TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, string>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, string>>)_texts).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    // Null when a declaration left the text out (configuration binding may set null): an empty text.
    internal static LocalizedText From(LocalizedTextDeclaration? declaration)
        => declaration is null || declaration.Count == 0 ? Empty : new LocalizedText(declaration);
}

/// <summary>
/// A text in several languages as declared, keyed by culture name ("fr", "en", "fr-FR"): mutable, and bound from
/// configuration as an object whose keys are culture names. Compiled into a <see cref="LocalizedText"/>.
/// </summary>
public sealed class LocalizedTextDeclaration : Dictionary<string, string>
{
    /// <summary>An empty text.</summary>
    public LocalizedTextDeclaration()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    /// <summary>A text in French and, optionally, English.</summary>
    public LocalizedTextDeclaration(string french, string? english = null)
        : this()
    {
        this["fr"] = french;
        if (english is not null)
        {
            this["en"] = english;
        }
    }

    /// <summary>Whether at least one language has a non-blank text.</summary>
    public bool HasText => Values.Any(static text => !string.IsNullOrWhiteSpace(text));
}
