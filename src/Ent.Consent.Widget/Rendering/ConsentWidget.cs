using System.Globalization;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Options;
using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Endpoints;
using Ent.Consent.AspNetCore.Enforcement;
using Microsoft.Extensions.Hosting;

namespace Ent.Consent.Widget;

/// <summary>The <see cref="IConsentWidget"/> registered by <see cref="Microsoft.Extensions.DependencyInjection.ConsentWidgetEntConsentBuilderExtensions.AddWidget"/>.</summary>
internal sealed class ConsentWidget(
    IConsentStateReader stateReader,
    IAntiforgery antiforgery,
    IOptions<AntiforgeryOptions> antiforgeryOptions,
    IOptions<ConsentWidgetOptions> options,
    IOptions<EntConsentOptions> consentOptions,
    IHostEnvironment? environment = null) : IConsentWidget
{
    private readonly ConsentWidgetOptions _options = options.Value;
    private readonly AntiforgeryOptions _antiforgery = antiforgeryOptions.Value;

    // The prefix MapEntConsent maps at: one setting, so the forms cannot post elsewhere.
    private readonly PathString _consentPath = consentOptions.Value.PathPrefix;
    private readonly bool _dropUndeclaredCookies = consentOptions.Value.UndeclaredCookies == UndeclaredCookieMode.Enforce;
    private readonly bool _development = environment?.IsDevelopment() == true;

    // The nonce the host already gave Ent.Consent for its policy: the widget's tags need the same one.
    private readonly Func<HttpContext, string?>? _nonce = consentOptions.Value.ContentSecurityPolicy.Nonce;

    public IHtmlContent RenderBanner(HttpContext context)
    {
        // Only the banner's forms need a token: a visitor who already chose gets none (no antiforgery cookie, no
        // no-cache header), and the dialog comes from {prefix}/dialog when opened.
        return Banner(CreateRequest(context, withToken: TokenWhen.Pending));
    }

    public ConsentWidgetParts RenderParts(HttpContext context, string? nonce = null)
    {
        // One reading of the request for the four parts; the banner's token (a pending visitor's) stays in the banner.
        var request = CreateRequest(context, withToken: TokenWhen.Pending);
        var tokenless = request.AntiforgeryToken.Length == 0 ? request : request.WithValues(string.Empty, request.ReturnUrl, request.CookiePageUrl);
        nonce ??= _nonce?.Invoke(context);
        // The head tags first, as a page renders them: they may start the exempt audience deposit cycle.
        var head = new HtmlParts(WidgetRenderer.HeadTagParts(tokenless, nonce));
        return new ConsentWidgetParts(
            head,
            Banner(request),
            new HtmlParts(WidgetTemplates.ManageButtonParts(tokenless)),
            new HtmlParts(WidgetRenderer.ScriptTagParts(tokenless, nonce)));
    }

    private static IHtmlContent Banner(WidgetRequest request)
    {
        if (!request.Pending)
        {
            return request.AccountChoiceApplied ? new HtmlString(WidgetRenderer.AccountChoiceNotice(request)) : HtmlString.Empty;
        }

        var html = WidgetTemplates.Banner(request);
        return new HtmlString(request.AccountChoiceApplied ? WidgetRenderer.AccountChoiceNotice(request) + html : html);
    }

    /// <summary>The preference centre's closed <c>&lt;dialog&gt;</c>, for <c>GET {prefix}/dialog</c>: the script fetches it when opened.</summary>
    internal string RenderDialog(HttpContext context, string returnUrl, CultureInfo? culture)
        => WidgetTemplates.Dialog(CreateRequest(context, returnUrl: returnUrl, culture: culture));

    public IHtmlContent RenderPreferences(HttpContext context, int headingLevel = 1)
        => new HtmlString(WidgetRenderer.Preferences(CreateRequest(context), headingLevel));

    public IHtmlContent RenderCookiePage(HttpContext context, int headingLevel = 1)
        => new HtmlString(WidgetRenderer.CookiePage(CreateRequest(context), headingLevel));

    public IHtmlContent RenderPlaceholder(HttpContext context, string serviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        return new HtmlString(WidgetRenderer.Placeholder(CreateRequest(context, withToken: TokenWhen.Storable), serviceId));
    }

    public IHtmlContent RenderManageButton(HttpContext context)
        => new HtmlParts(WidgetTemplates.ManageButtonParts(CreateRequest(context, withToken: TokenWhen.Never)));

    public IHtmlContent RenderHeadTags(HttpContext context, string? nonce = null)
        => new HtmlParts(WidgetRenderer.HeadTagParts(CreateRequest(context, withToken: TokenWhen.Never), nonce ?? _nonce?.Invoke(context)));

    public IHtmlContent RenderScriptTags(HttpContext context, string? nonce = null)
        => new HtmlParts(WidgetRenderer.ScriptTagParts(CreateRequest(context, withToken: TokenWhen.Never), nonce ?? _nonce?.Invoke(context)));

    internal WidgetRequest CreateRequest(HttpContext context, TokenWhen withToken = TokenWhen.Always, string? returnUrl = null, CultureInfo? culture = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var view = stateReader.Read(context);
        var token = withToken switch
        {
            TokenWhen.Always => true,
            TokenWhen.Pending => view.IsPending,
            TokenWhen.Storable => CanStoreToken(context),
            _ => false,
        };
        var consentUrl = context.Request.PathBase.Add(_consentPath).Value ?? string.Empty;
        returnUrl ??= CurrentUrl(context);
        var response = ConsentResponse.Of(context);
        return new WidgetRequest
        {
            Policy = view.Policy,
            State = view.State,
            Pending = view.IsPending,
            SubjectIsMinor = view.SubjectIsMinor,
            FollowsAccount = view.FollowsAccount,
            AccountChoiceApplied = view.IsRestoredFromAccount,
            IsWaitingForGuardians = view.IsWaitingForGuardians ?? WidgetRequest.NeverWaiting,
            Culture = culture ?? context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture ?? CultureInfo.CurrentUICulture,
            AntiforgeryToken = token ? StoreToken(context) : string.Empty,
            // The host's names, so that customised AntiforgeryOptions do not break the widget's forms.
            AntiforgeryFieldName = _antiforgery.FormFieldName,
            AntiforgeryHeaderName = _antiforgery.HeaderName,
            IsAllowed = view.IsAllowed,
            ReturnUrl = returnUrl,
            ConsentUrl = consentUrl,
            // Null: the widget's own cookie page, linking back to where the user came from, built when first read.
            CookiePageUrl = _options.CookiePageUrl!,
            Theme = _options.Theme,
            ExemptAudienceDeadline = response is null ? static () => null : response.ExemptAudienceDeadlineCheck,
            NeedsNewPageToAllow = response is null ? static _ => false : response.PageBlocksHostsCheck,
            DropUndeclaredCookies = _dropUndeclaredCookies,
            Development = _development,
        };
    }

    private string StoreToken(HttpContext context)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        context.Items[TokenStoredKey] = true;
        return tokens.RequestToken ?? string.Empty;
    }

    /// <summary>
    /// Whether a token can be given now: before the response starts (its cookie can still go out), or after it when
    /// the request already carries the antiforgery cookie or an earlier rendering of this request stored one. A page
    /// streamed by the gateway renders placeholders after its head has gone.
    /// </summary>
    private bool CanStoreToken(HttpContext context)
        => !context.Response.HasStarted
            || context.Items.ContainsKey(TokenStoredKey)
            || (_antiforgery.Cookie.Name is { } name && context.Request.Cookies.ContainsKey(name));

    private static readonly object TokenStoredKey = new();

    /// <summary>The request's own path and query, path base included: where the forms bring the user back.</summary>
    internal static string CurrentUrl(HttpContext context)
    {
        var url = context.Request.PathBase.Add(context.Request.Path).Value ?? "/";
        return LocalUrl.OrRoot((url.Length == 0 ? "/" : url) + context.Request.QueryString.Value);
    }
}

/// <summary>When a rendering carries an antiforgery token.</summary>
internal enum TokenWhen
{
    /// <summary>No form that posts.</summary>
    Never,

    /// <summary>Forms that post: the dialog, the stand-alone pages.</summary>
    Always,

    /// <summary>Only while a choice is pending (the banner's forms).</summary>
    Pending,

    /// <summary>When the token's cookie can still be stored (a placeholder, perhaps rendered after the response started).</summary>
    Storable,
}
