using System.Text;
using System.Text.Json;
using Microsoft.Playwright;

namespace Ent.Consent.Widget.Tests;

/// <summary>
/// signals.js against the vendors' documented surfaces: Matomo's <c>_paq</c> queue and Google's <c>dataLayer</c> /
/// <c>gtag</c> (neither ships its tracker on npm). Piano Analytics is checked against its real SDK end to end
/// (Ent.Consent.EndToEnd.Tests/PianoSdkTests).
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SignalsTests(WidgetSite site)
{
    private const string Banner = "[data-ent-consent-banner]";
    private const string Dialog = "#ent-consent-preferences";

    [Fact]
    public async Task Matomo_is_told_consent_is_required_then_given_for_the_exempt_profile_and_forgotten_on_objection()
    {
        var page = await site.NewPageAsync();
        await page.GotoAsync(site.PortalUrl);
        Assert.Equal(["requireConsent", "setConsentGiven"], await Queue(page));

        await page.ClickAsync($"{Banner} [data-ent-consent-action=customize]");
        await page.UncheckAsync($"{Dialog} input[data-ent-consent-service=matomo-exempt]");
        await page.ClickAsync($"{Dialog} [data-ent-consent-action=save]");
        await page.WaitForFunctionAsync("() => !EntConsent.isAllowed('matomo-exempt')");
        Assert.Equal(["requireConsent", "setConsentGiven", "forgetConsentGiven"], await Queue(page));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Google_consent_mode_gets_a_denied_default_before_any_tag_then_an_update_on_each_change()
    {
        var page = await site.NewPageAsync();
        // policy.js's rules, then the page's choice, in the order the head tags load them.
        var rules = """{"e":[],"x":[],"c":{},"s":{},"u":true,"v":false,"g":{"gcm":{"an":["google-analytics"],"ad":["google-ads"]}}}""";
        await page.SetContentAsync($"<!DOCTYPE html><title>t</title><script type=\"application/json\" id=\"ent-consent-guard\">{{\"a\":[],\"d\":null}}</script>");
        await page.AddScriptTagAsync(new() { Content = $"window.EntConsentPolicy={{\"guard\":{rules},\"widget\":{{}}}};" });
        await page.AddScriptTagAsync(new() { Content = Encoding.UTF8.GetString(WidgetAsset.Signals.Content) });
        await page.EvaluateAsync("() => document.dispatchEvent(new CustomEvent('entconsent:change', { detail: { services: { 'google-analytics': { allowed: true }, 'google-ads': { allowed: false } } } }))");

        // gtag.js reads Arguments objects from dataLayer, not arrays.
        var calls = await page.EvaluateAsync<JsonElement>("() => dataLayer.map(a => ({ args: Object.prototype.toString.call(a), list: Array.from(a) }))");
        Assert.Equal(2, calls.GetArrayLength());
        Assert.All(calls.EnumerateArray(), c => Assert.Equal("[object Arguments]", c.GetProperty("args").GetString()));
        AssertConsent(calls[0].GetProperty("list"), "default", analytics: "denied", ads: "denied");
        AssertConsent(calls[1].GetProperty("list"), "update", analytics: "granted", ads: "denied");
        await page.Context.CloseAsync();
    }

    private static void AssertConsent(JsonElement call, string command, string analytics, string ads)
    {
        Assert.Equal("consent", call[0].GetString());
        Assert.Equal(command, call[1].GetString());
        var values = call[2];
        Assert.Equal(analytics, values.GetProperty("analytics_storage").GetString());
        foreach (var key in (string[])["ad_storage", "ad_user_data", "ad_personalization"])
        {
            Assert.Equal(ads, values.GetProperty(key).GetString());
        }
    }

    private static Task<string[]> Queue(IPage page) => page.EvaluateAsync<string[]>("() => window._paq.map(c => c[0])");
}
