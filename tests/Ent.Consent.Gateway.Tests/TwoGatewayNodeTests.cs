using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ent.Consent.PostgreSql;
using Ent.Consent.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// Two real gateway processes on 127.0.0.1 in front of one portal, sharing one real PostgreSQL (proofs, Data
/// Protection keys) and one subject key, as behind a load balancer: a choice made through one node holds on the
/// other, and concurrent choices through both make one valid chain with exactly one record each.
/// </summary>
public sealed partial class TwoGatewayNodeTests : IAsyncLifetime
{
    private const int ChoicesPerNode = 150;
    internal const string SubjectKey = "a-two-gateway-test-subject-key-of-at-least-32-characters";
    private readonly string _schema = "g_" + Guid.NewGuid().ToString("N");
    private readonly string _root = Directory.CreateTempSubdirectory("ent-gateway-nodes-").FullName;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 32 });
    private Upstream? _portal;
    private ServiceProcess? _nodeA;
    private ServiceProcess? _nodeB;

    public async Task InitializeAsync()
        => _portal = await Upstream.StartAsync(static app => app.MapGet("/", static () => Results.Content("<html><head><title>Portail</title></head><body><p>Bonjour</p></body></html>", "text/html; charset=utf-8")));

    public async Task DisposeAsync()
    {
        _client.Dispose();
        foreach (var node in new[] { _nodeA, _nodeB })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        if (_portal is not null)
        {
            await _portal.DisposeAsync();
        }

        if (Postgres.ConnectionString is { } connectionString)
        {
            await using var connection = new NpgsqlConnection(connectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS {_schema} CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        Directory.Delete(_root, recursive: true);
    }

    [PostgresFact]
    public async Task A_choice_through_one_node_holds_on_the_other_and_concurrent_choices_make_one_valid_chain()
    {
        _nodeA = await GatewayProcess.StartAsync(Path.Combine(_root, "a"), _portal!.Address, Postgres.RequireConnectionString(), _schema);
        var first = await ChooseAsync(_nodeA.Address, _nodeA.Address, "accept-all");
        _nodeB = await GatewayProcess.StartAsync(Path.Combine(_root, "b"), _portal.Address, Postgres.RequireConnectionString(), _schema);

        // Node B reads the consent cookie node A signed; without it, nothing is decided (the control).
        var onB = await StateAsync(_nodeB.Address, first.ConsentCookie);
        var withoutCookie = await StateAsync(_nodeB.Address, null);
        Assert.False(onB.GetProperty("pending").GetBoolean());
        Assert.True(onB.GetProperty("services").GetProperty("youtube").GetProperty("allowed").GetBoolean());
        Assert.True(withoutCookie.GetProperty("pending").GetBoolean());

        // Both healthy, the database included.
        foreach (var node in new[] { _nodeA, _nodeB })
        {
            using var health = await _client.GetAsync(new Uri(node.Address, GatewayServer.Prefix + "/healthz"));
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // Grants and refusals at once, each posted to one node with the antiforgery token of either.
        using var gate = new SemaphoreSlim(16);
        var results = await Task.WhenAll(Enumerable.Range(0, 2 * ChoicesPerNode).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var post = i % 2 == 0 ? _nodeA.Address : _nodeB.Address;
                var token = (i / 2) % 2 == 0 ? _nodeA.Address : _nodeB.Address;
                return await ChooseAsync(token, post, i % 3 == 0 ? "refuse-all" : "accept-all");
            }
            finally
            {
                gate.Release();
            }
        }));
        var failed = results.Where(static r => r.Problem is not null).ToList();
        Assert.True(
            failed.Count == 0,
            $"{failed.Count} choice(s) failed:\n{string.Join("\n", failed.Select(static r => r.Problem))}\nNode A:\n{_nodeA.ReadLog()}\nNode B:\n{_nodeB.ReadLog()}");

        // Graceful stops drain any refusal a slow moment spooled.
        await _nodeA.StopAsync();
        await _nodeB.StopAsync();
        await using var store = new PostgreSqlConsentProofStore(new PostgreSqlConsentProofStoreOptions { ConnectionString = Postgres.RequireConnectionString(), Schema = _schema, CreateSchema = false }, TimeProvider.System);
        var verification = await store.VerifyAsync();

        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(1 + (2 * ChoicesPerNode), verification.RecordCount);
        Assert.Equal(verification.RecordCount, verification.HeadSequence);
        foreach (var result in results.Take(20))
        {
            Assert.Single(await store.ExportByConsentIdAsync(result.ConsentId!));
        }
    }

    [Fact]
    public void Several_nodes_without_a_shared_subject_key_stop_the_start_with_a_sentence()
    {
        var exception = Assert.Throws<OptionsValidationException>(() => GatewayApplication.Build(
        [
            "--Gateway:Upstream", "http://127.0.0.1:1",
            "--Gateway:DataDirectory", Path.Combine(_root, "validation"),
            "--Gateway:PostgreSql", "Host=127.0.0.1;Database=consent",
        ]));

        Assert.Contains(exception.Failures, static f => f.Contains("EntConsent:SubjectKey is required", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Gateway:PostgreSql", "Nonsense=1", "not a valid PostgreSQL connection string")]
    [InlineData("Gateway:PostgreSql", "Database=consent", "names no Host")]
    [InlineData("Gateway:PostgreSqlSchema", "Bad-Schema", "must be a lower-case SQL identifier")]
    public void A_wrong_database_setting_stops_the_start_with_a_sentence_naming_it(string key, string value, string expected)
    {
        var exception = Assert.Throws<OptionsValidationException>(() => GatewayApplication.Build(
        [
            "--Gateway:Upstream", "http://127.0.0.1:1",
            "--Gateway:DataDirectory", Path.Combine(_root, "validation"),
            "--EntConsent:SubjectKey", SubjectKey,
            $"--{key}", value,
        ]));

        Assert.Contains(exception.Failures, failure => failure.Contains(expected, StringComparison.Ordinal));
    }

    /// <summary>As a new browser: the page through <paramref name="tokenNode"/> for the banner's token, the choice posted through <paramref name="postNode"/>.</summary>
    private async Task<(string? ConsentCookie, string? ConsentId, string? Problem)> ChooseAsync(Uri tokenNode, Uri postNode, string action)
    {
        using var get = new HttpRequestMessage(HttpMethod.Get, tokenNode);
        get.Headers.TryAddWithoutValidation("Accept", "text/html");
        using var page = await _client.SendAsync(get);
        page.EnsureSuccessStatusCode();
        var html = await page.Content.ReadAsStringAsync();
        var token = TokenField().Match(html);
        Assert.True(token.Success, "The page carries no antiforgery token.");
        var antiforgery = page.Headers.GetValues("Set-Cookie").First(static c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)).Split(';')[0];

        using var post = new HttpRequestMessage(HttpMethod.Post, new Uri(postNode, GatewayServer.Prefix))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value), ["action"] = action, ["returnUrl"] = "/" }),
        };
        post.Headers.TryAddWithoutValidation("Cookie", antiforgery);
        using var answer = await _client.SendAsync(post);
        if (answer.StatusCode != HttpStatusCode.SeeOther)
        {
            return (null, null, $"{(int)answer.StatusCode} from {postNode}: {await answer.Content.ReadAsStringAsync()}");
        }

        var consent = answer.Headers.GetValues("Set-Cookie").Single(static c => c.StartsWith("ent_consent=", StringComparison.Ordinal)).Split(';')[0];
        return (consent, consent.Split('.')[2], null);
    }

    private async Task<JsonElement> StateAsync(Uri node, string? consentCookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, GatewayServer.Prefix));
        if (consentCookie is not null)
        {
            request.Headers.Add("Cookie", consentCookie);
        }

        using var response = await _client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}

/// <summary>The gateway in a process of its own (<c>dotnet ent-consent-gateway.dll</c>), on PostgreSQL through the environment.</summary>
internal static class GatewayProcess
{
    public static Task<ServiceProcess> StartAsync(string dataDirectory, Uri upstream, string connectionString, string schema, IDictionary<string, string?>? settings = null)
    {
        var arguments = new Dictionary<string, string?>(GatewayServer.Catalogue)
        {
            ["urls"] = "http://127.0.0.1:0",
            ["environment"] = "Production",
            ["Gateway:Upstream"] = upstream.ToString(),
            ["Gateway:DataDirectory"] = dataDirectory,
            ["Gateway:PostgreSqlSchema"] = schema,
            // One client address sends the whole load.
            ["EntConsent:EndpointRequestsPerMinute"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            arguments[key] = value;
        }

        return ServiceProcess.StartAsync(
            "ent-consent-gateway.dll",
            dataDirectory,
            arguments.Select(static a => KeyValuePair.Create(a.Key, a.Value ?? string.Empty)),
            new Dictionary<string, string>
            {
                // What an operator does: the connection string and the shared subject key from the environment.
                ["Gateway__PostgreSql"] = connectionString,
                ["EntConsent__SubjectKey"] = TwoGatewayNodeTests.SubjectKey,
            });
    }
}
