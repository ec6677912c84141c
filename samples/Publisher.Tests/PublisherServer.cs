using System.Net;
using Microsoft.AspNetCore.Builder;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Net.Http.Headers;

namespace Publisher.Tests;

/// <summary>The publisher sample on Kestrel at 127.0.0.1 on a free port, with a temporary data folder.</summary>
public sealed class PublisherServer : IAsyncLifetime
{
    private WebApplication _app = null!;
    private string _dataDirectory = null!;

    public Uri Address { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    public async Task InitializeAsync()
    {
        _dataDirectory = Directory.CreateTempSubdirectory("publisher-tests-").FullName;
        _app = PublisherApplication.Build(
            ["--urls", "http://127.0.0.1:0", "--environment", "Production", "--Publisher:DataDirectory", _dataDirectory, "--Logging:LogLevel:Default", "Warning"]);
        await _app.StartAsync();
        Address = new Uri(_app.Urls.Single().TrimEnd('/') + "/");
    }

    /// <summary>A browser-like client with its own cookie jar, so each test starts as a new visitor.</summary>
    public Visitor NewVisitor() => new(Address);

    public async Task DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }
}

/// <summary>
/// One visitor: keeps cookies as a browser would (set, replaced, expired) and shows every Set-Cookie of the last
/// response, so tests see exactly what the server let out.
/// </summary>
public sealed partial class Visitor : IDisposable
{
    private readonly HttpClient _client;
    private readonly Dictionary<string, string> _jar = new(StringComparer.Ordinal);

    internal Visitor(Uri address)
    {
        _client = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = address };
        Address = address;
    }

    public Uri Address { get; }

    public IReadOnlyDictionary<string, string> Cookies => _jar;

    /// <summary>The cookies the last response set, by name.</summary>
    public IReadOnlyDictionary<string, SetCookieHeaderValue> LastSetCookies { get; private set; } = new Dictionary<string, SetCookieHeaderValue>();

    public string LastPage { get; private set; } = string.Empty;

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        LastPage = await response.Content.ReadAsStringAsync();
        return response;
    }

    /// <summary>
    /// Posts a choice as the widget's script does: JSON, same origin, antiforgery token from the page or, on a
    /// returning visitor's page (which carries none), from the preference dialog the script fetches.
    /// </summary>
    public async Task<HttpResponseMessage> ChooseAsync(string json)
    {
        var token = AntiforgeryToken().Match(LastPage);
        if (!token.Success)
        {
            using var dialog = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/consent/dialog?returnUrl=%2F"));
            Assert.Equal(HttpStatusCode.OK, dialog.StatusCode);
            token = AntiforgeryToken().Match(await dialog.Content.ReadAsStringAsync());
        }

        Assert.True(token.Success, "the page or the dialog carries the widget's antiforgery token");
        var request = new HttpRequestMessage(HttpMethod.Post, "/consent") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Origin", Address.GetLeftPart(UriPartial.Authority));
        request.Headers.Add("RequestVerificationToken", WebUtility.HtmlDecode(token.Groups[1].Value));
        return await SendAsync(request);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_jar.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _jar.Select(static cookie => $"{cookie.Key}={cookie.Value}")));
        }

        var response = await _client.SendAsync(request);
        var setCookies = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? SetCookieHeaderValue.ParseList(values.ToList())
            : [];
        // One name may come several times: a deletion is sent for each path and domain the cookie may have been set with.
        LastSetCookies = setCookies.GroupBy(static cookie => cookie.Name.Value!, StringComparer.Ordinal)
            .ToDictionary(static group => group.Key, static group => group.Last(), StringComparer.Ordinal);
        foreach (var cookie in setCookies)
        {
            var expired = cookie.MaxAge is { } maxAge && maxAge <= TimeSpan.Zero || cookie.Expires is { } expires && expires <= DateTimeOffset.UtcNow;
            if (expired)
            {
                _jar.Remove(cookie.Name.Value!);
            }
            else
            {
                _jar[cookie.Name.Value!] = cookie.Value.Value!;
            }
        }

        return response;
    }

    public void Dispose() => _client.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
