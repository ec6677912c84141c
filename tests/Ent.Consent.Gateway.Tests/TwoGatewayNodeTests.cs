using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Ent.Consent.PostgreSql;
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
    private const string SubjectKey = "a-two-gateway-test-subject-key-of-at-least-32-characters";
    private readonly string _schema = "g_" + Guid.NewGuid().ToString("N");
    private readonly string _root = Directory.CreateTempSubdirectory("ent-gateway-nodes-").FullName;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 32 });
    private Upstream? _portal;
    private GatewayProcess? _nodeA;
    private GatewayProcess? _nodeB;

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
        Assert.All(results, static r => Assert.NotNull(r.ConsentId));

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
    private async Task<(string? ConsentCookie, string? ConsentId)> ChooseAsync(Uri tokenNode, Uri postNode, string action)
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
        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        var consent = answer.Headers.GetValues("Set-Cookie").Single(static c => c.StartsWith("ent_consent=", StringComparison.Ordinal)).Split(';')[0];
        return (consent, consent.Split('.')[2]);
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
internal sealed class GatewayProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _drain;

    private GatewayProcess(Process process, Uri address, Task drain)
    {
        _process = process;
        Address = address;
        _drain = drain;
    }

    public Uri Address { get; }

    public static async Task<GatewayProcess> StartAsync(string dataDirectory, Uri upstream, string connectionString, string schema, IDictionary<string, string?>? settings = null)
    {
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = dataDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "ent-consent-gateway.dll"));
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

        foreach (var (key, value) in arguments)
        {
            start.ArgumentList.Add("--" + key);
            start.ArgumentList.Add(value ?? string.Empty);
        }

        // What an operator does: the connection string and the shared subject key from the environment.
        start.Environment["Gateway__PostgreSql"] = connectionString;
        start.Environment["EntConsent__SubjectKey"] = "a-two-gateway-test-subject-key-of-at-least-32-characters";
        var process = Process.Start(start) ?? throw new InvalidOperationException("The gateway did not start.");
        var output = new System.Text.StringBuilder();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Uri? address = null;
        while (address is null)
        {
            var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            if (line is null)
            {
                throw new InvalidOperationException($"The gateway exited before listening:\n{output}\n{await process.StandardError.ReadToEndAsync()}");
            }

            output.AppendLine(line);
            var at = line.IndexOf("Now listening on: ", StringComparison.Ordinal);
            if (at >= 0)
            {
                address = new Uri(line[(at + "Now listening on: ".Length)..].Trim());
            }
        }

        var drain = Task.WhenAll(process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        return new GatewayProcess(process, address, drain);
    }

    /// <summary>SIGTERM, as a service manager stops it, and waits for the graceful shutdown.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-15", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(deadline.Token);
        await _drain;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}

/// <summary>Where these tests find PostgreSQL (<c>ENT_CONSENT_POSTGRES</c>, set by <c>source eng/test-deps.sh start</c>).</summary>
internal static class Postgres
{
    public static string? ConnectionString => Environment.GetEnvironmentVariable("ENT_CONSENT_POSTGRES") is { Length: > 0 } value ? value : null;

    public static string? SkipReason => ConnectionString is null && !string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase)
        ? "Needs ENT_CONSENT_POSTGRES (`source eng/test-deps.sh start`); under CI=true a missing server fails instead."
        : null;

    public static string RequireConnectionString() => ConnectionString
        ?? throw new InvalidOperationException("ENT_CONSENT_POSTGRES is not set, and CI=true requires the PostgreSQL tests to run.");
}

/// <summary>A fact that needs PostgreSQL: skipped with the reason when no server is configured outside CI.</summary>
public sealed class PostgresFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from the environment.</summary>
    public PostgresFactAttribute() => Skip = Postgres.SkipReason;
}
