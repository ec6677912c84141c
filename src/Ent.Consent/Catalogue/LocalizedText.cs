using System.Globalization;

namespace Ent.Consent;

/// <summary>
/// A text in several languages, keyed by culture name ("fr", "en", "fr-FR"). Binds from configuration as an object
/// whose keys are culture names.
/// </summary>
public sealed class LocalizedText : Dictionary<string, string>
{
    /// <summary>The culture used when the requested one has no text: the library targets French portals.</summary>
    public const string DefaultCulture = "fr";

    /// <summary>An empty text.</summary>
    public LocalizedText()
        : base(StringComparer.OrdinalIgnoreCase)
    {
    }

    /// <summary>A text in French and, optionally, English.</summary>
    public LocalizedText(string french, string? english = null)
        : this()
    {
        this["fr"] = french;
        if (english is not null)
        {
            this["en"] = english;
        }
    }

    /// <summary>
    /// The text for <paramref name="culture"/>: its exact name, then its parent cultures, then French, then any text.
    /// Returns an empty string when there is no text at all.
    /// </summary>
    public string Resolve(CultureInfo culture)
    {
        ArgumentNullException.ThrowIfNull(culture);
        for (var current = culture; !string.IsNullOrEmpty(current.Name); current = current.Parent)
        {
            if (TryGetValue(current.Name, out var text))
            {
                return text;
            }
        }

        if (TryGetValue(DefaultCulture, out var french))
        {
            return french;
        }

        foreach (var text in Values)
        {
            return text;
        }

        return string.Empty;
    }

    /// <summary>Whether at least one language has a non-blank text.</summary>
    public bool HasText => Values.Any(static text => !string.IsNullOrWhiteSpace(text));

    /// <summary>A copy that does not share storage with this one.</summary>
    public LocalizedText Clone()
    {
        var copy = new LocalizedText();
        foreach (var (culture, text) in this)
        {
            copy[culture] = text;
        }

        return copy;
    }
}
