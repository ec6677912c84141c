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

        public IHtmlContent RenderManageButton(HttpContext context) => Record(context, "manage");

        public IHtmlContent RenderHeadTags(HttpContext context, string? nonce = null) => Record(context, $"head:{nonce}");

        public IHtmlContent RenderScriptTags(HttpContext context, string? nonce = null) => Record(context, $"scripts:{nonce}");

        private HtmlString Record(HttpContext context, string html)
        {
            Contexts.Add(context);
            return new HtmlString(html);
        }
    }
}
