using System.Collections.Frozen;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Ent.Consent;

/// <summary>
/// The library's own translations beyond French and English, one embedded JSON file per language
/// (<c>Localization/xx.json</c>): <c>texts</c> keyed by the <see cref="ConsentTextsDeclaration"/> property name,
/// <c>catalogue</c> keyed by the French source text of a built-in service, cookie or purpose. French and English stay in
/// the C# declarations, next to the rest of each declaration; the files are merged into the declarations when they are
/// created, so a host's override of one language replaces exactly that language.
/// </summary>
/// <remarks>
/// Keying the catalogue by its French text makes a changed French text drop its translations (the missing-string test
/// then names it), instead of showing a translation of the old wording.
/// </remarks>
internal static class BuiltInTranslations
{
    /// <summary>The languages the files add, after "fr" and "en".</summary>
    internal static readonly string[] FileLanguages = ["de", "es", "it", "pt", "ar", "oc", "br"];

    private static readonly Lazy<FrozenDictionary<string, Translation>> Files = new(Load);

    /// <summary>A text declared in French and English, with every built-in translation of the property <paramref name="key"/>.</summary>
    public static LocalizedTextDeclaration Text(string key, string french, string english)
    {
        var text = new LocalizedTextDeclaration(french, english);
        foreach (var (language, translation) in Files.Value)
        {
            if (translation.Texts.TryGetValue(key, out var value))
            {
                text[language] = value;
            }
        }

        return text;
    }

    /// <summary>
    /// A catalogue text declared in French and English, with every built-in translation of <paramref name="french"/>.
    /// A proper name (the same in French and English: "YouTube") is the same in every language.
    /// </summary>
    public static LocalizedTextDeclaration Catalogue(string french, string english)
    {
        var text = new LocalizedTextDeclaration(french, english);
        foreach (var (language, translation) in Files.Value)
        {
            if (translation.Catalogue.TryGetValue(french, out var value))
            {
                text[language] = value;
            }
            else if (string.Equals(french, english, StringComparison.Ordinal))
            {
                text[language] = french;
            }
        }

        return text;
    }

    /// <summary>Every key of every file, for the test that finds translations nothing uses any more.</summary>
    internal static IEnumerable<(string Language, string Section, string Key)> AllKeys()
        => Files.Value.SelectMany(static file => file.Value.Texts.Keys.Select(key => (file.Key, "texts", key))
            .Concat(file.Value.Catalogue.Keys.Select(key => (file.Key, "catalogue", key))));

    private static FrozenDictionary<string, Translation> Load()
    {
        var assembly = typeof(BuiltInTranslations).Assembly;
        var files = new Dictionary<string, Translation>(StringComparer.OrdinalIgnoreCase);
        foreach (var language in FileLanguages)
        {
            var name = $"Ent.Consent.Localization.{language}.json";
            using var stream = assembly.GetManifestResourceStream(name)
                ?? throw new InvalidOperationException($"The embedded translation '{name}' is missing from Ent.Consent.");
            var sections = JsonSerializer.Deserialize(stream, TranslationJsonContext.Default.DictionaryStringDictionaryStringString)
                ?? throw new InvalidOperationException($"The embedded translation '{name}' is empty.");
            files[language] = new Translation(
                (sections.GetValueOrDefault("texts") ?? []).ToFrozenDictionary(StringComparer.Ordinal),
                (sections.GetValueOrDefault("catalogue") ?? []).ToFrozenDictionary(StringComparer.Ordinal));
        }

        return files.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    private sealed record Translation(FrozenDictionary<string, string> Texts, FrozenDictionary<string, string> Catalogue);
}

[JsonSerializable(typeof(Dictionary<string, Dictionary<string, string>>))]
[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
internal sealed partial class TranslationJsonContext : JsonSerializerContext;
