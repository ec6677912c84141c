using System.Text.RegularExpressions;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// The widget in a proxied page speaks the visitor's language, resolved as ASP.NET Core's request localization does
/// (culture cookie, then <c>Accept-Language</c>, then French), although the gateway resolves it only for the pages it
/// injects rather than on every proxied request.
/// </summary>
public sealed partial class LanguageTests
{
    private const string Page = "<!doctype html><html><head><title>Portail</title></head><body><h1>Bonjour</h1></body></html>";

    [Theory]
    [InlineData(null, null, "fr")]
    [InlineData("en-GB,en;q=0.9", null, "en")]
    [InlineData("en-GB,en;q=0.9", ".AspNetCore.Culture=c%3Dde%7Cuic%3Dde", "de")]
    public async Task The_banner_of_a_proxied_page_speaks_the_visitors_language(string? acceptLanguage, string? cookie, string expected)
    {
        await using var proxy = await PortalBehindGateway.ServePageAsync(Page);

        Assert.Equal(expected, await BannerLanguageAsync(proxy, "/", acceptLanguage, cookie));
    }

    [Fact]
    public async Task A_language_resolved_once_for_an_accept_language_still_gives_way_to_the_cookie_and_the_query_string()
    {
        await using var proxy = await PortalBehindGateway.ServePageAsync(Page);

        const string English = "en-GB,en;q=0.9";
        Assert.Equal("en", await BannerLanguageAsync(proxy, "/", English));
        Assert.Equal("en", await BannerLanguageAsync(proxy, "/", English));
        Assert.Equal("de", await BannerLanguageAsync(proxy, "/", English, ".AspNetCore.Culture=c%3Dde%7Cuic%3Dde"));
        Assert.Equal("de", await BannerLanguageAsync(proxy, "/?culture=de&ui-culture=de", English));
        Assert.Equal("en", await BannerLanguageAsync(proxy, "/?page=2", English));
        Assert.Equal("fr", await BannerLanguageAsync(proxy, "/", null));
        Assert.Equal("fr", await BannerLanguageAsync(proxy, "/", null));
        Assert.Equal("de", await BannerLanguageAsync(proxy, "/?ui-culture=de", null));
        Assert.Equal("en", await BannerLanguageAsync(proxy, "/", "en-US, fr;q=0.5"));
        Assert.Equal("fr", await BannerLanguageAsync(proxy, "/", "fr-FR,fr;q=0.9,en;q=0.8"));
    }

    private static async Task<string> BannerLanguageAsync(PortalBehindGateway proxy, string path, string? acceptLanguage, string? cookie = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        if (acceptLanguage is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Language", acceptLanguage);
        }

        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        using var response = await proxy.Client.SendAsync(request);
        return BannerLanguage().Match(await response.Content.ReadAsStringAsync()).Groups[1].Value;
    }

    [GeneratedRegex("<[^>]*data-ent-consent-banner[^>]*lang=\"([^\"]+)\"")]
    private static partial Regex BannerLanguage();
}
