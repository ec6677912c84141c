using Microsoft.AspNetCore.Html;

namespace Ent.Consent.Widget;

/// <summary>The widget's parts of one page, from <see cref="IConsentWidget.RenderParts"/>.</summary>
public sealed class ConsentWidgetParts
{
    /// <summary>Creates the parts of one page.</summary>
    /// <param name="headTags">What <see cref="IConsentWidget.RenderHeadTags"/> gives.</param>
    /// <param name="banner">What <see cref="IConsentWidget.RenderBanner"/> gives.</param>
    /// <param name="manageButton">What <see cref="IConsentWidget.RenderManageButton"/> gives.</param>
    /// <param name="scriptTags">What <see cref="IConsentWidget.RenderScriptTags"/> gives.</param>
    public ConsentWidgetParts(IHtmlContent headTags, IHtmlContent banner, IHtmlContent manageButton, IHtmlContent scriptTags)
    {
        ArgumentNullException.ThrowIfNull(headTags);
        ArgumentNullException.ThrowIfNull(banner);
        ArgumentNullException.ThrowIfNull(manageButton);
        ArgumentNullException.ThrowIfNull(scriptTags);
        HeadTags = headTags;
        Banner = banner;
        ManageButton = manageButton;
        ScriptTags = scriptTags;
    }

    /// <summary>For the head, before any other script.</summary>
    public IHtmlContent HeadTags { get; }

    /// <summary>For the start of the body; empty once the visitor has chosen.</summary>
    public IHtmlContent Banner { get; }

    /// <summary>For every page (a footer).</summary>
    public IHtmlContent ManageButton { get; }

    /// <summary>For the end of the body.</summary>
    public IHtmlContent ScriptTags { get; }
}
