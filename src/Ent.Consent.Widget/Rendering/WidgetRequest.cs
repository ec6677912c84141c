using System.Globalization;

namespace Ent.Consent.Widget;

/// <summary>Everything one rendering depends on; the renderer reads nothing else, so equal inputs give equal HTML.</summary>
internal sealed class WidgetRequest
{
    public required ConsentPolicy Policy { get; init; }

    /// <summary>The request's valid choice, or null (none, expired, tampered, other policy or user).</summary>
    public required ConsentState? State { get; init; }

    /// <summary>Whether the user still has to choose: the banner shows.</summary>
    public required bool Pending { get; init; }

    /// <summary>Whether the signed-in subject is a minor (consent-required services then stay off unless the policy allows).</summary>
    public bool SubjectIsMinor { get; init; }

    /// <summary>Whether the choice follows the signed-in user's account to every device (the banner says so).</summary>
    public bool FollowsAccount { get; init; }

    /// <summary>Whether this request applied the account's choice made on another device (a notice says so).</summary>
    public bool AccountChoiceApplied { get; init; }

    /// <summary>Whether a minor granted the service and it waits for their guardians' agreement.</summary>
    public Func<string, bool> IsWaitingForGuardians { get; init; } = NeverWaiting;

    /// <summary>Whether the minor is told that a parent must also agree (joint consent is on).</summary>
    public bool ShowsJointConsentNotice => SubjectIsMinor && Policy.JointConsent != JointConsentRule.Off;

    public static Func<string, bool> NeverWaiting { get; } = static _ => false;

    public required CultureInfo Culture { get; init; }

    public required string AntiforgeryToken { get; init; }

    /// <summary>The form field the token goes in (<see cref="Microsoft.AspNetCore.Antiforgery.AntiforgeryOptions.FormFieldName"/>).</summary>
    public required string AntiforgeryFieldName { get; init; }

    /// <summary>The header the script sends the token in, or null when the host accepts it only from forms.</summary>
    public required string? AntiforgeryHeaderName { get; init; }

    /// <summary>Whether a service may run now: the server's one answer (<c>IConsentFeature.IsAllowed</c>), never recomputed.</summary>
    public required Func<string, bool> IsAllowed { get; init; }

    /// <summary>A local URL (path and query) the forms come back to.</summary>
    public required string ReturnUrl { get; init; }

    /// <summary>The consent endpoint, path base included (<c>/consent</c>).</summary>
    public required string ConsentUrl { get; init; }

    /// <summary>The cookie information page: the host's, or by default the widget's own, linking back to <see cref="ReturnUrl"/>.</summary>
    public string CookiePageUrl
    {
        // Built when first read: most pages (a returning visitor's) never show the link.
        get => _cookiePageUrl ??= ConsentUrl + "/cookies?returnUrl=" + Uri.EscapeDataString(ReturnUrl);
        init => _cookiePageUrl = value;
    }

    private string? _cookiePageUrl;

    public ConsentWidgetTheme Theme { get; init; }

    /// <summary>
    /// The first-deposit deadline of exempt audience cookies (asked only when one is allowed: asking may start a
    /// cycle, whose deposit cookie goes out with the response), or null when unknown.
    /// </summary>
    public Func<DateTimeOffset?> ExemptAudienceDeadline { get; init; } = static () => null;

    /// <summary>
    /// The choice's JSON once a rendering of this request has looked it up (<c>WidgetTemplates</c>): the head tags and
    /// the script tags of one page need the same, and this request's answers do not change between them.
    /// </summary>
    internal object? ChoiceJson { get; set; }

    /// <summary>Whether undeclared cookies are dropped (<c>EntConsentOptions.UndeclaredCookies</c> is <c>Enforce</c>).</summary>
    public bool DropUndeclaredCookies { get; init; } = true;

    /// <summary>Whether the host runs in Development: the guard then reports what it drops in the console.</summary>
    public bool Development { get; init; }

    /// <summary>
    /// Whether allowing the service needs a new page: the page's enforced consent-aware Content-Security-Policy leaves
    /// one of its hosts out, and a policy cannot be widened once sent.
    /// </summary>
    public Func<string, bool> NeedsNewPageToAllow { get; init; } = static _ => false;

    public string PreferencesUrl => ConsentUrl + "/preferences";

    /// <summary>This request with other per-request values: the markers <see cref="WidgetTemplates"/> splices at.</summary>
    public WidgetRequest WithValues(string antiforgeryToken, string returnUrl, string cookiePageUrl) => new()
    {
        Policy = Policy,
        State = State,
        Pending = Pending,
        SubjectIsMinor = SubjectIsMinor,
        FollowsAccount = FollowsAccount,
        AccountChoiceApplied = AccountChoiceApplied,
        IsWaitingForGuardians = IsWaitingForGuardians,
        Culture = Culture,
        AntiforgeryToken = antiforgeryToken,
        AntiforgeryFieldName = AntiforgeryFieldName,
        AntiforgeryHeaderName = AntiforgeryHeaderName,
        IsAllowed = IsAllowed,
        ReturnUrl = returnUrl,
        ConsentUrl = ConsentUrl,
        CookiePageUrl = cookiePageUrl,
        Theme = Theme,
        ExemptAudienceDeadline = ExemptAudienceDeadline,
        DropUndeclaredCookies = DropUndeclaredCookies,
        Development = Development,
        NeedsNewPageToAllow = NeedsNewPageToAllow,
    };

    /// <summary>The language the texts come out in, for <c>lang</c> and <c>dir</c> and the lifetimes in words.</summary>
    public WidgetLanguage Language => _language ??= WidgetLanguage.For(Culture, Policy.Texts.BannerTitle);

    private WidgetLanguage? _language;

    public string Text(LocalizedText text) => text.Resolve(Culture);
}
