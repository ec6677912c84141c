using System.Net;
using System.Text.RegularExpressions;
using Ent.Consent.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ent.Consent.Gateway.Tests;

/// <summary>Who the subject is behind the gateway: a trusted header or the portal's session, never a browser's claim.</summary>
public sealed partial class SubjectTests
{
    private const string Secret = "a-shared-secret-of-at-least-32-characters";
    private const string Page = "<html><head></head><body><p>x</p></body></html>";

    private static readonly Dictionary<string, string?> HeaderSettings = new()
    {
        ["Gateway:SubjectHeader"] = "X-Ent-User",
        ["Gateway:SubjectSecret"] = Secret,
    };

    /// <summary>Accepts everything through the banner's own form, as a browser without script would; returns the consent cookie.</summary>
    private static async Task<string> AcceptAllAsync(HttpClient client, Action<HttpRequestMessage> identify)
    {
        var get = new HttpRequestMessage(HttpMethod.Get, "/");
        get.Headers.TryAddWithoutValidation("Accept", "text/html");
        identify(get);
        using var page = await client.SendAsync(get);
        var html = await page.Content.ReadAsStringAsync();
        var token = TokenField().Match(html).Groups[1].Value;
        var antiforgery = page.Headers.GetValues("Set-Cookie").First(static c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)).Split(';')[0];

        var post = new HttpRequestMessage(HttpMethod.Post, GatewayServer.Prefix)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["action"] = "accept-all", ["returnUrl"] = "/" }),
        };
        post.Headers.TryAddWithoutValidation("Cookie", antiforgery);
        identify(post);
        using var answer = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        return answer.Headers.GetValues("Set-Cookie").Single(static c => c.StartsWith("ent_consent=", StringComparison.Ordinal)).Split(';')[0];
    }

    private static async Task<bool> PendingAsync(HttpClient client, string consentCookie, Action<HttpRequestMessage> identify)
    {
        var get = new HttpRequestMessage(HttpMethod.Get, GatewayServer.Prefix);
        get.Headers.TryAddWithoutValidation("Cookie", consentCookie);
        identify(get);
        using var state = await client.SendAsync(get);
        return (await state.Content.ReadAsStringAsync()).Contains("\"pending\":true", StringComparison.Ordinal);
    }

    private static Action<HttpRequestMessage> Front(string user, string? secret = Secret) => request =>
    {
        request.Headers.TryAddWithoutValidation("X-Ent-User", user);
        if (secret is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Ent-Gateway-Secret", secret);
        }
    };

    [Fact]
    public async Task A_choice_made_under_a_vouched_subject_header_holds_for_that_user_only()
    {
        await using var upstream = await Upstream.StartAsync(app => app.MapGet("/", () => Results.Text(Page, "text/html")));
        await using var gateway = await GatewayServer.StartAsync(upstream.Address, HeaderSettings);
        using var client = gateway.CreateClient();

        var consent = await AcceptAllAsync(client, Front("alice"));

        Assert.False(await PendingAsync(client, consent, Front("alice")));
        Assert.True(await PendingAsync(client, consent, Front("bob")));
        Assert.True(await PendingAsync(client, consent, static _ => { }));
    }

    [Fact]
    public async Task A_subject_header_without_the_secret_is_ignored_and_never_reaches_the_portal_nor_does_the_secret()
    {
        var seen = new List<string>();
        await using var upstream = await Upstream.StartAsync(app => app.MapGet("/", (HttpContext context) =>
        {
            seen.Add($"{context.Request.Headers["X-Ent-User"]}|{context.Request.Headers["X-Ent-Gateway-Secret"]}");
            return Results.Text(Page, "text/html");
        }));
        await using var gateway = await GatewayServer.StartAsync(upstream.Address, HeaderSettings);
        using var client = gateway.CreateClient();

        var consent = await AcceptAllAsync(client, Front("alice"));
        // Someone at a browser claims to be alice without the front's secret: the choice bound to alice does not apply.
        Assert.True(await PendingAsync(client, consent, Front("alice", secret: "not-the-secret-but-long-enough-to-look-real")));

        using var forged = new HttpRequestMessage(HttpMethod.Get, "/");
        Front("mallory", secret: null)(forged);
        using var _ = await client.SendAsync(forged);

        // The vouched request reached the portal with its user but not the secret; the forged one with neither.
        Assert.Equal("alice|", seen[0]);
        Assert.Equal("|", seen[^1]);
    }

    [Fact]
    public async Task A_choice_made_in_a_portal_session_ends_with_that_session()
    {
        await using var upstream = await Upstream.StartAsync(app => app.MapGet("/", () => Results.Text(Page, "text/html")));
        await using var gateway = await GatewayServer.StartAsync(upstream.Address, new Dictionary<string, string?> { ["Gateway:SessionCookie"] = "PORTALSESSID" });
        using var client = gateway.CreateClient();
        static Action<HttpRequestMessage> Session(string id) => request => request.Headers.TryAddWithoutValidation("Cookie", "PORTALSESSID=" + id);

        var consent = await AcceptAllAsync(client, Session("s1"));

        Assert.False(await PendingAsync(client, consent + "; PORTALSESSID=s1", static _ => { }));
        Assert.True(await PendingAsync(client, consent + "; PORTALSESSID=s2", static _ => { }));
        Assert.True(await PendingAsync(client, consent, static _ => { }));
    }

    [Fact]
    public async Task A_user_the_portal_names_in_its_response_is_the_subject_until_the_portal_signs_them_out()
    {
        await using var upstream = await Upstream.StartAsync(app =>
        {
            app.MapGet("/", () => Results.Text(Page, "text/html"));
            app.MapGet("/sign-in", (HttpContext context) =>
            {
                context.Response.Headers["X-Portal-User"] = "alice";
                return Results.Text(Page, "text/html");
            });
            app.MapGet("/sign-out", (HttpContext context) =>
            {
                context.Response.Headers["X-Portal-User"] = "";
                return Results.Text(Page, "text/html");
            });
        });
        await using var gateway = await GatewayServer.StartAsync(upstream.Address, new Dictionary<string, string?> { ["Gateway:SubjectResponseHeader"] = "X-Portal-User" });
        using var client = gateway.CreateClient();

        using var signIn = await client.GetAsync("/sign-in");
        Assert.False(signIn.Headers.Contains("X-Portal-User"));
        var named = signIn.Headers.GetValues("Set-Cookie").Single(static c => c.StartsWith("ent_gateway_user=", StringComparison.Ordinal));
        Assert.Contains("httponly", named, StringComparison.OrdinalIgnoreCase);
        var alice = named.Split(';')[0];
        var consent = await AcceptAllAsync(client, request => request.Headers.TryAddWithoutValidation("Cookie", alice));

        Assert.False(await PendingAsync(client, consent + "; " + alice, static _ => { }));
        Assert.True(await PendingAsync(client, consent, static _ => { }));
        // A browser cannot make up the cookie: a forged one names nobody.
        Assert.True(await PendingAsync(client, consent + "; ent_gateway_user=alice", static _ => { }));

        var signOutRequest = new HttpRequestMessage(HttpMethod.Get, "/sign-out");
        signOutRequest.Headers.TryAddWithoutValidation("Cookie", alice);
        using var signOut = await client.SendAsync(signOutRequest);
        var deleted = signOut.Headers.GetValues("Set-Cookie").Single(static c => c.StartsWith("ent_gateway_user=", StringComparison.Ordinal));
        Assert.Contains("expires=Thu, 01 Jan 1970", deleted, StringComparison.OrdinalIgnoreCase);
        Assert.False(signOut.Headers.Contains("X-Portal-User"));
    }

    [Fact]
    public async Task The_cookie_page_lists_the_gateways_sign_in_cookie_when_the_portal_names_its_users()
    {
        await using var upstream = await Upstream.StartAsync(app => app.MapGet("/", () => Results.Text(Page, "text/html")));
        await using var gateway = await GatewayServer.StartAsync(upstream.Address, new Dictionary<string, string?> { ["Gateway:SubjectResponseHeader"] = "X-Portal-User" });
        using var client = gateway.CreateClient();

        var page = await client.GetStringAsync(GatewayServer.Prefix + "/cookies");

        Assert.Contains("ent_gateway_user", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_proof_chain_is_anchored_in_signed_checkpoints_by_default_and_not_when_the_interval_is_zero()
    {
        await using var upstream = await Upstream.StartAsync(app => app.MapGet("/", () => Results.Text(Page, "text/html")));
        await using var anchored = await GatewayServer.StartAsync(upstream.Address, new Dictionary<string, string?>());
        await using var unanchored = await GatewayServer.StartAsync(upstream.Address, new Dictionary<string, string?> { ["Gateway:ProofCheckpointInterval"] = "00:00:00" });

        Assert.True(File.Exists(Path.Combine(anchored.DataDirectory, "proof-checkpoint-key.pem")));
        Assert.True(File.Exists(Path.Combine(anchored.DataDirectory, "proof-checkpoint-key.pub.pem")));
        Assert.True(anchored.Services.GetRequiredService<Ent.Consent.AspNetCore.ConsentProofVerifier>().UsesCheckpoints);
        Assert.False(File.Exists(Path.Combine(unanchored.DataDirectory, "proof-checkpoint-key.pem")));
        Assert.False(unanchored.Services.GetRequiredService<Ent.Consent.AspNetCore.ConsentProofVerifier>().UsesCheckpoints);
    }

    [Theory]
    [InlineData("Gateway:Upstream", "", "Gateway:Upstream is required")]
    [InlineData("Gateway:Upstream", "ftp://portal", "not an absolute http or https address")]
    [InlineData("Gateway:PathPrefix", "/consent/", "must start with '/', have no trailing slash")]
    [InlineData("Gateway:PathPrefix", "/static", "a path portals commonly use")]
    [InlineData("Gateway:ProofCheckpointInterval", "-00:01:00", "Gateway:ProofCheckpointInterval must be zero")]
    [InlineData("Gateway:SubjectResponseHeader", "X Portal", "is not a valid header name")]
    [InlineData("Gateway:SubjectHeader", "X-Ent-User", "nothing vouches for it")]
    [InlineData("Gateway:SubjectSecret", "short", "at least 32 characters")]
    [InlineData("Gateway:Unknown", "1", "Unknown")]
    [InlineData("Gateway:Block:0:Selector", "div > script", "Gateway:Block:0:Service is required")]
    [InlineData("Gateway:ForwardedHeadersFrom:0", "not-an-address", "not an IP address or CIDR range")]
    public void A_wrong_setting_stops_the_start_with_a_sentence_naming_it(string key, string value, string expected)
    {
        var exception = Assert.Throws<OptionsValidationException>(() => GatewayApplication.Build(
        [
            "--Gateway:Upstream", "http://127.0.0.1:1",
            "--Gateway:DataDirectory", Path.Combine(Path.GetTempPath(), "ent-gateway-validation"),
            $"--{key}", value,
        ]));

        Assert.Contains(exception.Failures, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
