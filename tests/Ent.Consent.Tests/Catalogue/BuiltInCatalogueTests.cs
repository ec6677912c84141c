using static Ent.Consent.Tests.SampleDeclarations;

namespace Ent.Consent.Tests.Catalogue;

public class BuiltInCatalogueTests
{
    public static TheoryData<string> ServiceIds => new(BuiltInCatalogue.ServiceIds.Order(StringComparer.Ordinal));

    private static ConsentPolicyOptions Including(params string[] ids)
    {
        var options = Options();
        options.BuiltInServices.AddRange(ids);
        foreach (var id in ids.Where(static id => BuiltInCatalogue.Find(id)!.Category == ServiceCategory.ExemptAudience))
        {
            options.Exemptions[id] = FullAttestation();
        }

        return options;
    }

    [Theory]
    [MemberData(nameof(ServiceIds))]
    public void Every_built_in_service_passes_validation_when_included(string id)
    {
        var options = Including(id);

        Assert.Empty(ConsentPolicy.Validate(options));
        var service = ConsentPolicy.Create(options).FindService(id)!;
        Assert.Equal(BuiltInCatalogue.Find(id)!.Category, service.Category);
    }

    [Fact]
    public void Every_built_in_service_can_be_included_together()
    {
        var policy = ConsentPolicy.Create(Including([.. BuiltInCatalogue.ServiceIds]));

        Assert.Equal(BuiltInCatalogue.ServiceIds.Count + 1, policy.Services.Count);
    }

    [Theory]
    [MemberData(nameof(ServiceIds))]
    public void Every_built_in_service_says_where_its_names_come_from_and_is_named_in_french_and_english(string id)
    {
        var service = BuiltInCatalogue.Find(id)!;

        Assert.Equal(id, service.Id);
        Assert.False(string.IsNullOrWhiteSpace(service.Source));
        Assert.False(string.IsNullOrWhiteSpace(service.Name["fr"]));
        Assert.False(string.IsNullOrWhiteSpace(service.Name["en"]));
        Assert.False(string.IsNullOrWhiteSpace(service.Description["fr"]));
        Assert.False(string.IsNullOrWhiteSpace(service.Description["en"]));
        Assert.False(string.IsNullOrWhiteSpace(service.Provider));
        Assert.All(service.Cookies, static cookie =>
        {
            Assert.False(string.IsNullOrWhiteSpace(cookie.Description["fr"]));
            Assert.False(string.IsNullOrWhiteSpace(cookie.Description["en"]));
        });
        Assert.True(service.Cookies.Count + service.StorageKeys.Count > 0, $"{id} declares no tracker.");
    }

    [Fact]
    public void Built_in_ids_are_unique_and_valid()
    {
        var ids = BuiltInCatalogue.ServiceIds.ToList();

        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(ConsentPolicy.ConsentServiceId, ids);
        Assert.All(ids, static id => Assert.Matches("^[a-z0-9][a-z0-9-]*$", id));
    }

    [Fact]
    public void Built_in_purposes_are_named_in_french_and_english()
    {
        Assert.Equal(BuiltInCatalogue.Purposes.Count, BuiltInCatalogue.Purposes.Select(static p => p.Id).Distinct().Count());
        Assert.All(BuiltInCatalogue.Purposes, static purpose =>
        {
            Assert.False(string.IsNullOrWhiteSpace(purpose.Name["fr"]));
            Assert.False(string.IsNullOrWhiteSpace(purpose.Name["en"]));
        });
    }

    [Theory]
    [InlineData("matomo-exempt")]
    [InlineData("dnma-exempt")]
    public void Exempt_profiles_ship_their_configuration_but_attest_nothing(string id)
    {
        var service = BuiltInCatalogue.Find(id)!;

        Assert.Equal(ServiceCategory.ExemptAudience, service.Category);
        Assert.False(string.IsNullOrWhiteSpace(service.Exemption!.Configuration));
        Assert.All(Enum.GetValues<ExemptionCondition>(), condition => Assert.False(service.Exemption.IsAttested(condition)));
        Assert.All(service.Cookies, static cookie => Assert.True(cookie.Lifetime is null || cookie.Lifetime.Value.IsWithin(RegulatoryDurations.ExemptAudienceCookieMaxLifetime)));
    }

    [Fact]
    public void Dnma_is_consent_required_by_default_and_lists_its_cookies()
    {
        var dnma = BuiltInCatalogue.Find("dnma")!;

        Assert.Equal(ServiceCategory.ConsentRequired, dnma.Category);
        foreach (var name in new[] { "atid", "xtidc", "pa_vid", "_pcid", "_pprv", "pa_privacy", "pa_user", "_pctx", "_pcus" })
        {
            Assert.Contains(dnma.Cookies, cookie => cookie.Name == name);
        }
    }

    [Theory]
    [InlineData("ent-session", "JSESSIONID", ServiceCategory.Essential)]
    [InlineData("ent-session", "SERVERID", ServiceCategory.Essential)]
    [InlineData("ent-session", "CASTGC", ServiceCategory.Essential)]
    [InlineData("aspnetcore", ".AspNetCore.Antiforgery.Ab12", ServiceCategory.Essential)]
    [InlineData("aspnetcore", ".AspNetCore.Cookies", ServiceCategory.Essential)]
    [InlineData("aspnetcore", ".AspNetCore.CookiesC1", ServiceCategory.Essential)]
    [InlineData("aspnetcore", ".AspNetCore.Session", ServiceCategory.Essential)]
    [InlineData("matomo", "_pk_id.1.f00d", ServiceCategory.ConsentRequired)]
    [InlineData("matomo-exempt", "_pk_ses.1.f00d", ServiceCategory.ExemptAudience)]
    [InlineData("matomo", "mtm_consent_removed", ServiceCategory.ConsentRequired)] // written by forgetConsentGiven, which the widget calls
    [InlineData("matomo-exempt", "mtm_consent", ServiceCategory.ExemptAudience)]
    [InlineData("google-analytics", "_ga", ServiceCategory.ConsentRequired)]
    [InlineData("google-analytics", "_ga_ABC123", ServiceCategory.ConsentRequired)]
    [InlineData("youtube", "VISITOR_INFO1_LIVE", ServiceCategory.ConsentRequired)]
    [InlineData("dnma", "pa_vid", ServiceCategory.ConsentRequired)]
    [InlineData("dnma-exempt", "atid", ServiceCategory.ExemptAudience)]
    public void Built_in_cookies_classify_to_their_service(string id, string cookie, ServiceCategory category)
    {
        var classification = ConsentPolicy.Create(Including(id)).Classifier.Classify(cookie);

        Assert.Equal(id, classification.Service!.Id);
        Assert.Equal(category, classification.Category);
    }

    [Fact]
    public void Find_returns_a_fresh_copy_each_time()
    {
        var first = BuiltInCatalogue.Find("youtube")!;
        first.Cookies.Clear();

        Assert.NotEmpty(BuiltInCatalogue.Find("youtube")!.Cookies);
        Assert.Null(BuiltInCatalogue.Find("unknown"));
        Assert.False(BuiltInCatalogue.Contains("unknown"));
    }
}
