using Ent.Consent;
using Microsoft.Extensions.DependencyInjection;

namespace Publisher.Tests;

/// <summary>
/// The packages, installed from the local feed like any NuGet package, enforce the publisher's own catalogue.
/// </summary>
public sealed class PublisherConsentTests(PublisherServer server) : IClassFixture<PublisherServer>
{
    [Fact]
    public async Task First_visit_shows_the_banner_and_sets_no_consent_required_cookie()
    {
        using var visitor = server.NewVisitor();

        await visitor.GetAsync("/chapitre/1");

        Assert.Contains("data-ent-consent-banner", visitor.LastPage, StringComparison.Ordinal);
        Assert.Contains("edx_session", visitor.LastSetCookies.Keys);
        Assert.Contains("edx_audience", visitor.LastSetCookies.Keys);
        Assert.DoesNotContain("edx_reco", visitor.LastSetCookies.Keys);
        Assert.DoesNotContain("edx_consent", visitor.LastSetCookies.Keys);
    }

    [Fact]
    public async Task Accepting_all_lets_the_recommendation_cookie_through()
    {
        using var visitor = server.NewVisitor();
        await visitor.GetAsync("/");

        var choice = await visitor.ChooseAsync("""{"action":"accept-all"}""");
        Assert.Equal(200, (int)choice.StatusCode);
        Assert.Contains("edx_consent", visitor.Cookies.Keys);

        await visitor.GetAsync("/chapitre/2");
        Assert.Equal("2", visitor.LastSetCookies["edx_reco"].Value.Value);
        Assert.DoesNotContain("data-ent-consent-banner", visitor.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refusing_all_keeps_the_recommendation_cookie_out()
    {
        using var visitor = server.NewVisitor();
        await visitor.GetAsync("/");

        var choice = await visitor.ChooseAsync("""{"action":"refuse-all"}""");
        Assert.Equal(200, (int)choice.StatusCode);

        await visitor.GetAsync("/chapitre/1");
        Assert.DoesNotContain("edx_reco", visitor.LastSetCookies.Keys);
        Assert.Contains("edx_session", visitor.LastSetCookies.Keys);
        Assert.DoesNotContain("data-ent-consent-banner", visitor.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Withdrawing_recommendations_expires_their_cookie()
    {
        using var visitor = server.NewVisitor();
        await visitor.GetAsync("/");
        await visitor.ChooseAsync("""{"action":"accept-all"}""");
        await visitor.GetAsync("/chapitre/1");
        Assert.Contains("edx_reco", visitor.Cookies.Keys);

        var withdrawal = await visitor.ChooseAsync("""{"action":"save","channel":"preferenceCentre","services":{"edx-recommendations":false}}""");

        Assert.Equal(200, (int)withdrawal.StatusCode);
        Assert.DoesNotContain("edx_reco", visitor.Cookies.Keys);
        await visitor.GetAsync("/chapitre/2");
        Assert.DoesNotContain("edx_reco", visitor.LastSetCookies.Keys);
    }

    [Fact]
    public async Task Audience_cookie_asked_for_two_years_ends_13_months_after_its_first_deposit()
    {
        using var visitor = server.NewVisitor();
        await visitor.GetAsync("/");
        var first = visitor.LastSetCookies["edx_audience"];
        await Task.Delay(TimeSpan.FromSeconds(1.1));
        await visitor.GetAsync("/chapitre/1");
        var second = visitor.LastSetCookies["edx_audience"];

        Assert.NotNull(first.Expires);
        Assert.True(first.Expires <= DateTimeOffset.UtcNow.AddMonths(13), $"edx_audience expires {first.Expires}");
        Assert.Equal(first.Expires, second.Expires);
    }

    [Fact]
    public async Task Cookie_page_lists_the_publisher_catalogue()
    {
        using var visitor = server.NewVisitor();

        await visitor.GetAsync("/cookies");

        Assert.Contains("edx_session", visitor.LastPage, StringComparison.Ordinal);
        Assert.Contains("edx_audience", visitor.LastPage, StringComparison.Ordinal);
        Assert.Contains("edx_reco", visitor.LastPage, StringComparison.Ordinal);
        Assert.Contains("Vimeo", visitor.LastPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_grant_is_recorded_in_the_sqlite_proof_store()
    {
        using var visitor = server.NewVisitor();
        await visitor.GetAsync("/");
        await visitor.ChooseAsync("""{"action":"accept-all"}""");
        var consentId = visitor.Cookies["edx_consent"].Split('.')[2];

        var store = server.Services.GetRequiredService<IConsentProofStore>();
        var proofs = await store.ExportByConsentIdAsync(consentId);

        var proof = Assert.Single(proofs);
        Assert.Equal(ConsentDecision.Granted, proof.Content.Decisions["edx-recommendations"]);
        Assert.Equal(ConsentDecision.Granted, proof.Content.Decisions["vimeo"]);
        Assert.True((await store.VerifyAsync()).IsValid);
    }
}
