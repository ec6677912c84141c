using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace Ent.Consent.Gateway;

/// <summary>
/// <c>GET {prefix}/healthz</c>: 200 when the portal answers (any HTTP status counts: it is up) and the proof store's
/// folder and file can be written; 503 with which one failed otherwise. For a load balancer, so it is cheap and
/// says nothing about the portal beyond reachable or not.
/// </summary>
internal sealed class GatewayHealth : IDisposable
{
    private readonly HttpClient _client;
    private readonly Uri _upstream;
    private readonly string _dataDirectory;
    private readonly string _proofStorePath;
    private readonly string? _postgreSql;

    public GatewayHealth(IOptions<GatewayOptions> options, GatewayPaths paths)
    {
        _upstream = new Uri(options.Value.Upstream!);
        _client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(2), AllowAutoRedirect = false, UseCookies = false })
        {
            Timeout = TimeSpan.FromSeconds(5),
        };
        _dataDirectory = paths.DataDirectory;
        _proofStorePath = paths.ProofStore;
        _postgreSql = options.Value.PostgreSql;
    }

    public async Task WriteAsync(HttpContext context)
    {
        var upstream = await UpstreamReachableAsync(context.RequestAborted).ConfigureAwait(false);
        var store = ProofStoreWritable() && await DatabaseReachableAsync(context.RequestAborted).ConfigureAwait(false);
        var healthy = upstream && store;
        context.Response.StatusCode = healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.CacheControl = "no-store";
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(
            new HealthBody(healthy ? "healthy" : "unhealthy", upstream ? "reachable" : "unreachable", store ? "writable" : "not writable"),
            GatewayJsonContext.Default.HealthBody)).ConfigureAwait(false);
    }

    private async Task<bool> UpstreamReachableAsync(CancellationToken cancellation)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Head, _upstream);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellation).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            return false;
        }
    }

    // The shared database, when the proofs live there: reachable and answering within the health check's patience.
    private async Task<bool> DatabaseReachableAsync(CancellationToken cancellation)
    {
        if (_postgreSql is null)
        {
            return true;
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            await using var connection = new Npgsql.NpgsqlConnection(_postgreSql);
            await connection.OpenAsync(timeout.Token).ConfigureAwait(false);
            await using var command = new Npgsql.NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(timeout.Token).ConfigureAwait(false);
            return true;
        }
        catch (Exception exception) when (exception is Npgsql.NpgsqlException or OperationCanceledException or System.Net.Sockets.SocketException or TimeoutException)
        {
            return false;
        }
    }

    private bool ProofStoreWritable()
    {
        try
        {
            var probe = Path.Combine(_dataDirectory, ".healthz-" + Environment.ProcessId);
            File.WriteAllBytes(probe, [1]);
            File.Delete(probe);
            if (File.Exists(_proofStorePath))
            {
                using var stream = new FileStream(_proofStorePath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
            }

            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public void Dispose() => _client.Dispose();
}

/// <summary>The gateway's files, resolved once.</summary>
internal sealed record GatewayPaths(string DataDirectory, string ProofStore, string Keys, string SubjectKey);
