namespace Ent.Consent.Widget.Tests;

public sealed class SnapshotTests
{
    private static readonly ConsentPolicy Policy = TestPolicies.Portal();

    [Theory]
    [InlineData("fr-FR")]
    [InlineData("en")]
    public void Banner_matches_the_approved_html(string culture)
        => Snapshot.Match($"banner.{culture}", WidgetRenderer.Banner(Renderings.Request(Policy, culture)));

    [Theory]
    [InlineData("fr-FR")]
    [InlineData("en")]
    public void Preference_centre_matches_the_approved_html(string culture)
        => Snapshot.Match($"preferences.{culture}", WidgetRenderer.PreferencesDialog(Renderings.Request(Policy, culture)));

    [Theory]
    [InlineData("fr-FR")]
    [InlineData("en")]
    public void Cookie_page_matches_the_approved_html(string culture)
        => Snapshot.Match($"cookie-page.{culture}", WidgetRenderer.CookiePage(Renderings.Request(Policy, culture), 1));

    [Fact]
    public void Preference_centre_with_a_choice_matches_the_approved_html()
    {
        var state = Renderings.Choice(Policy, ("youtube", ConsentDecision.Granted), ("matomo-exempt", ConsentDecision.Denied), ("dailymotion", ConsentDecision.Denied));
        Snapshot.Match("preferences.with-choice", WidgetRenderer.PreferencesDialog(Renderings.Request(Policy, "fr-FR", state)));
    }

    [Fact]
    public void Manage_button_and_tags_match_the_approved_html()
    {
        var request = Renderings.Request(Policy, "fr-FR", theme: ConsentWidgetTheme.Dsfr);
        // policy.js follows the tags: the data they used to carry, now fetched once.
        Snapshot.Match("tags.dsfr", WidgetRenderer.ManageButton(request) + WidgetRenderer.HeadTags(request, "NONCE") + WidgetRenderer.ScriptTags(request, "NONCE")
            + "<!-- policy.js -->" + System.Text.Encoding.UTF8.GetString(WidgetTemplates.PolicyScript(request).Asset.Content));
    }
}
