using System.Globalization;
using static Ent.Consent.Tests.SampleDeclarations;

namespace Ent.Consent.Tests.Policy;

public class PolicyVersionTests
{
    private static ConsentPolicyOptions Declared()
    {
        var youtube = ConsentRequired("videos", Cookie("vid", "P6M", ".videos.example"), Cookie("vid_pref*", "P1Y"));
        youtube.Hosts = ["videos.example", "cdn.videos.example"];
        youtube.StorageKeys = ["vid-*", "vid-player"];
        var options = Options(Essential(), ExemptAudience(), youtube);
        options.BuiltInServices = ["dailymotion", "aspnetcore"];
        options.Purposes = [new PurposeDeclaration { Id = "pedagogy", Name = new("Pédagogie", "Pedagogy"), Description = new("Ressources.", "Resources.") }];
        return options;
    }

    private static readonly Dictionary<string, Action<ConsentPolicyOptions>> Changes = new()
    {
        ["banner title"] = static o => o.Texts.BannerTitle["fr"] = "Cookies",
        ["banner body in English only"] = static o => o.Texts.BannerBody["en"] += " ",
        ["new language for a text"] = static o => o.Texts.AcceptAll["nl"] = "Alles accepteren",
        ["refuse button"] = static o => o.Texts.RefuseAll["fr"] = "Refuser",
        ["service description"] = static o => o.Services[2].Description["fr"] = "Des vidéos.",
        ["service name"] = static o => o.Services[2].Name["en"] = "Clips",
        ["service provider"] = static o => o.Services[2].Provider = "Autre hébergeur",
        ["service category"] = static o => o.Services[1].Category = ServiceCategory.ConsentRequired,
        ["service justification"] = static o => o.Services[0].Justification["fr"] = "Connexion sécurisée.",
        ["cookie lifetime"] = static o => o.Services[2].Cookies[0].Lifetime = CalendarPeriod.FromMonths(5),
        ["cookie becomes session"] = static o => o.Services[2].Cookies[0].Lifetime = null,
        ["cookie name"] = static o => o.Services[2].Cookies[0].Name = "vid2",
        ["cookie domain"] = static o => o.Services[2].Cookies[0].Domain = ".videos2.example",
        ["cookie description"] = static o => o.Services[2].Cookies[0].Description["fr"] = "Autre",
        ["cookie added"] = static o => o.Services[2].Cookies.Add(Cookie("another")),
        ["host added"] = static o => o.Services[2].Hosts.Add("player.videos.example"),
        ["storage key"] = static o => o.Services[2].StorageKeys[0] = "video-*",
        ["purpose name"] = static o => o.Purposes[0].Name["fr"] = "Ressources pédagogiques",
        ["built-in purpose overridden"] = static o => o.Purposes.Add(new PurposeDeclaration { Id = "video", Name = new("Vidéos") }),
        ["controllers"] = static o => o.Controllers[1] = "L'académie de Montpellier",
        ["controller added"] = static o => o.Controllers.Add("Le collège Jean Moulin"),
        ["choice validity"] = static o => o.ChoiceValidity = CalendarPeriod.FromMonths(12),
        ["consent cookie name"] = static o => o.ConsentCookieName = "choix",
        ["joint consent, any guardian"] = static o => o.JointConsent = JointConsentRule.AnyGuardian,
        ["joint consent, every guardian"] = static o => o.JointConsent = JointConsentRule.EveryGuardian,
        ["built-in service added"] = static o => o.BuiltInServices.Add("vimeo"),
        ["privacy policy"] = static o => o.Services[2].PrivacyPolicyUrl = new Uri("https://videos.example/privacy"),
        ["legal basis"] = static o => o.Services[2].LegalBasis = LegalBasis.PublicInterest,
        ["data retention"] = static o => o.Services[1].Exemption = o.Services[1].Exemption! with { DataRetention = CalendarPeriod.FromMonths(24) },
        ["exempt configuration"] = static o => o.Services[1].Exemption = o.Services[1].Exemption! with { Configuration = "IP truncated to three bytes." },
    };

    public static TheoryData<string> ChangeNames => new(Changes.Keys);

    [Fact]
    public void Version_is_16_lowercase_hexadecimal_characters()
    {
        Assert.Matches("^[0-9a-f]{16}$", ConsentPolicy.Create(Declared()).Version);
    }

    [Fact]
    public void Two_builds_of_equal_options_have_the_same_version()
    {
        Assert.Equal(ConsentPolicy.Create(Declared()).Version, ConsentPolicy.Create(Declared()).Version);
    }

    [Fact]
    public void Declaration_order_does_not_change_the_version()
    {
        var reordered = Declared();
        reordered.Services.Reverse();
        reordered.BuiltInServices.Reverse();
        reordered.Services[0].Cookies.Reverse();
        reordered.Services[0].Hosts.Reverse();
        reordered.Services[0].StorageKeys.Reverse();
        foreach (var service in reordered.Services)
        {
            service.Name = Reversed(service.Name);
            service.Description = Reversed(service.Description);
        }

        reordered.Texts.BannerTitle = Reversed(reordered.Texts.BannerTitle);

        Assert.Equal(ConsentPolicy.Create(Declared()).Version, ConsentPolicy.Create(reordered).Version);

        static LocalizedTextDeclaration Reversed(LocalizedTextDeclaration text)
        {
            var copy = new LocalizedTextDeclaration();
            foreach (var (culture, value) in text.Reverse())
            {
                copy[culture.ToUpperInvariant()] = value;
            }

            return copy;
        }
    }

    [Fact]
    public void Exemption_attestations_in_any_order_give_the_same_version()
    {
        ConsentPolicyOptions WithExemptions(params string[] order)
        {
            var options = Options();
            options.BuiltInServices = ["matomo-exempt", "dnma-exempt"];
            foreach (var id in order)
            {
                options.Exemptions[id] = FullAttestation();
            }

            return options;
        }

        Assert.Equal(
            ConsentPolicy.Create(WithExemptions("matomo-exempt", "dnma-exempt")).Version,
            ConsentPolicy.Create(WithExemptions("dnma-exempt", "matomo-exempt")).Version);
    }

    [Fact]
    public void The_current_culture_does_not_change_the_version()
    {
        var original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("fr-FR");
            var french = ConsentPolicy.Create(Declared()).Version;
            CultureInfo.CurrentCulture = new CultureInfo("tr-TR");
            var turkish = ConsentPolicy.Create(Declared()).Version;
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

            Assert.Equal(french, turkish);
            Assert.Equal(french, ConsentPolicy.Create(Declared()).Version);
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }
    }

    [Fact]
    public void Version_of_a_fixed_policy_is_the_same_on_every_machine_and_run()
    {
        // Pins the canonical form. If this fails after a deliberate change of what the version covers (a new text, a
        // new built-in cookie), every user will be asked again: update the value knowingly, never to make CI pass.
        var options = Options(Essential(), ExemptAudience(), ConsentRequired());
        options.Texts = FixedTexts();

        // The built-in ent-consent service declares the {ConsentCookieName}_audience (ADR 0005) and _account cookies, and the
        // widget's cookie-page texts (CategoryLabel … LegalBasisLegitimateInterests) are part of ConsentTexts; so is the
        // placeholder's ReviewChoices, and the built-in service's texts are in the nine languages of BuiltInCultures.
        Assert.Equal("b1e99d38ed500733", ConsentPolicy.Create(options).Version);
    }

    [Theory]
    [MemberData(nameof(ChangeNames))]
    public void Any_change_to_what_the_user_is_shown_changes_the_version(string change)
    {
        var before = ConsentPolicy.Create(Declared()).Version;
        var options = Declared();

        Changes[change](options);

        Assert.NotEqual(before, ConsentPolicy.Create(options).Version);
    }

    [Fact]
    public void Every_change_gives_a_distinct_version()
    {
        var versions = Changes.Values.Select(change =>
        {
            var options = Declared();
            change(options);
            return ConsentPolicy.Create(options).Version;
        }).Append(ConsentPolicy.Create(Declared()).Version).ToList();

        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    [Fact]
    public void A_reviewer_note_does_not_change_the_version()
    {
        var options = Declared();
        options.Services[2].Source = "Observed on the vendor's demo page.";

        Assert.Equal(ConsentPolicy.Create(Declared()).Version, ConsentPolicy.Create(options).Version);
    }

    [Fact]
    public void Texts_hash_differs_by_culture_and_is_stable()
    {
        var policy = ConsentPolicy.Create(Declared());

        var french = policy.GetTextsHash(new CultureInfo("fr-FR"));
        var english = policy.GetTextsHash(new CultureInfo("en"));

        Assert.Matches("^[0-9a-f]{64}$", french);
        Assert.NotEqual(french, english);
        Assert.Equal(french, policy.GetTextsHash(new CultureInfo("fr-FR")));
        Assert.Equal(french, ConsentPolicy.Create(Declared()).GetTextsHash(new CultureInfo("fr-FR")));
    }

    [Fact]
    public void Texts_hash_changes_with_a_text_of_its_language_only_through_the_version()
    {
        var options = Declared();
        options.Texts.BannerTitle["en"] = "Cookies";

        var before = ConsentPolicy.Create(Declared());
        var after = ConsentPolicy.Create(options);

        // The English hash covers the English text; the French one changes too, because it includes the version.
        Assert.NotEqual(before.GetTextsHash(new CultureInfo("en")), after.GetTextsHash(new CultureInfo("en")));
        Assert.NotEqual(before.GetTextsHash(new CultureInfo("fr")), after.GetTextsHash(new CultureInfo("fr")));
    }

    [Fact]
    public void A_culture_without_texts_falls_back_to_french()
    {
        var policy = ConsentPolicy.Create(Declared());

        Assert.Equal("Vos choix sur les cookies", policy.Texts.BannerTitle.Resolve(new CultureInfo("nl-NL")));
        Assert.Equal("Your choices about cookies", policy.Texts.BannerTitle.Resolve(new CultureInfo("en-GB")));
    }

    private static ConsentTextsDeclaration FixedTexts()
    {
        var texts = new ConsentTextsDeclaration();
        foreach (var property in typeof(ConsentTextsDeclaration).GetProperties())
        {
            property.SetValue(texts, new LocalizedTextDeclaration($"Texte {property.Name}", $"Text {property.Name}"));
        }

        return texts;
    }
}
