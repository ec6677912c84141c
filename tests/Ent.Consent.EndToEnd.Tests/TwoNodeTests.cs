using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ent.Consent.PostgreSql;
using Ent.Consent.Testing;
using Npgsql;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>
/// Two real sample-portal processes on 127.0.0.1 sharing one real PostgreSQL (proofs and Data Protection keys), as a
/// portal behind a load balancer runs: a choice made on one node holds on the other, and concurrent choices on both
/// make one chain with exactly one record each.
/// </summary>
public sealed class TwoNodeTests : IAsyncLifetime
{
    private const int ChoicesPerNode = 1_000;
    private readonly string _schema = "n_" + Guid.NewGuid().ToString("N");
    private readonly string _root = Directory.CreateTempSubdirectory("ent-portal-nodes-").FullName;
    private readonly HttpClient _client = new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, MaxConnectionsPerServer = 64 });
    private ServiceProcess? _nodeA;
    private ServiceProcess? _nodeB;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _client.Dispose();
        if (_nodeA is not null)
        {
            await _nodeA.DisposeAsync();
        }

        if (_nodeB is not null)
        {
            await _nodeB.DisposeAsync();
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
    public async Task Choice_on_one_node_holds_on_the_other_and_concurrent_choices_on_both_make_one_valid_chain()
    {
        _nodeA = await PortalProcess.StartAsync(Path.Combine(_root, "a"), Postgres.RequireConnectionString(), _schema);
        var first = await ChooseAsync(_nodeA.Address, _nodeA.Address, "accept-all");
        _nodeB = await PortalProcess.StartAsync(Path.Combine(_root, "b"), Postgres.RequireConnectionString(), _schema);

        // The consent cookie node A signed, read by node B (and, as a control, no cookie: no choice).
        var onB = await StateAsync(_nodeB.Address, first.ConsentCookie);
        var withoutCookie = await StateAsync(_nodeB.Address, null);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.False(onB.GetProperty("pending").GetBoolean());
        Assert.True(onB.GetProperty("services").GetProperty("youtube").GetProperty("allowed").GetBoolean());
        Assert.True(withoutCookie.GetProperty("pending").GetBoolean());

        // 2 × 1,000 choices at once, grants and refusals, each posted to one node with an antiforgery token from
        // either node (the keys are shared, so either's token holds).
        using var gate = new SemaphoreSlim(32);
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
        var failed = results.Where(static r => r.Status != HttpStatusCode.OK).ToList();
        Assert.True(
            failed.Count == 0,
            $"{failed.Count} choice(s) failed:\n{string.Join("\n", failed.Select(static r => r.Problem))}\nNode A:\n{_nodeA.ReadLog()}\nNode B:\n{_nodeB.ReadLog()}");

        // Graceful stops: refusals a slow moment sent to a node's spool are drained into the store first.
        await _nodeA.StopAsync();
        await _nodeB.StopAsync();
        await using var store = new PostgreSqlConsentProofStore(new PostgreSqlConsentProofStoreOptions { ConnectionString = Postgres.RequireConnectionString(), Schema = _schema, CreateSchema = false }, TimeProvider.System);
        using var keyA = ProofCheckpointKey.FromPemFile(Path.Combine(_root, "a", "proof-checkpoint-key.pub.pem"));
        using var keyB = ProofCheckpointKey.FromPemFile(Path.Combine(_root, "b", "proof-checkpoint-key.pub.pem"));
        var checkpoints = new ProofCheckpointFile(Path.Combine(_root, "a", "proof-checkpoints.jsonl")).ReadAll()
            .Concat(new ProofCheckpointFile(Path.Combine(_root, "b", "proof-checkpoints.jsonl")).ReadAll())
            .ToList();
        var verification = await store.VerifyWithSignedCheckpointsAsync(checkpoints, [keyA, keyB]);

        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(1 + (2 * ChoicesPerNode), verification.RecordCount);
        Assert.Equal(verification.RecordCount, verification.HeadSequence);
        Assert.True(verification.CheckpointsChecked >= 2, $"{verification.CheckpointsChecked} checkpoint(s) checked");
        foreach (var result in results.Take(20))
        {
            Assert.Single(await store.ExportByConsentIdAsync(result.ConsentId!));
        }
    }

    /// <summary>As a new browser: opens the home page of <paramref name="tokenNode"/> for its antiforgery token, then posts the choice to <paramref name="postNode"/>.</summary>
    private async Task<(HttpStatusCode Status, string? ConsentCookie, string? ConsentId, string? Problem)> ChooseAsync(Uri tokenNode, Uri postNode, string action)
    {
        using var page = await _client.GetAsync(tokenNode);
        page.EnsureSuccessStatusCode();
        var html = await page.Content.ReadAsStringAsync();
        var match = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"");
        Assert.True(match.Success, "The page carries no antiforgery token.");
        var cookies = string.Join("; ", page.Headers.GetValues("Set-Cookie").Select(static c => c.Split(';')[0]));
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(postNode, "/consent")) { Content = JsonContent.Create(new { action }) };
        request.Headers.Add("RequestVerificationToken", WebUtility.HtmlDecode(match.Groups[1].Value));
        request.Headers.Add("Cookie", cookies);
        using var response = await _client.SendAsync(request);
        var consent = response.Headers.TryGetValues("Set-Cookie", out var set)
            ? set.FirstOrDefault(static c => c.StartsWith("ent_consent=", StringComparison.Ordinal))?.Split(';')[0]
            : null;
        var problem = response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} from {postNode}: {await response.Content.ReadAsStringAsync()}";
        return (response.StatusCode, consent, consent?.Split('.')[2], problem);
    }

    private async Task<JsonElement> StateAsync(Uri node, string? consentCookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, "/consent"));
        if (consentCookie is not null)
        {
            request.Headers.Add("Cookie", consentCookie);
        }

        using var response = await _client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.Clone();
    }
}

/// <summary>A sample portal in a process of its own (<c>dotnet Ent.Portal.dll</c>), configured for PostgreSQL through the environment.</summary>
internal static class PortalProcess
{
    public static Task<ServiceProcess> StartAsync(string dataDirectory, string connectionString, string schema) => ServiceProcess.StartAsync(
        "Ent.Portal.dll",
        dataDirectory,
        new Dictionary<string, string>
        {
            ["urls"] = "http://127.0.0.1:0",
            ["environment"] = "Production",
            ["Portal:DataDirectory"] = dataDirectory,
            ["Portal:PostgreSqlSchema"] = schema,
            // One client address sends the whole load.
            ["EntConsent:EndpointRequestsPerMinute"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.Hosting.Lifetime"] = "Information",
        },
        new Dictionary<string, string>
        {
            // The configuration path an operator uses: the connection string from the environment, not a file.
            ["ConnectionStrings__ConsentProofs"] = connectionString,
            // Shared by every node, so a signed-in user's choices carry the same subject key whichever node took them.
            ["EntConsent__SubjectKey"] = "a-two-node-test-subject-key-of-at-least-32-characters",
        });
}
