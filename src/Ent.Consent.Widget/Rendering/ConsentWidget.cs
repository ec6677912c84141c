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
        var request = CreateRequest(context);
        // The dialog's form is always there, so the token is always needed; the rest comes from a stored template.
        var html = WidgetTemplates.BannerAndDialog(request);
        return new HtmlString(request.AccountChoiceApplied ? WidgetRenderer.AccountChoiceNotice(request) + html : html);
    }

    public IHtmlContent RenderPreferences(HttpContext context, int headingLevel = 1)
        => new HtmlString(WidgetRenderer.Preferences(CreateRequest(context), headingLevel));

    public IHtmlContent RenderCookiePage(HttpContext context, int headingLevel = 1)
        => new HtmlString(WidgetRenderer.CookiePage(CreateRequest(context), headingLevel));

    public IHtmlContent RenderPlaceholder(HttpContext context, string serviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        return new HtmlString(WidgetRenderer.Placeholder(CreateRequest(context), serviceId));
    }

    public IHtmlContent RenderManageButton(HttpContext context)
        => new HtmlString(WidgetRenderer.ManageButton(CreateRequest(context, withToken: false)));

    public IHtmlContent RenderHeadTags(HttpContext context, string? nonce = null)
        => new HtmlString(WidgetRenderer.HeadTags(CreateRequest(context, withToken: false), nonce ?? _nonce?.Invoke(context)));

    public IHtmlContent RenderScriptTags(HttpContext context, string? nonce = null)
        => new HtmlString(WidgetRenderer.ScriptTags(CreateRequest(context, withToken: false), nonce ?? _nonce?.Invoke(context)));

    internal WidgetRequest CreateRequest(HttpContext context, bool withToken = true, string? returnUrl = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        var view = stateReader.Read(context);
        var consentUrl = context.Request.PathBase.Add(_consentPath).Value ?? string.Empty;
        returnUrl ??= CurrentUrl(context);
        return new WidgetRequest
        {
            Policy = view.Policy,
            State = view.State,
            Pending = view.IsPending,
            SubjectIsMinor = view.SubjectIsMinor,
            FollowsAccount = view.FollowsAccount,
            AccountChoiceApplied = view.IsRestoredFromAccount,
            IsWaitingForGuardians = view.IsWaitingForGuardians ?? WidgetRequest.NeverWaiting,
            Culture = context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture ?? CultureInfo.CurrentUICulture,
            AntiforgeryToken = withToken ? antiforgery.GetAndStoreTokens(context).RequestToken ?? string.Empty : string.Empty,
            // The host's names, so that customised AntiforgeryOptions do not break the widget's forms.
            AntiforgeryFieldName = _antiforgery.FormFieldName,
            AntiforgeryHeaderName = _antiforgery.HeaderName,
            IsAllowed = view.IsAllowed,
            ReturnUrl = returnUrl,
            ConsentUrl = consentUrl,
            // The widget's own cookie page links back to where the user came from.
            CookiePageUrl = _options.CookiePageUrl ?? consentUrl + "/cookies?returnUrl=" + Uri.EscapeDataString(returnUrl),
            Theme = _options.Theme,
            ExemptAudienceDeadline = () => ConsentResponse.Of(context)?.ExemptAudienceDeadline(),
            NeedsNewPageToAllow = serviceId => ConsentResponse.Of(context)?.PageBlocksHostsOf(serviceId) == true,
            DropUndeclaredCookies = _dropUndeclaredCookies,
            Development = _development,
        };
    }

    /// <summary>The request's own path and query, path base included: where the forms bring the user back.</summary>
    internal static string CurrentUrl(HttpContext context)
    {
        var url = context.Request.PathBase.Add(context.Request.Path).Value ?? "/";
        return LocalUrl.OrRoot((url.Length == 0 ? "/" : url) + context.Request.QueryString.Value);
    }
}
