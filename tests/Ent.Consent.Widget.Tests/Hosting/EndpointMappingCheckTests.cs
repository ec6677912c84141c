using System.Net;
using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.Widget.Tests.Hosting;

/// <summary>
/// Mappings that used to fail silently (the banner posting into a 405, the preference centre answering 404) stop the
/// host at start with the call that fixes them.
/// </summary>
public sealed class EndpointMappingCheckTests
{
    [Fact]
    public async Task Widget_without_MapEntConsent_stops_start_up_naming_MapEntConsent()
    {
        await using var app = Build(static app => app.MapEntConsentWidget());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("no consent endpoint is mapped: call app.MapEntConsent()", error.Message);
    }

    [Fact]
    public async Task Widget_with_the_consent_endpoint_in_a_route_group_stops_start_up_naming_the_two_paths()
    {
        await using var app = Build(static app =>
        {
            app.MapGroup("/fr").MapEntConsent();
            app.MapEntConsentWidget();
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("mapped at '/fr/consent' but the widget posts to EntConsentOptions.PathPrefix '/consent'", error.Message);
    }

    [Fact]
    public async Task Widget_without_MapEntConsentWidget_stops_start_up_naming_MapEntConsentWidget()
    {
        await using var app = Build(static app => app.MapEntConsent());

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("call app.MapEntConsentWidget()", error.Message);
    }

    [Fact]
    public async Task Every_problem_is_listed_at_once()
    {
        await using var app = Build(static _ => { });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("app.MapEntConsent()", error.Message);
        Assert.Contains("app.MapEntConsentWidget()", error.Message);
    }

    [Fact]
    public async Task The_path_prefix_moves_the_consent_endpoint_the_widget_pages_and_the_forms_together()
    {
        await using var app = Build(
            static app =>
            {
                app.MapEntConsent();
                app.MapEntConsentWidget();
                app.MapGet("/", static (HttpContext context, IConsentWidget widget) => Results.Content(Html(widget.RenderBanner(context)), "text/html"));
            },
            static options => options.PathPrefix = "/choix");
        await app.StartAsync();
        var client = app.GetTestClient();

        var page = await client.GetStringAsync("/");

        Assert.Contains("action=\"/choix\"", page);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/choix")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/choix/cookies")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/choix/preferences")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/consent")).StatusCode);
    }

    private static WebApplication Build(Action<WebApplication> map, Action<EntConsentOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddEntConsent(options =>
        {
            options.Policy = TestPolicies.PortalOptions();
            configure?.Invoke(options);
        }).AddWidget();
        var app = builder.Build();
        app.UseEntConsent();
        map(app);
        return app;
    }

    private static string Html(Microsoft.AspNetCore.Html.IHtmlContent content)
    {
        using var writer = new StringWriter();
        content.WriteTo(writer, System.Text.Encodings.Web.HtmlEncoder.Default);
        return writer.ToString();
    }
}
