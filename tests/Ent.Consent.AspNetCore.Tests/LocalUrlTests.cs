using Ent.Consent.AspNetCore.Endpoints;

namespace Ent.Consent.AspNetCore.Tests;

public sealed class LocalUrlTests
{
    [Theory]
    [InlineData("/cours?id=4", "/cours?id=4")]
    [InlineData("/", "/")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("/a\\b", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData("/a\nb", "/")]
    [InlineData("", "/")]
    [InlineData(null, "/")]
    public void Return_urls_stay_on_the_site(string? url, string expected) => Assert.Equal(expected, LocalUrl.OrRoot(url));
}
