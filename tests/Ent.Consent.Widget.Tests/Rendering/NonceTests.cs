using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Widget.Tests;

/// <summary>
/// A host that gave Ent.Consent its policy's nonce (<c>ContentSecurityPolicy.Nonce</c>) writes
/// <c>&lt;ent-consent-head /&gt;</c> and <c>&lt;ent-consent-scripts /&gt;</c> without repeating it.
/// </summary>
public sealed class NonceTests
{
    private static readonly object NonceKey = new();

    [Fact]
    public void Without_a_nonce_argument_the_tags_carry_the_nonce_the_host_gave_ent_consent_for_this_request()
    {
        var widget = Widget(static context => (string)context.Items[NonceKey]!);
        var context = Request("bm9uY2Ux");

        var tags = widget.RenderHeadTags(context).ToString() + widget.RenderScriptTags(context);

        // Every script and the stylesheet link.
        Assert.Equal(Count(tags, "<script") + Count(tags, "<link"), Count(tags, " nonce=\"bm9uY2Ux\""));
        Assert.True(Count(tags, "<script") >= 4, tags);
    }

    [Fact]
    public void A_nonce_argument_wins_and_without_either_no_nonce_is_written()
    {
        var configured = Widget(static _ => "Y29uZmlndXJlZA==");
        var context = Request("unused");
        Assert.DoesNotContain("Y29uZmlndXJlZA==", configured.RenderHeadTags(context, "ZXhwbGljaXQ=").ToString(), StringComparison.Ordinal);
        Assert.Contains(" nonce=\"ZXhwbGljaXQ=\"", configured.RenderScriptTags(context, "ZXhwbGljaXQ=").ToString(), StringComparison.Ordinal);

        var none = Widget(nonce: null);
        Assert.DoesNotContain("nonce=", none.RenderHeadTags(context).ToString() + none.RenderScriptTags(context), StringComparison.Ordinal);
    }

    private static HttpContext Request(string nonce)
    {
        var context = new DefaultHttpContext();
        context.Items[NonceKey] = nonce;
        context.Request.Path = "/";
        return context;
    }

    private static ConsentWidget Widget(Func<HttpContext, string?>? nonce)
    {
        var consentOptions = new EntConsentOptions();
        consentOptions.ContentSecurityPolicy.Nonce = nonce;
        return Renderings.Widget(pending: true, isAllowed: static _ => false, consentOptions);
    }

    private static int Count(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + part.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
