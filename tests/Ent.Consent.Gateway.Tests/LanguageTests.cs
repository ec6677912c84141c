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
        using var request = new HttpRequestMessage(HttpMethod.Get, "/");
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
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(expected, BannerLanguage().Match(html).Groups[1].Value);
    }

    [GeneratedRegex("<[^>]*data-ent-consent-banner[^>]*lang=\"([^\"]+)\"")]
    private static partial Regex BannerLanguage();
}
