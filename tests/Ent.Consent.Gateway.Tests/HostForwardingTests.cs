using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Gateway.Tests;

/// <summary>Which <c>Host</c> the portal gets: the upstream's by default, the browser's with <c>Gateway:ForwardOriginalHost</c>.</summary>
public sealed class HostForwardingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task The_portal_gets_the_browsers_host_only_when_asked_and_the_forwarded_host_always(bool forwardOriginalHost)
    {
        await using var portal = await Upstream.StartAsync(static app => app.MapGet("/host", static (HttpRequest request) =>
            Results.Text($"{request.Host}|{request.Headers["X-Forwarded-Host"]}", "text/plain")));
        await using var gateway = await GatewayServer.StartAsync(
            portal.Address,
            new Dictionary<string, string?> { ["Gateway:ForwardOriginalHost"] = forwardOriginalHost ? "true" : "false" });
        using var client = gateway.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway.Address, "/host"));
        request.Headers.Host = "college-a.ent.test";

        using var response = await client.SendAsync(request);
        var seen = (await response.Content.ReadAsStringAsync()).Split('|');

        response.EnsureSuccessStatusCode();
        Assert.Equal(forwardOriginalHost ? "college-a.ent.test" : portal.Address.Authority, seen[0]);
        Assert.Equal("college-a.ent.test", seen[1]);
    }
}
