using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Endpoints;
using Ent.Consent.AspNetCore.Guardians;

namespace Ent.Consent.Widget;

/// <summary>
/// Writes the widget's HTML from a <see cref="WidgetRequest"/>. Pure: no clock, no randomness, no I/O, so snapshots are
/// stable. Every text goes through the HTML encoder; ids and hooks are fixed (docs/widget.md).
/// </summary>
internal static class WidgetRenderer
{
    private static readonly string PreferenceCentre = ConsentWireNames.Of(ConsentChannel.PreferenceCentre);

    // Accented letters stay readable in the markup; markup characters are still encoded.
    private static readonly HtmlEncoder Encoder = HtmlEncoder.Create(UnicodeRanges.All);

    /// <summary>The first layer, only while a choice is pending; empty otherwise.</summary>
    public static string Banner(WidgetRequest request)
    {
        if (!request.Pending)
        {
            return string.Empty;
        }

        var texts = request.Policy.Texts;
        var html = new StringBuilder(2048);
        html.Append("<section class=\"ec ec-banner\" id=\"ent-consent-banner\" data-ent-consent-banner")
            .Append(ThemeAttribute(request)).Append(LanguageAttributes(request))
            .Append(" role=\"dialog\" aria-modal=\"false\" aria-labelledby=\"ent-consent-banner-title\" aria-describedby=\"ent-consent-banner-body")
            .Append(request.FollowsAccount ? " ent-consent-banner-scope\"" : "\"").Append(" tabindex=\"-1\">");
        html.Append("<h2 class=\"ec-title\" id=\"ent-consent-banner-title\">").Append(Encode(request.Text(texts.BannerTitle))).Append("</h2>");
        html.Append("<p id=\"ent-consent-banner-body\">").Append(Encode(Fill(request.Text(texts.BannerBody), request))).Append("</p>");
        if (request.FollowsAccount)
        {
            // CNIL délibération 2025-131: the cross-device scope is stated on the first layer, before any click.
            html.Append("<p id=\"ent-consent-banner-scope\">").Append(Encode(request.Text(texts.AccountScope))).Append("</p>");
        }
        JointConsentNotice(html, request);
        html.Append("<form method=\"post\" action=\"").Append(Encode(request.ConsentUrl)).Append("\" data-ent-consent-form>");
        HiddenFields(html, request);
        html.Append("<div class=\"ec-actions\">");
        ActionButton(html, ConsentHttpNames.AcceptAll, request.Text(texts.AcceptAll));
        ActionButton(html, ConsentHttpNames.RefuseAll, request.Text(texts.RefuseAll));
        // A GET to the stand-alone preferences page without script; the script opens the in-page dialog instead.
        html.Append("<button type=\"submit\" class=\"ec-btn\" form=\"ent-consent-customize\" name=\"" + ConsentHttpNames.ReturnUrl + "\" value=\"")
            .Append(Encode(request.ReturnUrl)).Append("\" data-ent-consent-action=\"customize\" aria-haspopup=\"dialog\">")
            .Append(Encode(request.Text(texts.Customize))).Append("</button>");
        html.Append("</div></form>");
        html.Append("<form id=\"ent-consent-customize\" method=\"get\" action=\"").Append(Encode(request.PreferencesUrl)).Append("\"></form>");
        html.Append("<p class=\"ec-more\"><a href=\"").Append(Encode(request.CookiePageUrl)).Append("\">")
            .Append(Encode(request.Text(texts.CookiePageLink))).Append("</a></p>");
        html.Append("</section>");
        return html.ToString();
    }

    /// <summary>
    /// The short notice on a device where the account's choice, made on another device, was just applied: a status
    /// message with a one-click way to change the choice (the preferences page, or the in-page dialog with script).
    /// </summary>
    public static string AccountChoiceNotice(WidgetRequest request)
    {
        var texts = request.Policy.Texts;
        var html = new StringBuilder(768);
        html.Append("<div class=\"ec ec-notice\" id=\"ent-consent-account-notice\" data-ent-consent-notice").Append(ThemeAttribute(request)).Append(LanguageAttributes(request))
            .Append(" role=\"status\"><p>").Append(Encode(request.Text(texts.AccountChoiceApplied))).Append("</p>");
        html.Append("<form method=\"get\" action=\"").Append(Encode(request.PreferencesUrl)).Append("\"><button type=\"submit\" class=\"ec-btn ec-btn-small\" name=\"" + ConsentHttpNames.ReturnUrl + "\" value=\"")
            .Append(Encode(request.ReturnUrl)).Append("\" data-ent-consent-action=\"open\" aria-haspopup=\"dialog\">")
            .Append(Encode(request.Text(texts.ManageCookies))).Append("</button> ");
        // Only the script can dismiss: without it the notice simply is not shown again on the next page.
        html.Append("<button type=\"button\" class=\"ec-btn ec-btn-small\" data-ent-consent-action=\"dismiss\" hidden>")
            .Append(Encode(request.Text(texts.Close))).Append("</button></form></div>");
        return html.ToString();
    }

    /// <summary>
    /// The preference centre inside a closed <c>&lt;dialog&gt;</c>: served by <c>GET {prefix}/dialog</c>, which the script
    /// fetches and opens when asked, so pages do not carry it.
    /// </summary>
    public static string PreferencesDialog(WidgetRequest request)
    {
        var html = new StringBuilder(8192);
        html.Append("<dialog class=\"ec ec-dialog\" id=\"ent-consent-preferences\" data-ent-consent-preferences")
            .Append(ThemeAttribute(request)).Append(LanguageAttributes(request)).Append(" aria-labelledby=\"ent-consent-preferences-title\">");
        html.Append("<div class=\"ec-dialog-head\">");
        Heading(html, 2, "ent-consent-preferences-title", request.Text(request.Policy.Texts.PreferencesTitle));
        html.Append("<button type=\"button\" class=\"ec-btn ec-close\" data-ent-consent-action=\"close\">")
            .Append(Encode(request.Text(request.Policy.Texts.Close))).Append("</button></div>");
        PreferencesForm(html, request, 3);
        html.Append("</dialog>");
        return html.ToString();
    }

    /// <summary>The preference centre as a region of a page (the host's own preferences page).</summary>
    public static string Preferences(WidgetRequest request, int headingLevel)
    {
        var html = new StringBuilder(8192);
        html.Append("<section class=\"ec ec-preferences\" data-ent-consent-preferences").Append(ThemeAttribute(request)).Append(LanguageAttributes(request))
            .Append(" aria-labelledby=\"ent-consent-preferences-title\">");
        Heading(html, headingLevel, "ent-consent-preferences-title", request.Text(request.Policy.Texts.PreferencesTitle));
        PreferencesForm(html, request, headingLevel + 1);
        html.Append("</section>");
        return html.ToString();
    }

    /// <summary>
    /// A guardian's page: per child, each consent-required service with the child's decision, the guardian's and
    /// whether it runs, and a form to accept or refuse it (no script needed).
    /// </summary>
    internal static string GuardianPage(WidgetRequest request, GuardianOverview overview, int headingLevel)
    {
        var texts = request.Policy.Texts;
        var html = new StringBuilder(4096);
        html.Append("<section class=\"ec ec-guardian\" data-ent-consent-guardian").Append(ThemeAttribute(request))
            .Append(" aria-labelledby=\"ent-consent-guardian-title\">");
        Heading(html, headingLevel, "ent-consent-guardian-title", request.Text(texts.GuardianPageTitle));
        html.Append("<p>").Append(Encode(request.Text(texts.GuardianPageIntro))).Append("</p>");
        if (overview.Minors.Count == 0)
        {
            html.Append("<p>").Append(Encode(request.Text(texts.NoChildren))).Append("</p>");
        }

        var action = request.ConsentUrl + GuardianEndpoints.Path;
        for (var m = 0; m < overview.Minors.Count; m++)
        {
            var minor = overview.Minors[m];
            var headingId = "ent-consent-minor-" + m.ToString(CultureInfo.InvariantCulture);
            html.Append("<section class=\"ec-minor-consent\" data-ent-consent-minor-key=\"").Append(Encode(minor.MinorKey))
                .Append("\" aria-labelledby=\"").Append(headingId).Append("\">");
            Heading(html, headingLevel + 1, headingId, minor.Minor.DisplayName);
            html.Append("<table class=\"ec-table\"><thead><tr><th scope=\"col\">").Append(Encode(request.Text(texts.CategoryConsentRequired)))
                .Append("</th><th scope=\"col\">").Append(Encode(request.Text(texts.ChildChoiceLabel)))
                .Append("</th><th scope=\"col\">").Append(Encode(request.Text(texts.YourChoiceLabel)))
                .Append("</th><th scope=\"col\">").Append(Encode(request.Text(texts.ServiceStatusLabel)))
                .Append("</th></tr></thead><tbody>");
            foreach (var service in minor.Services)
            {
                var definition = service.Service;
                html.Append("<tr data-ent-consent-service-row=\"").Append(Encode(definition.Id)).Append("\"><th scope=\"row\">")
                    .Append(Encode(request.Text(definition.Name))).Append("</th><td data-ent-consent-minor-decision>")
                    .Append(Encode(DecisionText(request, service.MinorDecision))).Append("</td><td data-ent-consent-guardian-decision>")
                    .Append(Encode(DecisionText(request, service.GuardianDecision)));
                html.Append("<form method=\"post\" class=\"ec-actions\" action=\"").Append(Encode(action)).Append("\">");
                HiddenFields(html, request);
                html.Append("<input type=\"hidden\" name=\"minor\" value=\"").Append(Encode(minor.MinorKey)).Append("\">")
                    .Append("<input type=\"hidden\" name=\"service\" value=\"").Append(Encode(definition.Id)).Append("\">");
                html.Append("<button type=\"submit\" class=\"ec-btn\" name=\"decision\" value=\"granted\" data-ent-consent-guardian-action=\"grant\"")
                    .Append(service.GuardianDecision == ConsentDecision.Granted ? " aria-pressed=\"true\"" : " aria-pressed=\"false\"").Append('>')
                    .Append(Encode(Fill(request.Text(texts.GuardianGrant), request, definition))).Append("</button>");
                html.Append("<button type=\"submit\" class=\"ec-btn\" name=\"decision\" value=\"denied\" data-ent-consent-guardian-action=\"withdraw\"")
                    .Append(service.GuardianDecision == ConsentDecision.Denied ? " aria-pressed=\"true\"" : " aria-pressed=\"false\"").Append('>')
                    .Append(Encode(Fill(request.Text(texts.GuardianWithdraw), request, definition))).Append("</button>");
                html.Append("</form></td><td data-ent-consent-status=\"").Append(service.Allowed ? "on" : "off").Append("\">")
                    .Append(Encode(request.Text(service.Allowed ? texts.ServiceOn : texts.ServiceOff))).Append("</td></tr>");
            }

            html.Append("</tbody></table></section>");
        }

        html.Append("</section>");
        return html.ToString();
    }

    private static string DecisionText(WidgetRequest request, ConsentDecision decision) => request.Text(decision switch
    {
        ConsentDecision.Granted => request.Policy.Texts.DecisionGranted,
        ConsentDecision.Denied => request.Policy.Texts.DecisionDenied,
        _ => request.Policy.Texts.DecisionNotAsked,
    });

    /// <summary>The persistent control that reopens the choices: a GET form to the preferences page, enhanced by the script.</summary>
    public static string ManageButton(WidgetRequest request)
    {
        var html = new StringBuilder(512);
        html.Append("<form class=\"ec ec-manage\"").Append(ThemeAttribute(request)).Append(LanguageAttributes(request)).Append(" method=\"get\" action=\"")
            .Append(Encode(request.PreferencesUrl)).Append("\"><button type=\"submit\" class=\"ec-btn ec-btn-small\" name=\"" + ConsentHttpNames.ReturnUrl + "\" value=\"")
            .Append(Encode(request.ReturnUrl)).Append("\" data-ent-consent-action=\"open\" aria-haspopup=\"dialog\">")
            .Append(Encode(request.Text(request.Policy.Texts.ManageCookies))).Append("</button></form>");
        return html.ToString();
    }

    /// <summary>
    /// The placeholder of a blocked embed, rendered on the server so that a page read without JavaScript says what is
    /// blocked (service, provider, why) and how to allow it: a form that grants this one service, and a link to the
    /// stand-alone preferences page. The script reuses it when it sits right before the embed. Empty when the service
    /// may run.
    /// </summary>
    public static string Placeholder(WidgetRequest request, string serviceId)
    {
        var service = request.Policy.FindService(serviceId)
            ?? throw new ArgumentException($"'{serviceId}' names no service of the consent policy; declare it or fix the id.", nameof(serviceId));
        if (request.IsAllowed(service.Id))
        {
            return string.Empty;
        }

        var texts = request.Policy.Texts;
        var html = new StringBuilder(1024);
        html.Append("<div class=\"ec ec-placeholder\" data-ent-consent-placeholder=\"").Append(Encode(service.Id)).Append('"')
            .Append(ThemeAttribute(request)).Append(LanguageAttributes(request))
            .Append(" role=\"group\" aria-label=\"").Append(Encode(request.Text(service.Name))).Append("\">");
        html.Append("<p>").Append(Encode(Fill(request.Text(texts.BlockedContent), request, service))).Append("</p>");
        var description = request.Text(service.Description);
        if (description.Length > 0)
        {
            html.Append("<p class=\"ec-hint\">").Append(Encode(description)).Append("</p>");
        }

        // Without script this form grants the one service and comes back; the script posts the same choice itself.
        if (request.AntiforgeryToken.Length > 0)
        {
            html.Append("<form method=\"post\" action=\"").Append(Encode(request.ConsentUrl)).Append("\">");
            HiddenFields(html, request);
            html.Append("<input type=\"hidden\" name=\"" + ConsentHttpNames.Decide + "\" value=\"").Append(Encode(service.Id)).Append("\">")
                .Append("<input type=\"hidden\" name=\"" + ConsentHttpNames.Grant + "\" value=\"").Append(Encode(service.Id)).Append("\">")
                .Append("<button type=\"submit\" class=\"ec-btn\" name=\"" + ConsentHttpNames.Action + "\" value=\"" + ConsentHttpNames.Save + "\" data-ent-consent-allow=\"");
        }
        else
        {
            // No token could be stored (a page already streaming, a visitor without the antiforgery cookie): without
            // script the button leads to the preferences page, where the service is one tick away.
            html.Append("<form method=\"get\" action=\"").Append(Encode(request.PreferencesUrl)).Append("\">")
                .Append("<input type=\"hidden\" name=\"" + ConsentHttpNames.ReturnUrl + "\" value=\"").Append(Encode(request.ReturnUrl)).Append("\">")
                .Append("<button type=\"submit\" class=\"ec-btn\" data-ent-consent-allow=\"");
        }

        html.Append(Encode(service.Id)).Append("\">").Append(Encode(Fill(request.Text(texts.AllowService), request, service))).Append("</button></form>");
        html.Append("<p class=\"ec-more\"><a href=\"").Append(Encode(request.PreferencesUrl + "?" + ConsentHttpNames.ReturnUrl + "=" + Uri.EscapeDataString(request.ReturnUrl)))
            .Append("\">").Append(Encode(request.Text(texts.ReviewChoices))).Append("</a></p>");
        html.Append("</div>");
        return html.ToString();
    }

    /// <summary>The cookie information page's content, generated from the catalogue.</summary>
    public static string CookiePage(WidgetRequest request, int headingLevel)
    {
        var texts = request.Policy.Texts;
        var html = new StringBuilder(16384);
        html.Append("<section class=\"ec ec-cookies\" data-ent-consent-cookies").Append(ThemeAttribute(request)).Append(LanguageAttributes(request))
            .Append(" aria-labelledby=\"ent-consent-cookies-title\">");
        Heading(html, headingLevel, "ent-consent-cookies-title", request.Text(texts.CookiePageTitle));
        html.Append("<p>").Append(Encode(request.Text(texts.CookiePageIntro))).Append("</p>");
        foreach (var purpose in request.Policy.Purposes)
        {
            var services = request.Policy.Services.Where(s => s.Purpose == purpose.Id).ToList();
            if (services.Count == 0)
            {
                continue;
            }

            html.Append("<section class=\"ec-purpose\" aria-labelledby=\"ent-consent-purpose-").Append(purpose.Id).Append("\">");
            Heading(html, headingLevel + 1, "ent-consent-purpose-" + purpose.Id, request.Text(purpose.Name));
            html.Append("<p>").Append(Encode(request.Text(purpose.Description))).Append("</p>");
            foreach (var service in services)
            {
                CookiePageService(html, request, service, purpose, headingLevel + 2);
            }

            html.Append("</section>");
        }

        html.Append("</section>");
        return html.ToString();
    }

    /// <summary>
    /// A whole HTML document around <paramref name="body"/>, for the pages the widget serves itself. Styles only: these
    /// pages are the no-JavaScript path, their forms post and come back.
    /// </summary>
    public static string Document(WidgetRequest request, string title, string body, string backUrl)
    {
        var html = new StringBuilder(body.Length + 1024);
        html.Append("<!DOCTYPE html><html").Append(LanguageAttributes(request)).Append("><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>").Append(Encode(title)).Append("</title>")
            .Append(StyleTag(request, nonce: null)).Append("</head><body class=\"ec-page\"><main>")
            .Append(body)
            .Append("<p class=\"ec-back\"><a href=\"").Append(Encode(backUrl)).Append("\">")
            .Append(Encode(request.Text(request.Policy.Texts.Back))).Append("</a></p></main></body></html>");
        return html.ToString();
    }

    /// <summary>
    /// For the page's head, first: the policy's script (the rules and texts, cached across pages), the guard's data
    /// block and the blocking guard script, so the guard is in place before any other script runs, then the stylesheet link.
    /// </summary>
    public static string HeadTags(WidgetRequest request, string? nonce) => string.Concat(HeadTagParts(request, nonce));

    /// <summary><see cref="HeadTags"/> as the strings it is made of, so a page can write them without joining them first.</summary>
    public static string[] HeadTagParts(WidgetRequest request, string? nonce)
    {
        var tags = WidgetTemplates.AssetTags(request);
        var policy = WidgetTemplates.PolicyScript(request);
        var json = WidgetTemplates.GuardJson(request);
        var nonceAttribute = NonceAttribute(nonce);
        var noSignals = tags.SignalsOpen.Length == 0;
        return
        [
            policy.TagOpen, nonceAttribute, "></script>",
            "<script type=\"application/json\" id=\"ent-consent-guard\"", nonceAttribute, ">",
            json.Head, json.First, json.Second, json.Tail,
            tags.GuardOpen, nonceAttribute, "></script>",
            tags.SignalsOpen, noSignals ? string.Empty : nonceAttribute, noSignals ? string.Empty : "></script>",
            tags.StyleOpen, nonceAttribute, ">",
        ];
    }

    /// <summary>The stylesheet link alone: the stand-alone pages run no script.</summary>
    public static string StyleTag(WidgetRequest request, string? nonce)
        => WidgetTemplates.AssetTags(request).StyleOpen + NonceAttribute(nonce) + ">";

    /// <summary>
    /// The widget's asset tags up to where the nonce goes, for <see cref="WidgetTemplates.AssetTags"/> to keep: the
    /// guard script (after the guard's data block), the signals script (empty when the policy needs none), the
    /// stylesheet link and the deferred script (after the configuration's data block).
    /// </summary>
    internal static AssetTagOpenings AssetTagOpenings(WidgetRequest request)
    {
        var guard = WidgetAsset.Guard;
        var signals = WidgetAsset.Signals;
        var style = WidgetAsset.Style;
        var script = WidgetAsset.Script;
        return new AssetTagOpenings(
            $"</script><script src=\"{Encode(AssetUrl(request, guard))}\" integrity=\"{guard.Integrity}\"",
            // Before any vendor SDK: Google's consent default and Piano's window.pdl must be set before their tags start.
            GuardRules.For(request.Policy).Signals is null ? string.Empty : $"<script src=\"{Encode(AssetUrl(request, signals))}\" integrity=\"{signals.Integrity}\"",
            $"<link rel=\"stylesheet\" href=\"{Encode(AssetUrl(request, style))}\" integrity=\"{style.Integrity}\"",
            $"</script><script src=\"{Encode(AssetUrl(request, script))}\" integrity=\"{script.Integrity}\" defer");
    }

    /// <summary>The page's part of the guard's data: the allowed services and the exempt deadline.</summary>
    internal static GuardConfig Guard(WidgetRequest request)
        // Only a page that may run an exempt tracker starts a deposit cycle (ADR 0005).
        => new()
        {
            Allowed = AllowedServices(request),
            ExemptDeadline = ExemptAllowed(request) ? request.ExemptAudienceDeadline()?.ToUnixTimeMilliseconds() : null,
        };

    /// <summary>The guard's rules: the policy's and the host's, the same on every page.</summary>
    internal static GuardPolicy GuardPolicy(WidgetRequest request)
    {
        var rules = GuardRules.For(request.Policy);
        return new GuardPolicy
        {
            Essential = rules.Essential,
            ExemptAudience = rules.ExemptAudience,
            Cookies = rules.Cookies,
            StorageKeys = rules.StorageKeys,
            DropUndeclaredCookies = request.DropUndeclaredCookies,
            Verbose = request.Development,
            Signals = rules.Signals,
        };
    }

    /// <summary>What <c>policy.js</c> carries for this request's policy, culture and consent path.</summary>
    internal static PolicyScriptData PolicyData(WidgetRequest request) => new() { Guard = GuardPolicy(request), Widget = WidgetPolicy(request) };

    /// <summary>The choosable services allowed now, in the policy's order.</summary>
    internal static List<string> AllowedServices(WidgetRequest request)
        => request.Policy.ChoosableServices.Where(s => request.IsAllowed(s.Id)).Select(static s => s.Id).ToList();

    /// <summary>Whether an exempt audience service with cookies may run: the page may then start a deposit cycle.</summary>
    internal static bool ExemptAllowed(WidgetRequest request)
        => request.Policy.Services.Any(s => s.Category == ServiceCategory.ExemptAudience && s.Cookies.Count > 0 && request.IsAllowed(s.Id));

    /// <summary>The configuration data block and the deferred script, for the end of the body.</summary>
    public static string ScriptTags(WidgetRequest request, string? nonce) => string.Concat(ScriptTagParts(request, nonce));

    /// <summary><see cref="ScriptTags"/> as the strings it is made of.</summary>
    public static string[] ScriptTagParts(WidgetRequest request, string? nonce)
    {
        var tags = WidgetTemplates.AssetTags(request);
        var json = WidgetTemplates.ConfigJson(request);
        var nonceAttribute = NonceAttribute(nonce);
        return
        [
            "<script type=\"application/json\" id=\"ent-consent-config\"", nonceAttribute, ">",
            json.Head, json.First, json.Second, json.Tail,
            tags.ScriptOpen, nonceAttribute, "></script>",
        ];
    }

    /// <summary>The state in the shape of <c>GET {prefix}</c>, so the script reads one format.</summary>
    public static ConsentStateDocument State(WidgetRequest request)
        => ConsentStateDocument.Create(request.Policy, request.State, request.Pending, request.IsAllowed, request.IsWaitingForGuardians);

    internal static string AssetUrl(WidgetRequest request, WidgetAsset asset) => $"{request.ConsentUrl}/{asset.FileName}?v={asset.Version}";

    // The contract's names the script posts, from the one table the endpoint reads.
    private static readonly Dictionary<string, string> Wire = new(StringComparer.Ordinal)
    {
        ["action"] = ConsentHttpNames.Action,
        ["channel"] = ConsentHttpNames.Channel,
        ["services"] = ConsentHttpNames.Services,
        ["save"] = ConsentHttpNames.Save,
        ["preferenceCentre"] = PreferenceCentre,
    };

    /// <summary>The page's part of the script's data: the state and the services that need a new page to be allowed.</summary>
    internal static WidgetConfig Config(WidgetRequest request) => new()
    {
        State = State(request),
        Reload = request.Policy.ChoosableServices.Where(s => !request.IsAllowed(s.Id) && request.NeedsNewPageToAllow(s.Id)).Select(static s => s.Id).ToList(),
    };

    /// <summary>The script's names, texts and services: the same on every page of a policy, culture and consent path.</summary>
    internal static WidgetPolicy WidgetPolicy(WidgetRequest request)
    {
        var services = new Dictionary<string, WidgetService>(StringComparer.Ordinal);
        foreach (var service in request.Policy.ChoosableServices)
        {
            services[service.Id] = new WidgetService
            {
                Name = request.Text(service.Name),
                Provider = service.Provider,
                Cookies = service.Cookies.Select(static c => new[] { c.Name, c.Path ?? "/", c.Domain ?? string.Empty }).ToList(),
                StorageKeys = [.. service.StorageKeys],
            };
        }

        return new WidgetPolicy
        {
            Endpoint = request.ConsentUrl,
            Dialog = request.ConsentUrl + "/dialog",
            Preferences = request.PreferencesUrl,
            Antiforgery = new WidgetAntiforgery { Field = request.AntiforgeryFieldName, Header = request.AntiforgeryHeaderName },
            Wire = Wire,
            Services = services,
            Essential = request.Policy.Services.Where(static s => s.Category == ServiceCategory.Essential).Select(static s => s.Id).ToList(),
            Lang = request.Language.Name,
            Dir = request.Language.Direction,
            Texts = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["blocked"] = request.Text(request.Policy.Texts.BlockedContent),
                ["allow"] = request.Text(request.Policy.Texts.AllowService),
            },
        };
    }

    private static void PreferencesForm(StringBuilder html, WidgetRequest request, int headingLevel)
    {
        var texts = request.Policy.Texts;
        html.Append("<p>").Append(Encode(request.Text(texts.PreferencesIntro))).Append("</p>");
        if (request.FollowsAccount)
        {
            html.Append("<p>").Append(Encode(request.Text(texts.AccountScope))).Append("</p>");
        }
        JointConsentNotice(html, request);
        html.Append("<form method=\"post\" action=\"").Append(Encode(request.ConsentUrl))
            .Append("\" data-ent-consent-form data-ent-consent-channel=\"" + PreferenceCentre + "\">");
        HiddenFields(html, request);
        foreach (var purpose in request.Policy.Purposes)
        {
            var services = request.Policy.Services.Where(s => s.Purpose == purpose.Id).ToList();
            if (services.Count == 0)
            {
                continue;
            }

            html.Append("<fieldset class=\"ec-purpose\"><legend>");
            html.Append("<span class=\"ec-h").Append(headingLevel).Append("\">").Append(Encode(request.Text(purpose.Name))).Append("</span></legend>");
            html.Append("<p class=\"ec-hint\">").Append(Encode(request.Text(purpose.Description))).Append("</p>");
            foreach (var service in services)
            {
                PreferencesService(html, request, service);
            }

            html.Append("</fieldset>");
        }

        html.Append("<div class=\"ec-actions\">");
        ActionButton(html, ConsentHttpNames.Save, request.Text(texts.Save));
        ActionButton(html, ConsentHttpNames.AcceptAll, request.Text(texts.AcceptAll));
        ActionButton(html, ConsentHttpNames.RefuseAll, request.Text(texts.RefuseAll));
        html.Append("</div></form>");
    }

    private static void PreferencesService(StringBuilder html, WidgetRequest request, ServiceDefinition service)
    {
        var texts = request.Policy.Texts;
        var id = "ent-consent-service-" + service.Id;
        html.Append("<div class=\"ec-service\">");
        if (service.Category == ServiceCategory.Essential)
        {
            html.Append("<p class=\"ec-service-name\"><strong>").Append(Encode(request.Text(service.Name))).Append("</strong> <span class=\"ec-badge\">")
                .Append(Encode(request.Text(texts.AlwaysActive))).Append("</span></p>");
        }
        else
        {
            // Checked when the service may run: the server's one answer, which the script also applies to toggles; and
            // for a minor, when they granted it and it waits for their guardians, so saving again keeps their grant.
            var waiting = request.IsWaitingForGuardians(service.Id);
            var isChecked = request.IsAllowed(service.Id) || waiting;
            html.Append("<input type=\"hidden\" name=\"" + ConsentHttpNames.Decide + "\" value=\"").Append(Encode(service.Id)).Append("\">");
            html.Append("<p class=\"ec-service-name ec-toggle\"><input type=\"checkbox\" id=\"").Append(Encode(id))
                .Append("\" name=\"" + ConsentHttpNames.Grant + "\" value=\"").Append(Encode(service.Id)).Append("\" data-ent-consent-service=\"").Append(Encode(service.Id))
                .Append("\" aria-describedby=\"").Append(Encode(id)).Append("-about\"").Append(isChecked ? " checked" : string.Empty).Append('>')
                .Append("<label for=\"").Append(Encode(id)).Append("\">").Append(Encode(request.Text(service.Name))).Append("</label>");
            if (waiting)
            {
                html.Append(" <span class=\"ec-badge ec-waiting\" data-ent-consent-waiting=\"").Append(Encode(service.Id)).Append("\">")
                    .Append(Encode(request.Text(texts.WaitingForParent))).Append("</span>");
            }

            html.Append("</p>");
        }

        html.Append("<p class=\"ec-hint\" id=\"").Append(Encode(id)).Append("-about\">");
        if (service.Category == ServiceCategory.ExemptAudience)
        {
            html.Append(Encode(request.Text(texts.AudienceOptOut))).Append(". ");
        }

        html.Append(Encode(request.Text(service.Description))).Append(' ')
            .Append(Encode(request.Text(texts.ProviderLabel))).Append(request.Language.Colon).Append(Encode(service.Provider)).Append('.');
        html.Append("</p>");
        if (service.Cookies.Count > 0)
        {
            html.Append("<details class=\"ec-details\"><summary>").Append(Encode(Fill(request.Text(texts.CookiesCaption), request, service)))
                .Append("</summary><ul>");
            foreach (var cookie in service.Cookies)
            {
                html.Append("<li><code>").Append(Encode(cookie.Name)).Append("</code>").Append(request.Language.Colon).Append(Encode(Lifetime(request, cookie)));
                var role = request.Text(cookie.Description);
                if (role.Length > 0)
                {
                    html.Append(". ").Append(Encode(role));
                }

                html.Append("</li>");
            }

            html.Append("</ul></details>");
        }

        html.Append("</div>");
    }

    private static void CookiePageService(StringBuilder html, WidgetRequest request, ServiceDefinition service, PurposeDefinition purpose, int headingLevel)
    {
        var texts = request.Policy.Texts;
        var id = "ent-consent-about-" + service.Id;
        html.Append("<article class=\"ec-service\" aria-labelledby=\"").Append(Encode(id)).Append("\">");
        Heading(html, headingLevel, id, request.Text(service.Name));
        html.Append("<p>").Append(Encode(request.Text(service.Description))).Append("</p><dl class=\"ec-facts\">");
        Fact(html, request.Text(texts.CategoryLabel), request.Text(CategoryText(texts, service.Category)));
        Fact(html, request.Text(texts.ProviderLabel), service.Provider);
        Fact(html, request.Text(texts.PurposeLabel), request.Text(purpose.Name));
        Fact(html, request.Text(texts.LegalBasisLabel), request.Text(LegalBasisText(texts, service.LegalBasis)));
        var justification = request.Text(service.Justification);
        if (service.Category != ServiceCategory.ConsentRequired && justification.Length > 0)
        {
            Fact(html, request.Text(texts.JustificationLabel), justification);
        }

        html.Append("</dl>");
        if (service.PrivacyPolicyUrl is { } privacy)
        {
            html.Append("<p><a href=\"").Append(Encode(privacy.OriginalString)).Append("\">")
                .Append(Encode(Fill(request.Text(texts.PrivacyPolicyLabel), request, service))).Append("</a></p>");
        }

        if (service.Cookies.Count == 0)
        {
            html.Append("<p>").Append(Encode(request.Text(texts.NoCookies))).Append("</p>");
        }
        else
        {
            html.Append("<div class=\"ec-table\"><table><caption>").Append(Encode(Fill(request.Text(texts.CookiesCaption), request, service))).Append("</caption>")
                .Append("<thead><tr><th scope=\"col\">").Append(Encode(request.Text(texts.CookieNameLabel)))
                .Append("</th><th scope=\"col\">").Append(Encode(request.Text(texts.CookieLifetimeLabel)))
                .Append("</th><th scope=\"col\">").Append(Encode(request.Text(texts.CookieRoleLabel))).Append("</th></tr></thead><tbody>");
            foreach (var cookie in service.Cookies)
            {
                html.Append("<tr><th scope=\"row\"><code>").Append(Encode(cookie.Name)).Append("</code></th><td>")
                    .Append(Encode(Lifetime(request, cookie))).Append("</td><td>").Append(Encode(request.Text(cookie.Description))).Append("</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        if (service.Category == ServiceCategory.ExemptAudience)
        {
            // The opt-out, right where the measurement is described.
            var toggleId = "ent-consent-optout-" + service.Id;
            html.Append("<form class=\"ec-optout\" method=\"post\" action=\"").Append(Encode(request.ConsentUrl))
                .Append("\" data-ent-consent-form data-ent-consent-channel=\"" + PreferenceCentre + "\">");
            HiddenFields(html, request);
            html.Append("<input type=\"hidden\" name=\"" + ConsentHttpNames.Decide + "\" value=\"").Append(Encode(service.Id)).Append("\">")
                .Append("<p class=\"ec-toggle\"><input type=\"checkbox\" id=\"").Append(Encode(toggleId)).Append("\" name=\"" + ConsentHttpNames.Grant + "\" value=\"")
                .Append(Encode(service.Id)).Append("\" data-ent-consent-service=\"").Append(Encode(service.Id)).Append('"')
                .Append(request.IsAllowed(service.Id) ? " checked" : string.Empty)
                .Append("><label for=\"").Append(Encode(toggleId)).Append("\">").Append(Encode(request.Text(texts.AudienceOptOut)))
                .Append("</label></p>");
            ActionButton(html, ConsentHttpNames.Save, request.Text(texts.Save));
            html.Append("</form>");
        }

        html.Append("</article>");
    }

    private static void JointConsentNotice(StringBuilder html, WidgetRequest request)
    {
        if (request.ShowsJointConsentNotice)
        {
            html.Append("<p class=\"ec-minor\" data-ent-consent-minor>").Append(Encode(request.Text(request.Policy.Texts.MinorNotice))).Append("</p>");
        }
    }

    private static void HiddenFields(StringBuilder html, WidgetRequest request)
    {
        html.Append("<input type=\"hidden\" name=\"").Append(Encode(request.AntiforgeryFieldName)).Append("\" value=\"").Append(Encode(request.AntiforgeryToken)).Append("\">")
            .Append("<input type=\"hidden\" name=\"" + ConsentHttpNames.ReturnUrl + "\" value=\"").Append(Encode(request.ReturnUrl)).Append("\">");
    }

    private static void ActionButton(StringBuilder html, string action, string label)
    {
        html.Append("<button type=\"submit\" class=\"ec-btn\" name=\"" + ConsentHttpNames.Action + "\" value=\"").Append(action)
            .Append("\" data-ent-consent-action=\"").Append(action).Append("\">").Append(Encode(label)).Append("</button>");
    }

    private static void Heading(StringBuilder html, int level, string id, string text)
    {
        level = Math.Clamp(level, 1, 6);
        html.Append("<h").Append(level).Append(" class=\"ec-title\" id=\"").Append(Encode(id)).Append("\">").Append(Encode(text))
            .Append("</h").Append(level).Append('>');
    }

    private static void Fact(StringBuilder html, string label, string value)
        => html.Append("<dt>").Append(Encode(label)).Append("</dt><dd>").Append(Encode(value)).Append("</dd>");

    private static LocalizedText CategoryText(ConsentTexts texts, ServiceCategory category) => category switch
    {
        ServiceCategory.Essential => texts.CategoryEssential,
        ServiceCategory.ExemptAudience => texts.CategoryExemptAudience,
        _ => texts.CategoryConsentRequired,
    };

    private static LocalizedText LegalBasisText(ConsentTexts texts, LegalBasis basis) => basis switch
    {
        LegalBasis.Contract => texts.LegalBasisContract,
        LegalBasis.LegalObligation => texts.LegalBasisLegalObligation,
        LegalBasis.VitalInterests => texts.LegalBasisVitalInterests,
        LegalBasis.PublicInterest => texts.LegalBasisPublicInterest,
        LegalBasis.LegitimateInterests => texts.LegalBasisLegitimateInterests,
        _ => texts.LegalBasisConsent,
    };

    private static string Lifetime(WidgetRequest request, CookieDefinition cookie)
        => cookie.Lifetime is { } lifetime ? request.Language.Lifetime(lifetime) : request.Text(request.Policy.Texts.SessionCookie);

    private static string Fill(string text, WidgetRequest request, ServiceDefinition? service = null)
    {
        text = text.Replace("{controllers}", JoinControllers(request), StringComparison.Ordinal);
        if (service is not null)
        {
            text = text.Replace("{service}", request.Text(service.Name), StringComparison.Ordinal)
                .Replace("{provider}", service.Provider, StringComparison.Ordinal);
        }

        return text;
    }

    private static string JoinControllers(WidgetRequest request) => request.Language.Join(request.Policy.Controllers);

    // On every root the widget writes, so its language and direction hold inside a page in another one.
    private static string LanguageAttributes(WidgetRequest request)
        => $" lang=\"{Encode(request.Language.Name)}\" dir=\"{request.Language.Direction}\"";

    private static string ThemeAttribute(WidgetRequest request)
        => request.Theme == ConsentWidgetTheme.Dsfr ? " data-ent-consent-theme=\"dsfr\"" : string.Empty;

    private static string NonceAttribute(string? nonce)
        => string.IsNullOrEmpty(nonce) ? string.Empty : $" nonce=\"{Encode(nonce)}\"";

    internal static string Encode(string text) => Encoder.Encode(text);
}
