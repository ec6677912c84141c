using System.Globalization;
using System.Text.RegularExpressions;

namespace Ent.Consent.Widget.Tests;

public sealed class RenderingTests
{
    private static readonly ConsentPolicy Policy = TestPolicies.Portal();

    [Fact]
    public void Banner_is_rendered_while_a_choice_is_pending_and_not_after()
    {
        Assert.Contains("data-ent-consent-banner", WidgetRenderer.Banner(Renderings.Request(Policy)));
        var choice = Renderings.Choice(Policy, ("youtube", ConsentDecision.Denied));
        Assert.Equal(string.Empty, WidgetRenderer.Banner(Renderings.Request(Policy, state: choice)));
    }

    [Fact]
    public void Accept_and_refuse_are_submit_buttons_of_one_look_in_the_same_form()
    {
        var banner = WidgetRenderer.Banner(Renderings.Request(Policy));
        var accept = Regex.Match(banner, "<button ([^>]*)data-ent-consent-action=\"accept-all\">").Groups[1].Value;
        var refuse = Regex.Match(banner, "<button ([^>]*)data-ent-consent-action=\"refuse-all\">").Groups[1].Value;
        Assert.Equal(accept.Replace("accept-all", "X"), refuse.Replace("refuse-all", "X"));
        Assert.Contains("type=\"submit\"", accept);
        Assert.Contains("class=\"ec-btn\"", accept);
    }

    [Fact]
    public void Consent_required_toggles_start_off_and_exempt_audience_starts_on()
    {
        var html = WidgetRenderer.PreferencesDialog(Renderings.Request(Policy));
        foreach (var service in Policy.ChoosableServices)
        {
            var toggle = Toggle(html, service.Id);
            Assert.Equal(service.Category == ServiceCategory.ExemptAudience, toggle.Contains(" checked", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Toggles_show_the_current_choice()
    {
        var state = Renderings.Choice(Policy, ("youtube", ConsentDecision.Granted), ("matomo-exempt", ConsentDecision.Denied));
        var html = WidgetRenderer.PreferencesDialog(Renderings.Request(Policy, state: state));
        Assert.Contains(" checked", Toggle(html, "youtube"));
        Assert.DoesNotContain(" checked", Toggle(html, "matomo-exempt"));
        Assert.DoesNotContain(" checked", Toggle(html, "dailymotion"));
    }

    [Fact]
    public void Toggles_follow_the_servers_answer_so_an_objection_made_under_an_earlier_policy_stays_unchecked()
    {
        // No current choice (the policy changed), but the earlier objection to audience measurement still holds.
        var earlier = new ConsentState("AAAAAAAAAAAAAAAAAAAAAA", "0123456789abcdef", Renderings.GivenAt, Renderings.GivenAt.AddMonths(6),
            ConsentChannel.PreferenceCentre, [KeyValuePair.Create("matomo-exempt", ConsentDecision.Denied)]);
        var request = Renderings.Request(Policy);
        request = new WidgetRequest
        {
            Policy = request.Policy, State = null, Pending = true, Culture = request.Culture, AntiforgeryToken = request.AntiforgeryToken,
            AntiforgeryFieldName = request.AntiforgeryFieldName, AntiforgeryHeaderName = request.AntiforgeryHeaderName,
            ReturnUrl = request.ReturnUrl, ConsentUrl = request.ConsentUrl, CookiePageUrl = request.CookiePageUrl,
            IsAllowed = id => Policy.IsAllowed(id, earlier),
        };

        Assert.DoesNotContain(" checked", Toggle(WidgetRenderer.PreferencesDialog(request), "matomo-exempt"));
        Assert.DoesNotContain(" checked", Toggle(WidgetRenderer.Preferences(request, 1), "matomo-exempt"));
        Assert.DoesNotContain(" checked", Toggle(WidgetRenderer.CookiePage(request, 1), "matomo-exempt"));
    }

    [Fact]
    public void Every_choosable_service_is_declared_to_the_form_so_an_unchecked_one_means_denied()
    {
        var html = WidgetRenderer.PreferencesDialog(Renderings.Request(Policy));
        foreach (var service in Policy.ChoosableServices)
        {
            Assert.Contains($"<input type=\"hidden\" name=\"decide\" value=\"{service.Id}\">", html);
        }
    }

    [Fact]
    public void Essential_services_are_listed_as_always_active_without_a_toggle()
    {
        var html = WidgetRenderer.PreferencesDialog(Renderings.Request(Policy));
        Assert.Contains("<strong>Session ENT</strong> <span class=\"ec-badge\">Toujours actif</span>", html);
        Assert.DoesNotContain("data-ent-consent-service=\"ent-session\"", html);
        Assert.DoesNotContain("data-ent-consent-service=\"ent-consent\"", html);
    }

    [Fact]
    public void Forms_carry_the_antiforgery_token_and_the_return_url()
    {
        var request = Renderings.Request(Policy);
        foreach (var html in new[] { WidgetRenderer.Banner(request), WidgetRenderer.PreferencesDialog(request) })
        {
            Assert.Contains("<form method=\"post\" action=\"/consent\"", html);
            Assert.Contains("name=\"__RequestVerificationToken\" value=\"TEST-TOKEN\"", html);
            Assert.Contains("name=\"returnUrl\" value=\"/cours?id=4\"", html);
        }
    }

    [Fact]
    public void Cookie_page_lists_every_service_with_its_category_legal_basis_and_every_cookie_with_its_lifetime()
    {
        var html = WidgetRenderer.CookiePage(Renderings.Request(Policy, "en"), 1);
        foreach (var service in Policy.Services)
        {
            Assert.Contains($"id=\"ent-consent-about-{service.Id}\">", html);
            foreach (var cookie in service.Cookies)
            {
                Assert.Contains($"<th scope=\"row\"><code>{System.Net.WebUtility.HtmlEncode(cookie.Name)}</code></th>", html);
            }
        }

        Assert.Contains("<dd>Audience measurement exempt from consent, which you can object to</dd>", html);
        Assert.Contains("<dd>Consent (GDPR, art. 6(1)(a))</dd>", html);
        Assert.Contains("<td>6 months</td>", html);
        Assert.Contains("data-ent-consent-service=\"matomo-exempt\" checked>", html);
    }

    [Fact]
    public void Host_texts_replace_the_defaults_and_markup_in_them_is_encoded()
    {
        var policy = TestPolicies.Portal(o =>
        {
            o.Texts.AcceptAll = new("J'accepte <b>tout</b>", "I accept");
            o.Services[0].Name = new("Stats </script><script>alert(1)</script>", "Stats");
        });
        var request = Renderings.Request(policy);
        Assert.Contains(">J&#x27;accepte &lt;b&gt;tout&lt;/b&gt;</button>", WidgetRenderer.Banner(request));
        Assert.DoesNotContain("<script>alert", WidgetRenderer.PreferencesDialog(request));
        var tags = WidgetRenderer.ScriptTags(request, null);
        Assert.Equal(2, Regex.Matches(tags, "</script>").Count);
    }

    [Fact]
    public void Texts_follow_the_request_culture_and_fall_back_to_french()
    {
        Assert.Contains(">Accept all<", WidgetRenderer.Banner(Renderings.Request(Policy, "en-GB")));
        Assert.Contains(">Alle akzeptieren<", WidgetRenderer.Banner(Renderings.Request(Policy, "de-DE")));
        Assert.Contains(">قبول الكل<", WidgetRenderer.Banner(Renderings.Request(Policy, "ar-MA")));
        Assert.Contains(">Tout accepter<", WidgetRenderer.Banner(Renderings.Request(Policy, "nl-NL")));
    }

    [Fact]
    public void Nonce_is_written_on_every_tag_when_given_and_absent_otherwise()
    {
        var request = Renderings.Request(Policy);
        var tags = WidgetRenderer.HeadTags(request, "abc123") + WidgetRenderer.ScriptTags(request, "abc123");
        Assert.Equal(7, Regex.Matches(tags, "nonce=\"abc123\"").Count);
        Assert.DoesNotContain("nonce", WidgetRenderer.HeadTags(request, null) + WidgetRenderer.ScriptTags(request, null));
    }

    [Fact]
    public void Rendering_has_no_inline_script_or_style()
    {
        var request = Renderings.Request(Policy);
        var all = WidgetRenderer.Banner(request) + WidgetRenderer.PreferencesDialog(request) + WidgetRenderer.CookiePage(request, 1)
            + WidgetRenderer.ManageButton(request) + WidgetRenderer.HeadTags(request, null) + WidgetRenderer.ScriptTags(request, null);
        Assert.DoesNotContain(" style=", all);
        Assert.DoesNotContain("<style", all);
        Assert.DoesNotMatch(@"<[^>]+\son[a-z]+=", all);
        Assert.Empty(Regex.Matches(all, @"<script(?![^>]*application/json)(?![^>]*\ssrc=)"));
        Assert.Equal(6, Regex.Matches(all, "<script").Count);
    }

    [Theory]
    [InlineData("P13M", "fr", "1 an et 1 mois")]
    [InlineData("P13M", "en", "1 year and 1 month")]
    [InlineData("P6M", "fr-FR", "6 mois")]
    [InlineData("P1D", "en", "1 day")]
    [InlineData("PT30M", "fr", "30 minutes")]
    [InlineData("P2Y3DT1H", "en", "2 years, 3 days and 1 hour")]
    [InlineData("P25M", "de", "2 Jahre und 1 Monat")]
    [InlineData("P6M", "es", "6 meses")]
    [InlineData("P1Y", "it", "1 anno")]
    [InlineData("P13M", "pt-PT", "1 ano e 1 mês")]
    [InlineData("P25M", "oc", "2 ans e 1 mes")]
    [InlineData("P25M", "br", "2 vloaz ha 1 miz")]
    [InlineData("P6M", "br", "6 miz")]
    [InlineData("P13M", "ar", "سنة واحدة وشهر واحد")]
    [InlineData("P25M", "ar", "سنتان وشهر واحد")]
    [InlineData("P6M", "ar", "6 أشهر")]
    [InlineData("PT30M", "ar", "30 دقيقةً")]
    [InlineData("P3D", "ar", "3 أيام")]
    [InlineData("P6M", "ja", "6 mois")]
    public void Cookie_lifetimes_are_written_in_words(string period, string culture, string expected)
    {
        var policy = ConsentPolicy.Create(new ConsentPolicyOptions { Controllers = ["Lycée"] });
        var language = WidgetLanguage.For(CultureInfo.GetCultureInfo(culture), policy.Texts.BannerTitle);
        Assert.Equal(expected, language.Lifetime(CalendarPeriod.Parse(period, CultureInfo.InvariantCulture)));
    }

    [Theory]
    [InlineData("ar", "ar", "rtl")]
    [InlineData("ar-MA", "ar", "rtl")]
    [InlineData("br-FR", "br", "ltr")]
    [InlineData("en-GB", "en", "ltr")]
    [InlineData("ja-JP", "fr", "ltr")]
    public void The_widget_roots_name_the_language_shown_and_its_direction(string culture, string lang, string dir)
    {
        var request = Renderings.Request(Policy, culture);
        var roots = WidgetRenderer.Banner(request) + WidgetRenderer.PreferencesDialog(request) + WidgetRenderer.CookiePage(request, 1)
            + WidgetRenderer.ManageButton(request) + WidgetRenderer.Placeholder(request, "youtube");
        var opening = Regex.Matches(roots, "<(?:section|dialog|form|div) class=\"ec [^>]*>");
        Assert.Equal(5, opening.Count);
        Assert.All(opening, m => Assert.Contains($" lang=\"{lang}\" dir=\"{dir}\"", m.Value));
        Assert.StartsWith($"<!DOCTYPE html><html lang=\"{lang}\" dir=\"{dir}\">", WidgetRenderer.Document(request, "t", string.Empty, "/"));
    }

    [Fact]
    public void The_server_placeholder_says_what_is_blocked_and_offers_a_form_and_the_preferences_page()
    {
        var html = WidgetRenderer.Placeholder(Renderings.Request(Policy, "en"), "youtube");

        Assert.Contains("data-ent-consent-placeholder=\"youtube\"", html);
        Assert.Contains("This content is hosted by Google Ireland Ltd (YouTube), which sets cookies.", html);
        Assert.Contains("<form method=\"post\" action=\"/consent\">", html);
        Assert.Contains("name=\"decide\" value=\"youtube\"", html);
        Assert.Contains("name=\"grant\" value=\"youtube\"", html);
        Assert.Contains("name=\"__RequestVerificationToken\" value=\"TEST-TOKEN\"", html);
        Assert.Contains("data-ent-consent-allow=\"youtube\">Allow YouTube</button>", html);
        Assert.Contains("<a href=\"/consent/preferences?returnUrl=%2Fcours%3Fid%3D4\">See and change all my choices</a>", html);
    }

    [Fact]
    public void A_placeholder_without_a_token_leads_to_the_preferences_page_instead_of_posting()
    {
        // Rendered when no token can be stored (a gateway page already streaming to a visitor without the cookie).
        var request = Renderings.Request(Policy, "en");
        var html = WidgetRenderer.Placeholder(request.WithValues(string.Empty, request.ReturnUrl, request.CookiePageUrl), "youtube");

        Assert.DoesNotContain("method=\"post\"", html);
        Assert.DoesNotContain("__RequestVerificationToken", html);
        Assert.Contains("<form method=\"get\" action=\"/consent/preferences\"><input type=\"hidden\" name=\"returnUrl\" value=\"/cours?id=4\">", html);
        Assert.Contains("data-ent-consent-allow=\"youtube\">Allow YouTube</button></form>", html);
    }

    [Fact]
    public void No_placeholder_for_an_allowed_service_and_an_error_for_an_unknown_one()
    {
        var state = Renderings.Choice(Policy, ("youtube", ConsentDecision.Granted));
        Assert.Equal(string.Empty, WidgetRenderer.Placeholder(Renderings.Request(Policy, state: state), "youtube"));
        var error = Assert.Throws<ArgumentException>(() => WidgetRenderer.Placeholder(Renderings.Request(Policy), "youtub"));
        Assert.Contains("'youtub' names no service", error.Message);
    }

    private static string Toggle(string html, string serviceId)
        => Regex.Match(html, $"<input type=\"checkbox\"[^>]*data-ent-consent-service=\"{serviceId}\"[^>]*>").Value is { Length: > 0 } toggle
            ? toggle
            : throw new Xunit.Sdk.XunitException($"No toggle for {serviceId}");
}
