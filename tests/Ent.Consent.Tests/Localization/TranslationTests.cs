using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;

namespace Ent.Consent.Tests.Localization;

/// <summary>
/// Every text the library ships exists in every built-in language, with the same placeholders as the French. New
/// texts (a new property of <see cref="ConsentTextsDeclaration"/>, a new built-in service or cookie) are found by
/// reflection, so a text added in French and English only fails here with its key and the languages it lacks.
/// </summary>
public sealed partial class TranslationTests
{
    [Fact]
    public void Nine_languages_French_first()
        => Assert.Equal(["fr", "en", "de", "es", "it", "pt", "ar", "oc", "br"], LocalizedText.BuiltInCultures);

    [Fact]
    public void Every_consent_text_is_in_every_built_in_language()
    {
        var problems = Check(ConsentTextTexts(new ConsentTextsDeclaration()));
        Assert.True(problems.Count == 0, Report(problems));
    }

    [Fact]
    public void Every_built_in_service_cookie_and_purpose_text_is_in_every_built_in_language()
    {
        var problems = Check(CatalogueTexts());
        Assert.True(problems.Count == 0, Report(problems));
    }

    [Fact]
    public void The_check_names_the_key_and_the_language_that_is_missing()
    {
        // Proves the two tests above can fail, and that their message says what to translate.
        var texts = new ConsentTextsDeclaration();
        texts.AcceptAll.Remove("oc");
        texts.RefuseAll["br"] = "  ";
        texts.BlockedContent["de"] = "Blockiert: {service}.";

        var problems = Check(ConsentTextTexts(texts));

        Assert.Equal(
            [
                "ConsentTexts.AcceptAll: no text in 'oc'",
                "ConsentTexts.RefuseAll: no text in 'br'",
                "ConsentTexts.BlockedContent: 'de' has placeholders {service}, French has {provider}, {service}",
            ],
            problems);
    }

    [Fact]
    public void Every_translation_in_the_files_is_used()
    {
        // A French text changed in C# leaves its old translations behind: they would never show; translate the new one.
        var propertyNames = ConsentTextTexts(new ConsentTextsDeclaration()).Select(static t => t.Key["ConsentTexts.".Length..]).ToHashSet(StringComparer.Ordinal);
        var frenchCatalogue = CatalogueTexts().Select(static t => t.Text["fr"]).ToHashSet(StringComparer.Ordinal);
        var unused = BuiltInTranslations.AllKeys()
            .Where(k => k.Section == "texts" ? !propertyNames.Contains(k.Key) : !frenchCatalogue.Contains(k.Key))
            .Select(static k => $"Localization/{k.Language}.json {k.Section}: \"{k.Key}\"")
            .ToList();
        Assert.True(unused.Count == 0, "Translations of texts that no longer exist:\n" + string.Join("\n", unused));
    }

    [Theory]
    [InlineData("ar", "قبول الكل")]
    [InlineData("oc-FR", "Tot acceptar")]
    [InlineData("br", "Degemer an holl")]
    [InlineData("de-AT", "Alle akzeptieren")]
    [InlineData("ja", "Tout accepter")]
    public void A_compiled_policy_resolves_each_language_then_its_parent_then_French(string culture, string expected)
    {
        var policy = ConsentPolicy.Create(new ConsentPolicyOptions { Controllers = ["Lycée Victor-Hugo"], BuiltInServices = ["youtube"] });
        Assert.Equal(expected, policy.Texts.AcceptAll.Resolve(CultureInfo.GetCultureInfo(culture)));
    }

    [Fact]
    public void The_built_in_catalogue_is_translated_in_a_compiled_policy()
    {
        var policy = ConsentPolicy.Create(new ConsentPolicyOptions { Controllers = ["Lycée Victor-Hugo"], BuiltInServices = ["youtube"] });
        var youtube = policy.Services.Single(static s => s.Id == "youtube");
        Assert.Equal("Wiedergabe eingebetteter YouTube-Videos.", youtube.Description.Resolve(CultureInfo.GetCultureInfo("de")));
        Assert.Equal("YouTube", youtube.Name.Resolve(CultureInfo.GetCultureInfo("ar")));
    }

    [Fact]
    public void A_school_overrides_one_text_in_one_language_from_configuration_and_keeps_the_others()
    {
        var section = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Policy:Texts:BannerTitle:oc"] = "Los cookies del licèu",
            })
            .Build()
            .GetSection("Policy");
        var options = new ConsentPolicyOptions { Controllers = ["Lycée Victor-Hugo"] };
        section.Bind(options);

        var policy = ConsentPolicy.Create(options);
        var builtIn = ConsentPolicy.Create(new ConsentPolicyOptions { Controllers = ["Lycée Victor-Hugo"] });

        Assert.Equal("Los cookies del licèu", policy.Texts.BannerTitle["oc"]);
        foreach (var language in LocalizedText.BuiltInCultures.Where(static l => l != "oc"))
        {
            Assert.Equal(builtIn.Texts.BannerTitle[language], policy.Texts.BannerTitle[language]);
        }

        // The texts shown are part of the policy: changing one asks again.
        Assert.NotEqual(builtIn.Version, policy.Version);
    }

    private static List<(string Key, LocalizedTextDeclaration Text)> ConsentTextTexts(ConsentTextsDeclaration texts)
        => [.. typeof(ConsentTextsDeclaration).GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(static p => p.PropertyType == typeof(LocalizedTextDeclaration))
            .Select(p => ("ConsentTexts." + p.Name, (LocalizedTextDeclaration)p.GetValue(texts)!))];

    private static List<(string Key, LocalizedTextDeclaration Text)> CatalogueTexts()
    {
        var texts = new List<(string, LocalizedTextDeclaration)>();
        var services = BuiltInCatalogue.ServiceIds.Select(static id => BuiltInCatalogue.Find(id)!).Append(BuiltInCatalogue.ConsentCookieService("ent_consent"));
        foreach (var service in services)
        {
            AddTexts(texts, $"service '{service.Id}'", service);
            foreach (var cookie in service.Cookies)
            {
                AddTexts(texts, $"service '{service.Id}' cookie '{cookie.Name}' ({cookie.Domain ?? "host"})", cookie);
            }
        }

        foreach (var purpose in BuiltInCatalogue.Purposes)
        {
            AddTexts(texts, $"purpose '{purpose.Id}'", purpose);
        }

        Assert.True(texts.Count > 100, "The reflection found too few catalogue texts: " + texts.Count);
        return texts;
    }

    // Every LocalizedTextDeclaration property the declaration has a French text for (a justification may be absent).
    private static void AddTexts(List<(string, LocalizedTextDeclaration)> texts, string owner, object declaration)
    {
        foreach (var property in declaration.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(static p => p.PropertyType == typeof(LocalizedTextDeclaration)))
        {
            if (property.GetValue(declaration) is LocalizedTextDeclaration text && text.HasText)
            {
                texts.Add(($"{owner} {property.Name}", text));
            }
        }
    }

    private static List<string> Check(IEnumerable<(string Key, LocalizedTextDeclaration Text)> texts)
    {
        var problems = new List<string>();
        foreach (var (key, text) in texts)
        {
            var french = Placeholders(text.GetValueOrDefault("fr"));
            foreach (var language in LocalizedText.BuiltInCultures)
            {
                if (!text.TryGetValue(language, out var value) || string.IsNullOrWhiteSpace(value))
                {
                    problems.Add($"{key}: no text in '{language}'");
                }
                else if (Placeholders(value) is var found && found != french)
                {
                    problems.Add($"{key}: '{language}' has placeholders {found}, French has {french}");
                }
            }
        }

        return problems;
    }

    private static string Placeholders(string? text)
        => text is null ? string.Empty : string.Join(", ", PlaceholderPattern().Matches(text).Select(static m => m.Value).Order(StringComparer.Ordinal));

    private static string Report(List<string> problems)
        => $"{problems.Count} missing or broken translation(s); add them to src/Ent.Consent/Localization/<language>.json:\n" + string.Join("\n", problems);

    [GeneratedRegex(@"\{[a-z]+\}")]
    private static partial Regex PlaceholderPattern();
}
