using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.Widget.Tests;

/// <summary>
/// <see cref="IConsentWidget.RenderParts"/> reads the request once for a page's four parts: the markup must be what the
/// four renderings give one by one, and the banner's antiforgery token must stay in the banner.
/// </summary>
public sealed class RenderPartsTests
{
    private const string Nonce = "cGFydHNub25jZQ";

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void The_four_parts_at_once_are_the_four_renderings_one_by_one(bool pending)
    {
        var widget = Widget(pending);
        var context = Request();

        var parts = widget.RenderParts(context, Nonce);

        // Same request: the antiforgery token the banner stored is the one the separate banner reuses.
        Assert.Equal(widget.RenderHeadTags(context, Nonce).ToString(), parts.HeadTags.ToString());
        Assert.Equal(widget.RenderBanner(context).ToString(), parts.Banner.ToString());
        Assert.Equal(widget.RenderManageButton(context).ToString(), parts.ManageButton.ToString());
        Assert.Equal(widget.RenderScriptTags(context, Nonce).ToString(), parts.ScriptTags.ToString());
        Assert.Contains(" nonce=\"" + Nonce + "\"", parts.HeadTags.ToString(), StringComparison.Ordinal);
        Assert.Equal(pending, parts.Banner.ToString()!.Contains("__RequestVerificationToken", StringComparison.Ordinal));
    }

    [Fact]
    public void A_pending_visitors_token_is_in_the_banner_and_nowhere_else()
    {
        var context = Request();

        var parts = Widget(pending: true).RenderParts(context, Nonce);

        var token = context.RequestServices.GetRequiredService<IAntiforgery>().GetAndStoreTokens(context).RequestToken!;
        Assert.Contains(token, parts.Banner.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(token, parts.HeadTags.ToString() + parts.ManageButton + parts.ScriptTags, StringComparison.Ordinal);
    }

    private static HttpContext Request() => new DefaultHttpContext { RequestServices = Renderings.Services, Request = { Path = "/cours", QueryString = new QueryString("?jour=lundi") } };

    private static ConsentWidget Widget(bool pending) => Renderings.Widget(pending, static id => id == "matomo");
}
