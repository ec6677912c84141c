using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ent.Consent.Gateway.Tests;

/// <summary>One gateway for every school's subdomain: each host its own controllers, policy version and tenant.</summary>
public sealed partial class TenantTests
{
    private const string HostA = "lycee-a.ent.test";
    private const string HostB = "college-b.ent.test";
    private const string Page = "<html><head></head><body><p>Portail</p></body></html>";

    private static readonly Dictionary<string, string?> Tenants = new()
    {
        [$"Gateway:Tenants:{HostA}:Id"] = "0750001A",
        [$"Gateway:Tenants:{HostA}:Policy:Controllers:0"] = "Lycée Arago",
        [$"Gateway:Tenants:{HostB}:Id"] = "0910002B",
        [$"Gateway:Tenants:{HostB}:Policy:Controllers:0"] = "Collège Buffon",
        [$"Gateway:Tenants:{HostB}:Policy:Controllers:1"] = "Conseil départemental",
    };

    private static Task<Upstream> PortalAsync()
        => Upstream.StartAsync(static app => app.MapGet("/", static () => Results.Content(Page, "text/html; charset=utf-8")));

    [Fact]
    public async Task Each_host_gets_its_controllers_its_policy_version_and_its_tenant_and_a_choice_stays_on_its_host()
    {
        await using var portal = await PortalAsync();
        await using var gateway = await GatewayServer.StartAsync(portal.Address, Tenants);
        using var client = gateway.CreateClient();

        var pageA = await PageAsync(client, HostA);
        var pageB = await PageAsync(client, HostB);
        var pageOther = await PageAsync(client, "autre.ent.test");
        Assert.Contains("Lycée Arago", pageA.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Collège Buffon", pageA.Html, StringComparison.Ordinal);
        Assert.Contains("Collège Buffon", pageB.Html, StringComparison.Ordinal);
        Assert.Contains("Conseil départemental", pageB.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Lycée Arago", pageB.Html, StringComparison.Ordinal);
        // An unlisted host: the default catalogue (EntConsent:Policy), no tenant.
        Assert.Contains("Lycée Exemple", pageOther.Html, StringComparison.Ordinal);
        Assert.DoesNotContain("Lycée Arago", pageOther.Html, StringComparison.Ordinal);

        var consentA = await AcceptAllAsync(client, HostA, pageA);
        var consentB = await AcceptAllAsync(client, HostB, pageB);
        var consentOther = await AcceptAllAsync(client, "autre.ent.test", pageOther);
        var versions = new[] { consentA, consentB, consentOther }.Select(static c => c.Split('.')[1]).ToList();
        Assert.Equal(3, versions.Distinct(StringComparer.Ordinal).Count());

        // A choice made on A is honoured on A, not on B (another policy version), and vice versa.
        Assert.False(await PendingAsync(client, HostA, consentA));
        Assert.True(await PendingAsync(client, HostB, consentA));
        Assert.True(await PendingAsync(client, HostA, consentB));
        Assert.False(await PendingAsync(client, HostB, consentB));

        var store = gateway.Services.GetRequiredService<IConsentProofStore>();
        Assert.Equal("0750001A", Assert.Single(await store.ExportByConsentIdAsync(consentA.Split('.')[2])).Content.Tenant);
        Assert.Equal("0910002B", Assert.Single(await store.ExportByConsentIdAsync(consentB.Split('.')[2])).Content.Tenant);
        Assert.Null(Assert.Single(await store.ExportByConsentIdAsync(consentOther.Split('.')[2])).Content.Tenant);
    }

    [Theory]
    [InlineData("Gateway:Tenants:lycee.test:Policy:Controllers:0", "X", "Gateway:Tenants:lycee.test:Id is required")]
    [InlineData("Gateway:Tenants:lycee.test:Policy:Unknown", "X", "Unknown")]
    [InlineData("Gateway:Tenants:*.ent.test:Id", "X", "must be a host name")]
    [InlineData("EntConsent:Cookie:Domain", "ent.test", "EntConsent:Cookie:Domain must be left out")]
    public void A_wrong_tenant_stops_the_start_with_a_sentence_naming_it(string key, string value, string expected)
    {
        var exception = Assert.Throws<OptionsValidationException>(() => GatewayApplication.Build(
        [
            "--Gateway:Upstream", "http://127.0.0.1:1",
            "--Gateway:DataDirectory", Path.Combine(Path.GetTempPath(), "ent-gateway-validation"),
            "--EntConsent:Policy:Controllers:0", "Défaut",
            "--Gateway:Tenants:other.test:Id", "0750009Z",
            $"--{key}", value,
        ]));

        Assert.Contains(exception.Failures, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void A_tenant_policy_the_library_refuses_stops_the_start_with_its_host_named()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => GatewayApplication.Build(
        [
            "--Gateway:Upstream", "http://127.0.0.1:1",
            "--Gateway:DataDirectory", Path.Combine(Path.GetTempPath(), "ent-gateway-validation"),
            "--EntConsent:Policy:Controllers:0", "Défaut",
            "--Gateway:Tenants:lycee.test:Id", "0750001A",
            "--Gateway:Tenants:lycee.test:Policy:BuiltInServices:0", "no-such-service",
        ]));

        Assert.Contains(exception.Failures, static f => f.StartsWith("Gateway:Tenants:lycee.test:Policy: ", StringComparison.Ordinal) && f.Contains("no-such-service", StringComparison.Ordinal));
    }

    private static async Task<(string Html, string Antiforgery)> PageAsync(HttpClient client, string host)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, "/");
        get.Headers.Host = host;
        get.Headers.TryAddWithoutValidation("Accept", "text/html");
        using var page = await client.SendAsync(get);
        page.EnsureSuccessStatusCode();
        var antiforgery = page.Headers.GetValues("Set-Cookie").First(static c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)).Split(';')[0];
        return (await page.Content.ReadAsStringAsync(), antiforgery);
    }

    private static async Task<string> AcceptAllAsync(HttpClient client, string host, (string Html, string Antiforgery) page)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, GatewayServer.Prefix)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = TokenField().Match(page.Html).Groups[1].Value, ["action"] = "accept-all", ["returnUrl"] = "/" }),
        };
        post.Headers.Host = host;
        post.Headers.TryAddWithoutValidation("Cookie", page.Antiforgery);
        using var answer = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        return answer.Headers.GetValues("Set-Cookie").Single(static c => c.StartsWith("ent_consent=", StringComparison.Ordinal)).Split(';')[0];
    }

    private static async Task<bool> PendingAsync(HttpClient client, string host, string consentCookie)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, GatewayServer.Prefix);
        get.Headers.Host = host;
        get.Headers.TryAddWithoutValidation("Cookie", consentCookie);
        using var state = await client.SendAsync(get);
        state.EnsureSuccessStatusCode();
        return (await state.Content.ReadAsStringAsync()).Contains("\"pending\":true", StringComparison.Ordinal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
