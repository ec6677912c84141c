using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Mvc.ViewFeatures;
using Microsoft.AspNetCore.Razor.TagHelpers;
using Microsoft.Extensions.Options;
using Ent.Consent.AspNetCore;

namespace Ent.Consent.Widget.TagHelpers;

/// <summary>
/// Base of the widget's tag helpers: the element is replaced by what <see cref="IConsentWidget"/> renders. Enable them
/// with <c>@addTagHelper *, Ent.Consent.Widget</c>.
/// </summary>
public abstract class ConsentWidgetTagHelper : TagHelper
{
    /// <summary>Creates the tag helper around the registered widget.</summary>
    protected ConsentWidgetTagHelper(IConsentWidget widget)
    {
        Widget = widget;
    }

    /// <summary>The view being rendered; set by Razor.</summary>
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    /// <summary>The widget that renders the content.</summary>
    protected IConsentWidget Widget { get; }

    /// <inheritdoc />
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.TagName = null;
        output.Content.SetHtmlContent(Render(ViewContext.HttpContext));
    }

    /// <summary>The HTML that replaces the element.</summary>
    protected abstract IHtmlContent Render(HttpContext context);
}

/// <summary><c>&lt;ent-consent-banner /&gt;</c>: <see cref="IConsentWidget.RenderBanner"/>.</summary>
[HtmlTargetElement("ent-consent-banner", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ConsentBannerTagHelper(IConsentWidget widget) : ConsentWidgetTagHelper(widget)
{
    /// <inheritdoc />
    protected override IHtmlContent Render(HttpContext context) => Widget.RenderBanner(context);
}

/// <summary><c>&lt;ent-consent-manage /&gt;</c>: <see cref="IConsentWidget.RenderManageButton"/>.</summary>
[HtmlTargetElement("ent-consent-manage", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ConsentManageTagHelper(IConsentWidget widget) : ConsentWidgetTagHelper(widget)
{
    /// <inheritdoc />
    protected override IHtmlContent Render(HttpContext context) => Widget.RenderManageButton(context);
}

/// <summary><c>&lt;ent-consent-head /&gt;</c>: <see cref="IConsentWidget.RenderHeadTags"/>.</summary>
[HtmlTargetElement("ent-consent-head", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ConsentHeadTagHelper(IConsentWidget widget) : ConsentWidgetTagHelper(widget)
{
    /// <summary>
    /// The page's Content-Security-Policy nonce, if any. Not needed when the host gave it to Ent.Consent
    /// (<see cref="Ent.Consent.AspNetCore.ConsentContentSecurityPolicyOptions.Nonce"/>): that one is used.
    /// </summary>
    public string? Nonce { get; set; }

    /// <inheritdoc />
    protected override IHtmlContent Render(HttpContext context) => Widget.RenderHeadTags(context, Nonce);
}

/// <summary><c>&lt;ent-consent-scripts /&gt;</c>: <see cref="IConsentWidget.RenderScriptTags"/>.</summary>
[HtmlTargetElement("ent-consent-scripts", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ConsentScriptsTagHelper(IConsentWidget widget) : ConsentWidgetTagHelper(widget)
{
    /// <summary>
    /// The page's Content-Security-Policy nonce, if any. Not needed when the host gave it to Ent.Consent
    /// (<see cref="Ent.Consent.AspNetCore.ConsentContentSecurityPolicyOptions.Nonce"/>): that one is used.
    /// </summary>
    public string? Nonce { get; set; }

    /// <inheritdoc />
    protected override IHtmlContent Render(HttpContext context) => Widget.RenderScriptTags(context, Nonce);
}

/// <summary><c>&lt;ent-consent-preferences heading-level="1" /&gt;</c>: <see cref="IConsentWidget.RenderPreferences"/>.</summary>
[HtmlTargetElement("ent-consent-preferences", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ConsentPreferencesTagHelper(IConsentWidget widget) : ConsentWidgetTagHelper(widget)
{
    /// <summary>The level of the preference centre's heading (1 to 6); default 1.</summary>
    public int HeadingLevel { get; set; } = 1;

    /// <inheritdoc />
    protected override IHtmlContent Render(HttpContext context) => Widget.RenderPreferences(context, HeadingLevel);
}

/// <summary><c>&lt;ent-consent-cookie-page heading-level="1" /&gt;</c>: <see cref="IConsentWidget.RenderCookiePage"/>.</summary>
[HtmlTargetElement("ent-consent-cookie-page", TagStructure = TagStructure.WithoutEndTag)]
public sealed class ConsentCookiePageTagHelper(IConsentWidget widget) : ConsentWidgetTagHelper(widget)
{
    /// <summary>The level of the page's heading (1 to 6); default 1.</summary>
    public int HeadingLevel { get; set; } = 1;

    /// <inheritdoc />
    protected override IHtmlContent Render(HttpContext context) => Widget.RenderCookiePage(context, HeadingLevel);
}

/// <summary>
/// <c>&lt;iframe data-ent-consent="youtube" data-src="…"&gt;</c>: while the service is not allowed, the iframe is
/// written <c>hidden</c> with <see cref="IConsentWidget.RenderPlaceholder"/> right before it, so a page read without
/// JavaScript explains what is blocked and how to allow it; once allowed, it is written with its <c>src</c>, so it loads
/// without script too. The script swaps one for the other in place.
/// </summary>
[HtmlTargetElement("iframe", Attributes = ServiceAttribute)]
public sealed class ConsentBlockedFrameTagHelper(IConsentWidget widget) : TagHelper
{
    private const string ServiceAttribute = "data-ent-consent";

    /// <summary>The view being rendered; set by Razor.</summary>
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    /// <inheritdoc />
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        var serviceId = context.AllAttributes[ServiceAttribute]?.Value?.ToString();
        if (string.IsNullOrEmpty(serviceId))
        {
            return;
        }

        var placeholder = widget.RenderPlaceholder(ViewContext.HttpContext, serviceId);
        if (placeholder is HtmlString { Value: { Length: 0 } })
        {
            // Allowed: the embed loads as is, with or without script.
            if (!output.Attributes.ContainsName("src") && context.AllAttributes["data-src"]?.Value is { } source)
            {
                output.Attributes.SetAttribute("src", source);
            }

            return;
        }

        output.Attributes.RemoveAll("src");
        if (!output.Attributes.ContainsName("hidden"))
        {
            output.Attributes.Add(new TagHelperAttribute("hidden"));
        }

        output.PreElement.AppendHtml(placeholder);
    }
}

/// <summary>
/// <c>&lt;script type="text/plain" data-ent-consent="dnma" src="…"&gt;</c>: a script held until its service is
/// allowed gets the nonce the host gave Ent.Consent
/// (<see cref="Ent.Consent.AspNetCore.ConsentContentSecurityPolicyOptions.Nonce"/>) when it carries none, so the
/// widget's script can run it under a strict Content-Security-Policy without the page repeating the nonce.
/// </summary>
[HtmlTargetElement("script", Attributes = ServiceAttribute)]
public sealed class ConsentBlockedScriptTagHelper(IOptions<EntConsentOptions> options) : TagHelper
{
    private const string ServiceAttribute = "data-ent-consent";
    private readonly Func<HttpContext, string?>? _nonce = options.Value.ContentSecurityPolicy.Nonce;

    /// <summary>The view being rendered; set by Razor.</summary>
    [ViewContext]
    [HtmlAttributeNotBound]
    public ViewContext ViewContext { get; set; } = null!;

    /// <inheritdoc />
    public override void Process(TagHelperContext context, TagHelperOutput output)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(output);
        if (!output.Attributes.ContainsName("nonce") && _nonce?.Invoke(ViewContext.HttpContext) is { Length: > 0 } nonce)
        {
            output.Attributes.SetAttribute("nonce", nonce);
        }
    }
}
