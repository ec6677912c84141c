using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace Ent.Consent.Widget.Tests;

public sealed class AssetTests(ITestOutputHelper output) : IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient _client = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddEntConsent(o => o.Policy = TestPolicies.PortalOptions()).AddWidget();
        _app = builder.Build();
        _app.UseEntConsent();
        _app.MapEntConsent();
        _app.MapEntConsentWidget();
        // A page's head, in French, as a host renders it.
        _app.MapGet("/page", static (HttpContext context, IConsentWidget widget) =>
        {
            CultureInfo.CurrentUICulture = CultureInfo.GetCultureInfo("fr-FR");
            using var html = new StringWriter();
            widget.RenderHeadTags(context).WriteTo(html, HtmlEncoder.Default);
            return Results.Text(html.ToString(), "text/html");
        });
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public void The_scripts_spell_no_wire_name_of_their_own()
    {
        // Decisions, channels, categories, actions and fields come from the server's one table (ConsentWireNames,
        // ConsentHttpNames) through the page's configuration, so the script cannot drift from the endpoint.
        var script = System.Text.Encoding.UTF8.GetString(WidgetAsset.Script.Content) + System.Text.Encoding.UTF8.GetString(WidgetAsset.Guard.Content);
        var names = Enum.GetValues<ConsentDecision>().Select(static d => ConsentWireNames.Of(d))
            .Concat(Enum.GetValues<ConsentChannel>().Select(static c => ConsentWireNames.Of(c)))
            .Concat(Enum.GetValues<ServiceCategory>().Select(static c => ConsentWireNames.Of(c)))
            .Concat([Ent.Consent.AspNetCore.ConsentHttpNames.AcceptAll, Ent.Consent.AspNetCore.ConsentHttpNames.RefuseAll, Ent.Consent.AspNetCore.ConsentHttpNames.Save, Ent.Consent.AspNetCore.ConsentHttpNames.Action,
                Ent.Consent.AspNetCore.ConsentHttpNames.Channel, Ent.Consent.AspNetCore.ConsentHttpNames.Decide, Ent.Consent.AspNetCore.ConsentHttpNames.Grant, Ent.Consent.AspNetCore.ConsentHttpNames.ReturnUrl, "__RequestVerificationToken", "RequestVerificationToken"]);

        foreach (var name in names)
        {
            Assert.DoesNotContain("'" + name + "'", script, StringComparison.Ordinal);
            Assert.DoesNotContain("\"" + name + "\"", script, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Guard_signals_script_and_stylesheet_together_weigh_at_most_8_KB_gzipped()
    {
        var (scriptRaw, scriptGzip) = ConsentWidgetAssets.ScriptSize;
        var (styleRaw, styleGzip) = ConsentWidgetAssets.StyleSize;
        var (guardRaw, guardGzip) = ConsentWidgetAssets.GuardSize;
        var (signalsRaw, signalsGzip) = ConsentWidgetAssets.SignalsSize;
        output.WriteLine($"widget.js {scriptRaw} B raw, {scriptGzip} B gzip; widget.css {styleRaw} B raw, {styleGzip} B gzip; guard.js {guardRaw} B raw, {guardGzip} B gzip; "
            + $"signals.js {signalsRaw} B raw, {signalsGzip} B gzip; total {scriptRaw + styleRaw + guardRaw + signalsRaw} B raw, {scriptGzip + styleGzip + guardGzip + signalsGzip} B gzip");
        // The most a page loads: signals.js too when the policy has a vendor that takes a signal.
        Assert.InRange(scriptGzip + styleGzip + guardGzip + signalsGzip, 1, 8 * 1024);
    }

    [Fact]
    public void Guard_alone_weighs_at_most_1_5_KB_gzipped()
    {
        // It blocks the parser in <head> on every page: it has to stay small.
        Assert.InRange(ConsentWidgetAssets.GuardSize.Gzipped, 1, 1536);
    }

    [Theory]
    [InlineData("widget.js", "text/javascript")]
    [InlineData("widget.css", "text/css")]
    [InlineData("guard.js", "text/javascript")]
    [InlineData("signals.js", "text/javascript")]
    public async Task Served_asset_matches_its_published_integrity_and_is_cached_a_year_at_its_hashed_url(string file, string mediaType)
    {
        var asset = file switch { "widget.js" => WidgetAsset.Script, "guard.js" => WidgetAsset.Guard, "signals.js" => WidgetAsset.Signals, _ => WidgetAsset.Style };
        using var response = await _client.GetAsync($"/consent/{file}?v={asset.Version}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync();
        var integrity = file switch { "widget.js" => ConsentWidgetAssets.ScriptIntegrity, "guard.js" => ConsentWidgetAssets.GuardIntegrity, "signals.js" => ConsentWidgetAssets.SignalsIntegrity, _ => ConsentWidgetAssets.StyleIntegrity };
        Assert.Equal(integrity, "sha384-" + Convert.ToBase64String(SHA384.HashData(body)));
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.Equal($"\"{asset.Version}\"", response.Headers.ETag?.Tag);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
    }

    [Fact]
    public async Task Policy_script_a_page_names_is_served_with_that_integrity_and_cached_a_year()
    {
        var (url, integrity) = await PagePolicyScript();
        using var response = await _client.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.Equal(integrity, "sha384-" + Convert.ToBase64String(SHA384.HashData(body)));
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        var data = PolicyData(body);
        Assert.Equal("fr", data.GetProperty("widget").GetProperty("lang").GetString());
        Assert.Contains("ent-consent", data.GetProperty("guard").GetProperty("e").EnumerateArray().Select(static e => e.GetString()));
    }

    [Fact]
    public async Task Policy_script_is_served_as_the_page_got_it_whatever_language_the_request_asks()
    {
        // Found by its version: what the page's integrity was computed over, even if this request would resolve otherwise.
        var (url, integrity) = await PagePolicyScript();
        using var response = await _client.GetAsync(url.Replace("lang=fr-FR", "lang=en", StringComparison.Ordinal));
        Assert.Equal(integrity, "sha384-" + Convert.ToBase64String(SHA384.HashData(await response.Content.ReadAsByteArrayAsync())));
        Assert.Equal("public, max-age=31536000, immutable", response.Headers.CacheControl?.ToString());
    }

    [Theory]
    [InlineData("en", "en", "Partner publisher statistics")]
    [InlineData("fr-FR", "fr", "Statistiques de l'éditeur partenaire")]
    public async Task Policy_script_of_a_version_this_process_never_wrote_is_rendered_again_in_the_asked_language_and_not_cached(string lang, string widgetLang, string serviceName)
    {
        // Another node's page, or this one's before a restart: the same policy in the same language gives the same script.
        using var response = await _client.GetAsync($"/consent/policy.js?lang={lang}&v=0123456789abcdef");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("public, no-cache", response.Headers.CacheControl?.ToString());
        var data = PolicyData(await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(widgetLang, data.GetProperty("widget").GetProperty("lang").GetString());
        Assert.Contains(serviceName, data.GetProperty("widget").GetProperty("services").EnumerateObject().Select(static s => s.Value.GetProperty("n").GetString()));
    }

    private async Task<(string Url, string Integrity)> PagePolicyScript()
    {
        var html = await _client.GetStringAsync("/page");
        var tag = Regex.Match(html, "<script src=\"(/consent/policy\\.js\\?[^\"]+)\" integrity=\"([^\"]+)\"");
        Assert.True(tag.Success, html);
        return (WebUtility.HtmlDecode(tag.Groups[1].Value), tag.Groups[2].Value);
    }

    private static JsonElement PolicyData(byte[] script) => JsonDocument.Parse(Renderings.PolicyJson(script)).RootElement.Clone();

    [Fact]
    public async Task Asset_without_the_current_hash_is_revalidated_and_an_unchanged_copy_gets_304()
    {
        using var first = await _client.GetAsync("/consent/widget.js");
        Assert.Contains("no-cache", first.Headers.CacheControl?.ToString());
        using var request = new HttpRequestMessage(HttpMethod.Get, "/consent/widget.js");
        request.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var second = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task Asset_is_sent_gzipped_to_clients_that_accept_it()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/consent/widget.js");
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await _client.SendAsync(request);
        Assert.Equal("gzip", Assert.Single(response.Content.Headers.ContentEncoding));
        await using var gzip = new GZipStream(await response.Content.ReadAsStreamAsync(), CompressionMode.Decompress);
        using var copy = new MemoryStream();
        await gzip.CopyToAsync(copy);
        Assert.Equal(WidgetAsset.Script.Content, copy.ToArray());
    }

    [Fact]
    public async Task Preferences_page_sends_a_foreign_return_url_home_and_is_not_cached()
    {
        using var response = await _client.GetAsync("/consent/preferences?returnUrl=%2F%2Fevil.example%2F");
        var html = await response.Content.ReadAsStringAsync();
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Contains("name=\"returnUrl\" value=\"/\"", html);
        Assert.DoesNotContain("evil.example", html);
        Assert.Contains("<html lang=\"", html);
        Assert.DoesNotContain("<script", html);
    }

    [Theory]
    [InlineData("/consent/", "PathPrefix must be a path such as '/consent' without a trailing slash")]
    [InlineData("", "PathPrefix must be a path")]
    public void Invalid_path_prefix_is_refused_at_start_up(string path, string message)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEntConsent(o =>
        {
            o.Policy = TestPolicies.PortalOptions();
            o.PathPrefix = path;
        }).AddWidget();
        using var provider = services.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<EntConsentOptions>>().Value);
        Assert.Contains(message, error.Message);
    }
}
