using Ent.Consent.AspNetCore;
using Ent.Consent.Widget.TagHelpers;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Rendering;
using Microsoft.AspNetCore.Razor.TagHelpers;

namespace Ent.Consent.Widget.Tests;

public sealed class TagHelperTests
{
    private readonly RecordingWidget _widget = new();
    private readonly HttpContext _http = new DefaultHttpContext();

    [Fact]
    public void Each_tag_helper_replaces_its_element_with_what_the_widget_renders_for_the_request()
    {
        Assert.Equal("banner", Run(new ConsentBannerTagHelper(_widget)));
        Assert.Equal("manage", Run(new ConsentManageTagHelper(_widget)));
        Assert.Equal("head:n1", Run(new ConsentHeadTagHelper(_widget) { Nonce = "n1" }));
        Assert.Equal("scripts:n2", Run(new ConsentScriptsTagHelper(_widget) { Nonce = "n2" }));
        Assert.Equal("preferences:2", Run(new ConsentPreferencesTagHelper(_widget) { HeadingLevel = 2 }));
        Assert.Equal("cookies:1", Run(new ConsentCookiePageTagHelper(_widget)));
        Assert.All(_widget.Contexts, context => Assert.Same(_http, context));
    }

    [Fact]
    public void A_blocked_iframe_is_hidden_behind_the_server_placeholder_and_loses_any_src()
    {
        var output = RunFrame("youtube", src: "https://www.youtube.com/embed/x");

        Assert.Equal("iframe", output.TagName);
        Assert.True(output.Attributes.ContainsName("hidden"));
        Assert.False(output.Attributes.ContainsName("src"));
        Assert.Equal("placeholder:youtube", output.PreElement.GetContent());
    }

    [Fact]
    public void An_allowed_iframe_gets_its_src_and_no_placeholder()
    {
        var output = RunFrame(RecordingWidget.AllowedService, src: null);

        Assert.False(output.Attributes.ContainsName("hidden"));
        Assert.Equal("https://videos.example/embed", output.Attributes["src"].Value);
        Assert.Equal(string.Empty, output.PreElement.GetContent());
    }

    [Theory]
    [InlineData(null, "bm9uY2Ux")]
    [InlineData("ZXhwbGljaXQ=", "ZXhwbGljaXQ=")]
    public void A_held_script_gets_the_nonce_given_to_ent_consent_unless_it_has_its_own(string? own, string expected)
    {
        var options = new EntConsentOptions();
        options.ContentSecurityPolicy.Nonce = static _ => "bm9uY2Ux";
        var helper = new ConsentBlockedScriptTagHelper(Microsoft.Extensions.Options.Options.Create(options)) { ViewContext = new ViewContext { HttpContext = _http } };
        var attributes = new TagHelperAttributeList { { "type", "text/plain" }, { "data-ent-consent", "dnma" } };
        if (own is not null)
        {
            attributes.Add("nonce", own);
        }

        var context = new TagHelperContext(new TagHelperAttributeList(attributes), new Dictionary<object, object>(), "id");
        var output = new TagHelperOutput("script", new TagHelperAttributeList(attributes), (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));

        helper.Process(context, output);

        Assert.Equal(expected, output.Attributes["nonce"].Value?.ToString());
        Assert.Single(output.Attributes, static a => a.Name == "nonce");
    }

    [Fact]
    public void A_held_script_gets_no_nonce_when_none_was_given_to_ent_consent()
    {
        var helper = new ConsentBlockedScriptTagHelper(Microsoft.Extensions.Options.Options.Create(new EntConsentOptions())) { ViewContext = new ViewContext { HttpContext = _http } };
        var attributes = new TagHelperAttributeList { { "data-ent-consent", "dnma" } };
        var output = new TagHelperOutput("script", new TagHelperAttributeList(attributes), (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));

        helper.Process(new TagHelperContext(attributes, new Dictionary<object, object>(), "id"), output);

        Assert.False(output.Attributes.ContainsName("nonce"));
    }

    private TagHelperOutput RunFrame(string serviceId, string? src)
    {
        var helper = new ConsentBlockedFrameTagHelper(_widget) { ViewContext = new ViewContext { HttpContext = _http } };
        TagHelperAttribute[] attributes = [new("data-ent-consent", serviceId), new("data-src", "https://videos.example/embed"), .. src is null ? Array.Empty<TagHelperAttribute>() : [new("src", src)]];
        var context = new TagHelperContext(new TagHelperAttributeList(attributes), new Dictionary<object, object>(), "id");
        var output = new TagHelperOutput("iframe", new TagHelperAttributeList(attributes), (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));
        helper.Process(context, output);
        Assert.Same(_http, Assert.Single(_widget.Contexts));
        return output;
    }

    private string Run(ConsentWidgetTagHelper helper)
    {
        helper.ViewContext = new ViewContext { HttpContext = _http };
        var context = new TagHelperContext([], new Dictionary<object, object>(), "id");
        var output = new TagHelperOutput("ent-consent-x", [], (_, _) => Task.FromResult<TagHelperContent>(new DefaultTagHelperContent()));
        helper.Process(context, output);
        Assert.Null(output.TagName);
        return output.Content.GetContent();
    }

    private sealed class RecordingWidget : IConsentWidget
    {
        public List<HttpContext> Contexts { get; } = [];

        public IHtmlContent RenderBanner(HttpContext context) => Record(context, "banner");

        public IHtmlContent RenderPreferences(HttpContext context, int headingLevel = 1) => Record(context, $"preferences:{headingLevel}");

        public IHtmlContent RenderCookiePage(HttpContext context, int headingLevel = 1) => Record(context, $"cookies:{headingLevel}");

        public const string AllowedService = "allowed-service";

        public IHtmlContent RenderManageButton(HttpContext context) => Record(context, "manage");

        public IHtmlContent RenderPlaceholder(HttpContext context, string serviceId)
            => Record(context, serviceId == AllowedService ? string.Empty : $"placeholder:{serviceId}");

        public IHtmlContent RenderHeadTags(HttpContext context, string? nonce = null) => Record(context, $"head:{nonce}");

        public IHtmlContent RenderScriptTags(HttpContext context, string? nonce = null) => Record(context, $"scripts:{nonce}");

        private HtmlString Record(HttpContext context, string html)
        {
            Contexts.Add(context);
            return new HtmlString(html);
        }
    }
}
