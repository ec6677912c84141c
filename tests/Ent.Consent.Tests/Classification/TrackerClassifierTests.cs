using static Ent.Consent.Tests.SampleDeclarations;

namespace Ent.Consent.Tests.Classification;

public class TrackerClassifierTests
{
    private static TrackerClassifier Classifier(params ServiceDeclaration[] services) => ConsentPolicy.Create(Options(services)).Classifier;

    [Theory]
    [InlineData("unknown_tracker")]
    [InlineData("")]
    [InlineData("_pk_id")]
    [InlineData("vid2")]
    [InlineData("VID")]
    public void Unknown_cookie_is_consent_required_and_not_known(string name)
    {
        var classification = Classifier(ConsentRequired("videos", Cookie("vid")), Essential()).Classify(name);

        Assert.Equal(ServiceCategory.ConsentRequired, classification.Category);
        Assert.False(classification.IsKnown);
        Assert.Null(classification.Service);
        Assert.Null(classification.Cookie);
        Assert.Empty(classification.Services);
        Assert.Same(TrackerClassification.Unknown, classification);
    }

    [Fact]
    public void The_consent_cookie_is_essential()
    {
        var classification = Classifier(ConsentRequired()).Classify("ent_consent");

        Assert.Equal(ServiceCategory.Essential, classification.Category);
        Assert.Equal(ConsentPolicy.ConsentServiceId, classification.Service!.Id);
    }

    [Fact]
    public void Exact_name_matches_only_that_name()
    {
        var classifier = Classifier(Essential("login", Cookie("SESSION")));

        Assert.Equal(ServiceCategory.Essential, classifier.Classify("SESSION").Category);
        Assert.False(classifier.Classify("SESSION2").IsKnown);
        Assert.False(classifier.Classify("SESSIO").IsKnown);
    }

    [Fact]
    public void Prefix_matches_every_name_that_starts_with_it()
    {
        var stats = ExemptAudience("stats");
        stats.Cookies = [Cookie("_pk_id.*", "P13M")];
        var classifier = Classifier(stats);

        var classification = classifier.Classify("_pk_id.1.abc");

        Assert.Equal(ServiceCategory.ExemptAudience, classification.Category);
        Assert.Equal("stats", classification.Service!.Id);
        Assert.Equal("_pk_id.*", classification.Cookie!.Name);
        Assert.True(classifier.Classify("_pk_id.").IsKnown);
        Assert.False(classifier.Classify("_pk_id").IsKnown);
        Assert.False(classifier.Classify("_pk_ses.1.abc").IsKnown);
    }

    [Fact]
    public void An_exact_name_wins_over_a_prefix_that_also_matches()
    {
        var classifier = Classifier(
            ConsentRequired("catch-all", Cookie("_app*")),
            Essential("login", Cookie("_app_session")));

        Assert.Equal("login", classifier.Classify("_app_session").Service!.Id);
        Assert.Equal("catch-all", classifier.Classify("_app_other").Service!.Id);
    }

    [Fact]
    public void The_longest_matching_prefix_wins()
    {
        var stats = ExemptAudience("stats");
        stats.Cookies = [Cookie("_pk_id.*", "P13M")];
        var classifier = Classifier(ConsentRequired("matomo-all", Cookie("_pk_*")), stats);

        Assert.Equal("stats", classifier.Classify("_pk_id.1.abc").Service!.Id);
        Assert.Equal(ServiceCategory.ExemptAudience, classifier.Classify("_pk_id.1.abc").Category);
        Assert.Equal("matomo-all", classifier.Classify("_pk_ses.1.abc").Service!.Id);
    }

    [Fact]
    public void Names_are_matched_case_sensitively_as_browsers_do()
    {
        var classifier = Classifier(ConsentRequired("videos", Cookie("Vid"), Cookie("Pre*")));

        Assert.True(classifier.Classify("Vid").IsKnown);
        Assert.False(classifier.Classify("vid").IsKnown);
        Assert.True(classifier.Classify("Prefs").IsKnown);
        Assert.False(classifier.Classify("prefs").IsKnown);
    }

    [Theory]
    [InlineData("youtube.com")]
    [InlineData(".youtube.com")]
    [InlineData("www.youtube.com")]
    [InlineData("WWW.YouTube.com")]
    [InlineData("m.www.youtube.com")]
    public void Domain_matches_the_declared_domain_and_its_subdomains(string domain)
    {
        var classifier = Classifier(ConsentRequired("yt", Cookie("YSC", domain: ".youtube.com")));

        var classification = classifier.Classify("YSC", domain);

        Assert.True(classification.IsKnown);
        Assert.Equal("yt", classification.Service!.Id);
    }

    [Theory]
    [InlineData("notyoutube.com")]
    [InlineData("youtube.com.evil.example")]
    [InlineData("youtube.co")]
    [InlineData("outube.com")]
    public void Domain_that_only_looks_like_the_declared_one_does_not_match(string domain)
    {
        var classifier = Classifier(ConsentRequired("yt", Cookie("YSC", domain: ".youtube.com")));

        var classification = classifier.Classify("YSC", domain);

        Assert.False(classification.IsKnown);
        Assert.Equal(ServiceCategory.ConsentRequired, classification.Category);
    }

    [Fact]
    public void Declaration_without_domain_matches_any_domain()
    {
        var classifier = Classifier(Essential("login", Cookie("SESSION")));

        Assert.True(classifier.Classify("SESSION", "portal.example.fr").IsKnown);
        Assert.True(classifier.Classify("SESSION", "anything.example").IsKnown);
    }

    [Fact]
    public void The_same_name_on_two_domains_belongs_to_the_service_of_each_domain()
    {
        var classifier = Classifier(
            ConsentRequired("x-com", Cookie("guest_id", domain: ".x.com")),
            ConsentRequired("twitter", Cookie("guest_id", domain: "twitter.com")));

        Assert.Equal("x-com", classifier.Classify("guest_id", "x.com").Service!.Id);
        Assert.Equal("twitter", classifier.Classify("guest_id", "platform.twitter.com").Service!.Id);
        Assert.Single(classifier.Classify("guest_id", "x.com").Services);
    }

    [Fact]
    public void A_cookie_declared_by_an_exempt_and_a_consent_required_service_takes_the_strictest_category()
    {
        var stats = ExemptAudience("stats");
        stats.Cookies = [Cookie("_shared", "P13M")];
        var ads = ConsentRequired("ads", Cookie("_shared", "P13M"));
        ads.Purpose = "advertising";

        foreach (var classifier in new[] { Classifier(stats, ads), Classifier(ads, stats) })
        {
            var classification = classifier.Classify("_shared");

            Assert.Equal(ServiceCategory.ConsentRequired, classification.Category);
            Assert.Equal("ads", classification.Service!.Id);
            Assert.Equal(["ads", "stats"], classification.Services.Select(static s => s.Id));
        }
    }

    [Fact]
    public void A_cookie_declared_by_an_essential_and_an_exempt_service_is_exempt()
    {
        var stats = ExemptAudience("stats");
        stats.Cookies = [Cookie("shared", "P13M")];

        var classification = Classifier(Essential("login", Cookie("shared")), stats).Classify("shared");

        Assert.Equal(ServiceCategory.ExemptAudience, classification.Category);
        Assert.Equal("stats", classification.Service!.Id);
    }

    [Fact]
    public void Without_a_domain_every_declaration_of_the_name_counts()
    {
        // A request's Cookie header carries no domain: the strictest of every declaration applies.
        var classifier = Classifier(
            Essential("login", Cookie("token", domain: "portal.example.fr")),
            ConsentRequired("partner", Cookie("token", domain: "partner.example")));

        var requestSide = classifier.Classify("token");

        Assert.Equal(ServiceCategory.ConsentRequired, requestSide.Category);
        Assert.Equal(["partner", "login"], requestSide.Services.Select(static s => s.Id));
        Assert.Equal(ServiceCategory.Essential, classifier.Classify("token", "portal.example.fr").Category);
        Assert.Equal(ServiceCategory.ConsentRequired, classifier.Classify("token", "partner.example").Category);
        Assert.False(classifier.Classify("token", "elsewhere.example").IsKnown);
    }

    [Fact]
    public void A_domain_declaration_is_merged_with_domain_less_declarations_of_the_same_name()
    {
        var classifier = Classifier(
            Essential("login", Cookie("token")),
            ConsentRequired("partner", Cookie("token", domain: "partner.example")));

        Assert.Equal(ServiceCategory.ConsentRequired, classifier.Classify("token", "partner.example").Category);
        Assert.Equal(ServiceCategory.Essential, classifier.Classify("token", "portal.example.fr").Category);
    }

    [Fact]
    public void Span_and_string_overloads_agree()
    {
        var classifier = Classifier(ConsentRequired("yt", Cookie("YSC", domain: ".youtube.com")));

        Assert.Same(classifier.Classify("YSC", "www.youtube.com"), classifier.Classify("YSC".AsSpan(), "www.youtube.com".AsSpan()));
        Assert.Same(classifier.Classify("YSC"), classifier.Classify("YSC".AsSpan(), []));
        Assert.Throws<ArgumentNullException>(() => classifier.Classify(null!));
    }

    [Fact]
    public void Classifying_allocates_nothing()
    {
        var options = Options(ExemptAudience(), ConsentRequired("yt", Cookie("YSC", domain: ".youtube.com"), Cookie("PREF*")), Essential());
        options.BuiltInServices.AddRange(["matomo", "google-analytics", "youtube", "x-twitter", "aspnetcore", "ent-session"]);
        var classifier = ConsentPolicy.Create(options).Classifier;
        (string Name, string? Domain)[] cookies =
        [
            ("YSC", "www.youtube.com"), ("YSC", null), ("YSC", "notyoutube.com"), ("_pk_id.1.abc", null), ("_ga_ABC", ".example.fr"),
            ("_ga", null), ("JSESSIONID", "ent.example.fr"), ("ent_consent", null), ("unknown", null), ("unknown", "example.fr"),
            (".AspNetCore.Antiforgery.xyz", null), ("guest_id", "x.com"), ("guest_id", "twitter.com"), ("PREFS", null),
        ];
        var expected = new ServiceCategory[cookies.Length];
        for (var i = 0; i < cookies.Length; i++)
        {
            expected[i] = classifier.Classify(cookies[i].Name, cookies[i].Domain).Category;
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        var mismatches = 0;
        for (var round = 0; round < 10_000; round++)
        {
            for (var i = 0; i < cookies.Length; i++)
            {
                if (classifier.Classify(cookies[i].Name, cookies[i].Domain).Category != expected[i])
                {
                    mismatches++;
                }
            }
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, mismatches);
        Assert.Equal(0, allocated);
    }
}
