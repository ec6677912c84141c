using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Ent.Consent.Gateway;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// The real gateway on Kestrel at 127.0.0.1 (free port) in front of <paramref name="upstream"/>, with the careless
/// portal's catalogue and a fresh data folder deleted afterwards.
/// </summary>
public sealed class GatewayServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GatewayServer(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Address = address;
    }

    public Uri Address { get; }

    public string DataDirectory { get; }

    public IServiceProvider Services => _app.Services;

    public const string Prefix = "/.ent-consent";

    /// <summary>The sample's catalogue: the careless portal's session cookie essential, GA, Matomo and YouTube built in.</summary>
    public static readonly Dictionary<string, string?> Catalogue = new()
    {
        ["EntConsent:Policy:Controllers:0"] = "Lycée Exemple",
        ["EntConsent:Policy:BuiltInServices:0"] = "aspnetcore",
        ["EntConsent:Policy:BuiltInServices:1"] = "google-analytics",
        ["EntConsent:Policy:BuiltInServices:2"] = "matomo",
        ["EntConsent:Policy:BuiltInServices:3"] = "youtube",
        ["EntConsent:Policy:Services:0:Id"] = "portal-session",
        ["EntConsent:Policy:Services:0:Name:fr"] = "Session du portail",
        ["EntConsent:Policy:Services:0:Description:fr"] = "Garde la connexion.",
        ["EntConsent:Policy:Services:0:Provider"] = "Le portail",
        ["EntConsent:Policy:Services:0:Purpose"] = "essential",
        ["EntConsent:Policy:Services:0:Category"] = "Essential",
        ["EntConsent:Policy:Services:0:LegalBasis"] = "PublicInterest",
        ["EntConsent:Policy:Services:0:Justification:fr"] = "Strictement nécessaire à la connexion.",
        ["EntConsent:Policy:Services:0:Cookies:0:Name"] = "PORTALSESSID",
        ["EntConsent:Policy:Services:0:Cookies:0:HttpOnly"] = "true",
        ["EntConsent:Policy:Services:0:Cookies:0:Description:fr"] = "Identifiant de session.",
        ["EntConsent:Policy:Services:0:Source"] = "samples/Gateway/portal.py",
    };

    public static async Task<GatewayServer> StartAsync(Uri upstream, IDictionary<string, string?>? settings = null)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("ent-gateway-test-").FullName;
        var app = GatewayApplication.Build(
            [
                "--urls", "http://127.0.0.1:0",
                "--environment", "Production",
                "--Gateway:Upstream", upstream.ToString(),
                "--Gateway:DataDirectory", dataDirectory,
                "--Logging:LogLevel:Default", "Warning",
            ],
            builder =>
            {
                builder.Configuration.AddInMemoryCollection(Catalogue);
                if (settings is not null)
                {
                    builder.Configuration.AddInMemoryCollection(settings);
                }
            });
        await app.StartAsync();
        var address = app.Urls.Single();
        return new GatewayServer(app, dataDirectory, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    /// <summary>A client that sees exactly what the gateway sends: no cookies kept, no redirect followed, no decompression.</summary>
    public HttpClient CreateClient()
        => new(new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false, AutomaticDecompression = System.Net.DecompressionMethods.None, MaxResponseHeadersLength = 1024 })
        {
            BaseAddress = Address,
        };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A stand-in portal on Kestrel (127.0.0.1, free port) whose pages each test writes itself.</summary>
public sealed class Upstream : IAsyncDisposable
{
    private readonly WebApplication _app;

    private Upstream(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<Upstream> StartAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Urls.Single();
        return new Upstream(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

/// <summary>A stand-in portal, the real gateway in front of it and a client of the gateway, disposed together.</summary>
public sealed class PortalBehindGateway : IAsyncDisposable
{
    private bool _portalStopped;

    private PortalBehindGateway(Upstream portal, GatewayServer gateway)
    {
        Portal = portal;
        Gateway = gateway;
        Client = gateway.CreateClient();
    }

    public Upstream Portal { get; }

    public GatewayServer Gateway { get; }

    /// <summary>What the browser sees (<see cref="GatewayServer.CreateClient"/>).</summary>
    public HttpClient Client { get; }

    /// <summary>Starts a portal whose routes <paramref name="map"/> writes, and the gateway with <paramref name="settings"/>.</summary>
    public static async Task<PortalBehindGateway> StartAsync(Action<WebApplication> map, IDictionary<string, string?>? settings = null)
    {
        var portal = await Upstream.StartAsync(map);
        try
        {
            return new PortalBehindGateway(portal, await GatewayServer.StartAsync(portal.Address, settings));
        }
        catch
        {
            await portal.DisposeAsync();
            throw;
        }
    }

    /// <summary>A portal serving <paramref name="html"/> (UTF-8) at <c>/</c>, under <paramref name="policy"/> when given.</summary>
    public static Task<PortalBehindGateway> ServePageAsync(string html, string? policy = null, IDictionary<string, string?>? settings = null)
        => StartAsync(app => app.MapGet("/", (HttpContext context) =>
        {
            if (policy is not null)
            {
                context.Response.Headers.ContentSecurityPolicy = policy;
            }

            return Results.Text(html, "text/html; charset=utf-8");
        }), settings);

    /// <summary>A portal serving <paramref name="body"/> as it is at <paramref name="path"/>, with its length and the given type and coding.</summary>
    public static Task<PortalBehindGateway> ServeBytesAsync(byte[] body, string contentType, string? coding = null, string path = "/")
        => StartAsync(app => app.MapGet(path, (HttpContext context) =>
        {
            context.Response.ContentType = contentType;
            if (coding is not null)
            {
                context.Response.Headers.ContentEncoding = coding;
            }

            context.Response.ContentLength = body.Length;
            return context.Response.Body.WriteAsync(body).AsTask();
        }));

    /// <summary>The body of the page at <paramref name="path"/> as a browser asks for it.</summary>
    public async Task<string> GetPageAsync(string path = "/")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        using var response = await Client.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>
    /// The consent cookie (<c>ent_consent=…</c>) of a visitor who refused everything through the banner's no-JS form
    /// on the page at <paramref name="path"/>: what a returning visitor's browser then sends.
    /// </summary>
    public async Task<string> RefuseAllAsync(string path = "/")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", "text/html");
        using var first = await Client.SendAsync(request);
        var html = await first.Content.ReadAsStringAsync();
        var token = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"").Groups[1].Value;
        var antiforgery = first.Headers.GetValues("Set-Cookie").Single(static c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)).Split(';')[0];
        return await RefuseAllAsync(Client, token, antiforgery);
    }

    /// <summary>Posts the banner's refuse-all form with <paramref name="token"/> and its cookie; returns the consent cookie.</summary>
    public static async Task<string> RefuseAllAsync(HttpClient client, string token, string antiforgery)
    {
        using var post = new HttpRequestMessage(HttpMethod.Post, GatewayServer.Prefix)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token, ["action"] = "refuse-all", ["returnUrl"] = "/" }),
        };
        post.Headers.TryAddWithoutValidation("Cookie", antiforgery);
        using var answer = await client.SendAsync(post);
        Assert.Equal(System.Net.HttpStatusCode.SeeOther, answer.StatusCode);
        return answer.Headers.GetValues("Set-Cookie").Single(static c => c.StartsWith("ent_consent=", StringComparison.Ordinal)).Split(';')[0];
    }

    /// <summary>Takes the portal down while the gateway keeps running.</summary>
    public async Task StopPortalAsync()
    {
        _portalStopped = true;
        await Portal.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Gateway.DisposeAsync();
        if (!_portalStopped)
        {
            await Portal.DisposeAsync();
        }
    }
}
