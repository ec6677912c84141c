using System.Globalization;
using System.Text.Json;

namespace Ent.Consent.Widget.Tests;

/// <summary>
/// The stored banner and dialog templates: the same bytes as a fresh rendering, and a change of any input the HTML
/// depends on gives that input's HTML, never a stored one of other inputs.
/// </summary>
public sealed class WidgetTemplateTests
{
    private static readonly ConsentPolicy Policy = TestPolicies.Portal();

    [Theory]
    [InlineData("fr-FR")]
    [InlineData("en")]
    public void Stored_banner_and_dialog_match_the_approved_html_on_first_and_later_renderings(string culture)
    {
        for (var i = 0; i < 2; i++)
        {
            var html = BannerAndDialog(Renderings.Request(Policy, culture));
            var dialog = html.IndexOf("<dialog", StringComparison.Ordinal);
            Snapshot.Match($"banner.{culture}", html[..dialog]);
            Snapshot.Match($"preferences.{culture}", html[dialog..]);
        }
    }

    [Fact]
    public void Stored_dialog_with_a_choice_matches_the_approved_html()
    {
        var state = Renderings.Choice(Policy, ("youtube", ConsentDecision.Granted), ("matomo-exempt", ConsentDecision.Denied), ("dailymotion", ConsentDecision.Denied));
        for (var i = 0; i < 2; i++)
        {
            Snapshot.Match("preferences.with-choice", BannerAndDialog(Renderings.Request(Policy, "fr-FR", state)));
        }
    }

    public static TheoryData<string> Changes() => [.. Variants.Keys];

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_change_of_each_input_gives_that_inputs_html(string change)
    {
        var baseline = Renderings.Request(Policy);
        var changed = Variants[change](baseline);

        // Both stored, in both orders: neither may come back for the other.
        var first = BannerAndDialog(baseline);
        var second = BannerAndDialog(changed);
        Assert.Equal(Fresh(baseline), first);
        Assert.Equal(Fresh(changed), second);
        Assert.NotEqual(first, second);
        Assert.Equal(Fresh(baseline), BannerAndDialog(baseline));
        Assert.Equal(Fresh(changed), BannerAndDialog(changed));
    }

    [Fact]
    public void A_minor_gets_the_joint_consent_notice_and_a_waiting_badge_and_nobody_else_gets_them_from_the_templates()
    {
        var policy = TestPolicies.Portal(static o => o.JointConsent = JointConsentRule.AnyGuardian);
        var granted = Renderings.Choice(policy, ("youtube", ConsentDecision.Granted));
        var baseline = Renderings.Request(policy);
        var adult = new WidgetRequest
        {
            Policy = policy,
            State = granted,
            Pending = false,
            Culture = baseline.Culture,
            AntiforgeryToken = baseline.AntiforgeryToken,
            AntiforgeryFieldName = baseline.AntiforgeryFieldName,
            AntiforgeryHeaderName = baseline.AntiforgeryHeaderName,
            IsAllowed = id => policy.IsAllowed(id, granted),
            ReturnUrl = baseline.ReturnUrl,
            ConsentUrl = baseline.ConsentUrl,
            CookiePageUrl = baseline.CookiePageUrl,
        };
        var minor = new WidgetRequest
        {
            Policy = policy,
            State = granted,
            Pending = false,
            SubjectIsMinor = true,
            IsWaitingForGuardians = id => policy.IsWaitingForGuardians(id, granted, GuardianConsent.None),
            Culture = baseline.Culture,
            AntiforgeryToken = baseline.AntiforgeryToken,
            AntiforgeryFieldName = baseline.AntiforgeryFieldName,
            AntiforgeryHeaderName = baseline.AntiforgeryHeaderName,
            IsAllowed = id => policy.IsAllowed(id, granted, GuardianConsent.None),
            ReturnUrl = baseline.ReturnUrl,
            ConsentUrl = baseline.ConsentUrl,
            CookiePageUrl = baseline.CookiePageUrl,
        };

        var adultHtml = BannerAndDialog(adult);
        var minorHtml = BannerAndDialog(minor);

        Assert.Equal(Fresh(minor), minorHtml);
        Assert.Equal(Fresh(adult), BannerAndDialog(adult));
        Assert.Contains("data-ent-consent-minor", minorHtml, StringComparison.Ordinal);
        Assert.Contains("data-ent-consent-waiting=\"youtube\"", minorHtml, StringComparison.Ordinal);
        Assert.Contains(WidgetRenderer.Encode(policy.Texts.WaitingForParent.Resolve(baseline.Culture)), minorHtml, StringComparison.Ordinal);
        // The minor's own grant stays ticked while it waits, so saving the preferences again keeps it.
        Assert.Matches("id=\"ent-consent-service-youtube\"[^>]* checked", minorHtml);
        Assert.DoesNotContain("data-ent-consent-minor", adultHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("data-ent-consent-waiting", adultHtml, StringComparison.Ordinal);
    }

    [Fact]
    public void Values_with_markup_are_encoded_where_they_are_spliced()
    {
        var request = Renderings.Request(Policy).WithValues("a\"b<c>", "/x?a=1&b=\"2\"", "/cookies?r=<x>");
        var html = BannerAndDialog(request);
        Assert.Equal(Fresh(request), html);
        Assert.DoesNotContain("<x>", html, StringComparison.Ordinal);
        Assert.Contains("a&quot;b&lt;c&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replaced_policy_gets_its_own_html()
    {
        var other = TestPolicies.Portal(options => options.Texts.BannerTitle = new("Un autre titre", "Another title"));
        var before = BannerAndDialog(Renderings.Request(Policy));
        var after = BannerAndDialog(Renderings.Request(other));
        Assert.Contains("Un autre titre", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Un autre titre", before, StringComparison.Ordinal);
        Assert.Equal(Fresh(Renderings.Request(other)), after);
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public void Stored_data_blocks_equal_a_fresh_serialisation_for_each_input(string change)
    {
        var baseline = Renderings.Request(Policy);
        foreach (var request in new[] { baseline, Variants[change](baseline), baseline })
        {
            Assert.Equal(FreshGuard(request), WidgetTemplates.GuardJson(request).ToString());
            Assert.Equal(FreshConfig(request), WidgetTemplates.ConfigJson(request).ToString());
            Assert.Equal(FreshPolicy(request), StoredPolicy(request));
        }
    }

    [Fact]
    public void One_choice_rendered_with_other_answers_gets_the_json_of_those_answers()
    {
        // The verified-cookie cache hands every request of a visitor the same ConsentState; the JSON kept with it must
        // not come back for a request whose answers differ (a minor waiting for a guardian, a pending re-ask).
        var policy = TestPolicies.Portal(static o => o.JointConsent = JointConsentRule.AnyGuardian);
        var granted = Renderings.Choice(policy, ("youtube", ConsentDecision.Granted), ("matomo-exempt", ConsentDecision.Granted));
        var adult = Change(Renderings.Request(policy, state: granted), state: granted, pending: false, isAllowed: id => policy.IsAllowed(id, granted));
        var minor = Change(adult, minor: true, isAllowed: id => policy.IsAllowed(id, granted, GuardianConsent.None),
            isWaitingForGuardians: id => policy.IsWaitingForGuardians(id, granted, GuardianConsent.None));
        var requests = new[] { adult, minor, Change(adult, pending: true), Change(adult, isAllowed: id => id != "youtube" && policy.IsAllowed(id, granted)) };

        var configs = new HashSet<string>(StringComparer.Ordinal);
        var guards = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in requests.Concat(requests.Reverse()))
        {
            Assert.Same(granted, request.State);
            var config = WidgetTemplates.ConfigJson(request).ToString();
            var guard = WidgetTemplates.GuardJson(request).ToString();
            Assert.Equal(FreshConfig(request), config);
            Assert.Equal(FreshGuard(request), guard);
            configs.Add(config);
            guards.Add(guard);
        }

        Assert.Equal(requests.Length, configs.Count);
        Assert.Contains(configs, c => c.Contains("\"waiting\":true", StringComparison.Ordinal));
        Assert.Equal(2, guards.Count); // the allowed list differs only when youtube is held back
    }

    [Fact]
    public void Stored_manage_button_is_the_fresh_rendering_for_each_return_url_theme_and_culture()
    {
        var baseline = Renderings.Request(Policy);
        var requests = new[]
        {
            baseline,
            baseline.WithValues(baseline.AntiforgeryToken, "/notes?eleve=7&x=\"<y>\"", baseline.CookiePageUrl),
            Change(baseline, theme: ConsentWidgetTheme.Dsfr),
            Change(baseline, culture: CultureInfo.GetCultureInfo("en")),
            Change(baseline, consentUrl: "/portail/consent"),
        };
        foreach (var request in requests.Concat(requests))
        {
            var content = new HtmlParts(WidgetTemplates.ManageButtonParts(request));
            Assert.Equal(WidgetRenderer.ManageButton(request), content.ToString());
        }

        Assert.Contains("&quot;&lt;y&gt;&quot;", new HtmlParts(WidgetTemplates.ManageButtonParts(requests[1])).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Head_and_script_tags_written_part_by_part_are_the_same_markup_as_joined()
    {
        // RenderHeadTags and RenderScriptTags hand their parts to Razor and the gateway without joining them first;
        // a host that interpolates them (ToString) gets the same markup.
        var request = Renderings.Request(Policy);
        foreach (var parts in new[] { WidgetRenderer.HeadTagParts(request, "n0nce"), WidgetRenderer.ScriptTagParts(request, "n0nce") })
        {
            var content = new HtmlParts(parts);
            using var written = new StringWriter();
            content.WriteTo(written, System.Text.Encodings.Web.HtmlEncoder.Default);

            Assert.Equal(string.Concat(parts), written.ToString());
            Assert.Equal(written.ToString(), content.ToString());
            Assert.Contains(" nonce=\"n0nce\">{", written.ToString(), StringComparison.Ordinal);
        }

        Assert.StartsWith(WidgetTemplates.PolicyScript(request).TagOpen + " nonce=\"n0nce\"></script>"
            + "<script type=\"application/json\" id=\"ent-consent-guard\" nonce=\"n0nce\">" + WidgetTemplates.GuardJson(request) + "</script><script src=",
            WidgetRenderer.HeadTags(request, "n0nce"), StringComparison.Ordinal);
        Assert.StartsWith("<script type=\"application/json\" id=\"ent-consent-config\" nonce=\"n0nce\">" + WidgetTemplates.ConfigJson(request) + "</script><script src=",
            WidgetRenderer.ScriptTags(request, "n0nce"), StringComparison.Ordinal);
    }

    [Fact]
    public void Data_blocks_follow_the_per_request_deadline_reload_list_and_host_settings()
    {
        var deadline = new DateTimeOffset(2027, 1, 2, 3, 4, 5, TimeSpan.Zero);
        var baseline = Renderings.Request(Policy);
        var requests = new[]
        {
            baseline,
            With(baseline, exemptDeadline: () => deadline),
            With(baseline, exemptDeadline: () => deadline.AddDays(1)),
            With(baseline, needsNewPage: id => id == "youtube"),
            With(baseline, drop: false),
            With(baseline, development: true),
            With(baseline, headerName: null),
            With(baseline, headerName: "X-CSRF"),
        };
        var guards = new HashSet<string>(StringComparer.Ordinal);
        var configs = new HashSet<string>(StringComparer.Ordinal);
        var policies = new HashSet<string>(StringComparer.Ordinal);
        foreach (var request in requests.Concat(requests))
        {
            var guard = WidgetTemplates.GuardJson(request).ToString();
            var config = WidgetTemplates.ConfigJson(request).ToString();
            Assert.Equal(FreshGuard(request), guard);
            Assert.Equal(FreshConfig(request), config);
            Assert.Equal(FreshPolicy(request), StoredPolicy(request));
            guards.Add(guard);
            configs.Add(config);
            policies.Add(WidgetTemplates.PolicyScript(request).Asset.Version);
        }

        Assert.Contains(guards, g => g.Contains($"\"d\":{deadline.ToUnixTimeMilliseconds()}", StringComparison.Ordinal));
        Assert.Equal(3, guards.Count); // baseline, two deadlines
        Assert.Equal(2, configs.Count); // baseline, reload
        Assert.Equal(5, policies.Count); // baseline, drop, development, two header names: the host's settings, in policy.js
    }

    private static string FreshPolicy(WidgetRequest request)
        => "window.EntConsentPolicy=" + JsonSerializer.Serialize(WidgetRenderer.PolicyData(request), WidgetJsonContext.Default.PolicyScriptData) + ";\n";

    private static string StoredPolicy(WidgetRequest request) => System.Text.Encoding.UTF8.GetString(WidgetTemplates.PolicyScript(request).Asset.Content);

    private static string FreshGuard(WidgetRequest request) => JsonSerializer.Serialize(WidgetRenderer.Guard(request), WidgetJsonContext.Default.GuardConfig);

    private static string FreshConfig(WidgetRequest request) => JsonSerializer.Serialize(WidgetRenderer.Config(request), WidgetJsonContext.Default.WidgetConfig);

    private static WidgetRequest With(
        WidgetRequest r, Func<DateTimeOffset?>? exemptDeadline = null, Func<string, bool>? needsNewPage = null, bool drop = true,
        bool development = false, string? headerName = "RequestVerificationToken") => new()
    {
        Policy = r.Policy,
        State = r.State,
        Pending = r.Pending,
        Culture = r.Culture,
        AntiforgeryToken = r.AntiforgeryToken,
        AntiforgeryFieldName = r.AntiforgeryFieldName,
        AntiforgeryHeaderName = headerName,
        IsAllowed = r.IsAllowed,
        ReturnUrl = r.ReturnUrl,
        ConsentUrl = r.ConsentUrl,
        CookiePageUrl = r.CookiePageUrl,
        ExemptAudienceDeadline = exemptDeadline ?? r.ExemptAudienceDeadline,
        NeedsNewPageToAllow = needsNewPage ?? r.NeedsNewPageToAllow,
        DropUndeclaredCookies = drop,
        Development = development,
    };

    private static readonly Dictionary<string, Func<WidgetRequest, WidgetRequest>> Variants = new(StringComparer.Ordinal)
    {
        ["culture"] = r => Change(r, culture: CultureInfo.GetCultureInfo("en")),
        ["state"] = r => Change(r, state: Renderings.Choice(Policy, ("youtube", ConsentDecision.Granted)), pending: false),
        ["allowed while pending"] = r => Change(r, isAllowed: id => id == "youtube"),
        ["pending"] = r => Change(r, pending: false),
        ["minor"] = r => Change(r, minor: true, isAllowed: id => Policy.Services.Single(s => s.Id == id).Category == ServiceCategory.Essential),
        ["prefix"] = r => Change(r, consentUrl: "/portail/consent"),
        ["antiforgery field"] = r => Change(r, fieldName: "__csrf"),
        ["theme"] = r => Change(r, theme: ConsentWidgetTheme.Dsfr),
        ["antiforgery token"] = r => r.WithValues("OTHER-TOKEN", r.ReturnUrl, r.CookiePageUrl),
        ["return url"] = r => r.WithValues(r.AntiforgeryToken, "/notes?eleve=7", r.CookiePageUrl),
        ["cookie page url"] = r => r.WithValues(r.AntiforgeryToken, r.ReturnUrl, "/consent/cookies?returnUrl=%2Fnotes"),
    };

    // Both stored templates, the banner's (in pages) and the dialog's (GET {prefix}/dialog), against fresh renderings.
    private static string BannerAndDialog(WidgetRequest request) => WidgetTemplates.Banner(request) + WidgetTemplates.Dialog(request);

    private static string Fresh(WidgetRequest request) => WidgetRenderer.Banner(request) + WidgetRenderer.PreferencesDialog(request);

    private static WidgetRequest Change(
        WidgetRequest r, CultureInfo? culture = null, ConsentState? state = null, bool? pending = null, bool? minor = null,
        Func<string, bool>? isAllowed = null, string? consentUrl = null, string? fieldName = null, ConsentWidgetTheme? theme = null,
        Func<string, bool>? isWaitingForGuardians = null) => new()
    {
        Policy = r.Policy,
        State = state ?? r.State,
        Pending = pending ?? r.Pending,
        SubjectIsMinor = minor ?? r.SubjectIsMinor,
        IsWaitingForGuardians = isWaitingForGuardians ?? r.IsWaitingForGuardians,
        Culture = culture ?? r.Culture,
        AntiforgeryToken = r.AntiforgeryToken,
        AntiforgeryFieldName = fieldName ?? r.AntiforgeryFieldName,
        AntiforgeryHeaderName = r.AntiforgeryHeaderName,
        IsAllowed = isAllowed ?? (state is null ? r.IsAllowed : id => Policy.IsAllowed(id, state)),
        ReturnUrl = r.ReturnUrl,
        ConsentUrl = consentUrl ?? r.ConsentUrl,
        CookiePageUrl = r.CookiePageUrl,
        Theme = theme ?? r.Theme,
    };
}
