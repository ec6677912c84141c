using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// A page the gateway injected carries one visitor's consent state and its own nonce: whatever the portal says, no
/// shared cache may keep it, while the browser's own cache keeps the portal's directives. Other responses are untouched.
/// </summary>
public sealed class CachingTests
{
    [Theory]
    [InlineData(null, "private")]
    [InlineData("public, max-age=600, s-maxage=3600", "private, max-age=600")]
    [InlineData("max-age=60, proxy-revalidate", "private, max-age=60")]
    [InlineData("private=\"Set-Cookie\", max-age=60", "private, max-age=60")]
    [InlineData("private=\"Set-Cookie, X-Id\", max-age=60", "private, max-age=60")]
    [InlineData("private, max-age=60", "private, max-age=60")]
    [InlineData("no-store", "no-store")]
    [InlineData("no-cache, must-revalidate", "private, no-cache, must-revalidate")]
    public async Task An_injected_page_is_never_left_to_shared_caches(string? upstream, string expected)
    {
        await using var proxy = await PortalBehindGateway.StartAsync(app => app.MapGet("/", (HttpContext context) =>
        {
            if (upstream is not null)
            {
                context.Response.Headers.CacheControl = upstream;
            }

            return Results.Text("<!doctype html><html><head><title>Portail</title></head><body><h1>Bonjour</h1></body></html>", "text/html; charset=utf-8");
        }));

        // A returning visitor: a first visit's banner stores an antiforgery token, which forbids any caching anyway.
        var consent = await proxy.RefuseAllAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
        request.Headers.TryAddWithoutValidation("Cookie", consent);
        using var response = await proxy.Client.SendAsync(request);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Contains("data-ent-consent-action", html, StringComparison.Ordinal);
        Assert.Equal(expected, response.Headers.NonValidated["Cache-Control"].ToString());
    }

    [Fact]
    public async Task A_stylesheet_keeps_the_portals_public_caching()
    {
        await using var proxy = await PortalBehindGateway.StartAsync(app => app.MapGet("/portal.css", (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.Text("body{margin:0}", "text/css", Encoding.UTF8);
        }));

        using var response = await proxy.Client.GetAsync("/portal.css");

        Assert.Equal("public, max-age=86400", response.Headers.NonValidated["Cache-Control"].ToString());
    }
}
