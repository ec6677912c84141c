using System.Net.Http.Json;
using System.Security.Claims;
using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.AspNetCore.Tests.Infrastructure;

/// <summary>
/// A real ASP.NET Core application on <c>Microsoft.AspNetCore.TestHost</c> with Ent.Consent registered, a fake
/// clock, a fake sign-in (header <c>X-Test-User</c>, <c>X-Test-Minor</c>) and pages that write cookies.
/// </summary>
internal sealed class ConsentTestApp : IAsyncDisposable
{
    public static readonly DateTimeOffset Start = new(2026, 1, 31, 9, 0, 0, TimeSpan.Zero);

    private ConsentTestApp(WebApplication app, FakeTimeProvider time, TestLoggerProvider logs)
    {
        App = app;
        Time = time;
        Logs = logs;
        Client = app.GetTestClient();
        Client.BaseAddress = new Uri("http://ent.portal.test/");
    }

    public WebApplication App { get; }

    public FakeTimeProvider Time { get; }

    public TestLoggerProvider Logs { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => App.Services;

    public static async Task<ConsentTestApp> StartAsync(
        Action<EntConsentOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        Action<WebApplication>? routes = null,
        FakeTimeProvider? time = null,
        Action<IDataProtectionBuilder>? dataProtection = null,
        IDictionary<string, string?>? configuration = null,
        Action<WebApplication>? beforeConsent = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        var logs = new TestLoggerProvider();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        time ??= new FakeTimeProvider(Start);
        builder.Services.AddSingleton<TimeProvider>(time);
        var protection = builder.Services.AddDataProtection();
        if (dataProtection is null)
        {
            protection.UseEphemeralDataProtectionProvider();
        }
        else
        {
            dataProtection(protection);
        }

        if (configuration is not null)
        {
            builder.Configuration.AddInMemoryCollection(configuration);
            builder.Services.AddEntConsent(builder.Configuration, configure ?? (static _ => { }));
        }
        else
        {
            builder.Services.AddEntConsent(options =>
            {
                TestPolicy.Configure(options.Policy);
                options.SubjectKey = "a-test-subject-key-of-at-least-32-characters";
                configure?.Invoke(options);
            });
        }

        // Each app its own refusal spool: test classes run in parallel.
        var dataDirectory = Directory.CreateTempSubdirectory("ent-consent-data-").FullName;
        builder.Services.PostConfigure<EntConsentOptions>(o => o.DataDirectory = o.DataDirectory == "App_Data" ? dataDirectory : o.DataDirectory);
        services?.Invoke(builder.Services);
        var app = builder.Build();
        app.Lifetime.ApplicationStopped.Register(() => Directory.Delete(dataDirectory, recursive: true));
        app.Use((context, next) =>
        {
            if (context.Request.Headers.TryGetValue("X-Test-User", out var user))
            {
                var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, user.ToString()) };
                if (context.Request.Headers.ContainsKey("X-Test-Minor"))
                {
                    claims.Add(new Claim("ent_minor", "true"));
                }

                context.User = new ClaimsPrincipal(new ClaimsIdentity(claims, "Test"));
            }

            return next(context);
        });
        beforeConsent?.Invoke(app);
        app.UseEntConsent();
        app.MapEntConsent();
        app.MapGet("/token", (HttpContext context, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(context).RequestToken!);
        app.MapGet("/raw", (HttpContext context) =>
        {
            // Raw headers, as a framework or a proxy library would write them, bypassing Response.Cookies.
            foreach (var header in context.Request.Query["h"])
            {
                context.Response.Headers.Append("Set-Cookie", header);
            }

            return "ok";
        });
        app.MapGet("/state", (HttpContext context) =>
        {
            var consent = context.GetConsent();
            return $"pending={consent.IsPending};videos={consent.IsAllowed("videos")};stats={consent.IsAllowed("stats")};channel={consent.State?.Channel}";
        });
        routes?.Invoke(app);
        await app.StartAsync();
        return new ConsentTestApp(app, time, logs);
    }

    /// <summary>Sends a request as a browser holding <paramref name="jar"/>, and files the answer's cookies.</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, CookieJar jar, HttpContent? content = null, Action<HttpRequestMessage>? configure = null)
    {
        var request = new HttpRequestMessage(method, url) { Content = content };
        jar.AddTo(request);
        configure?.Invoke(request);
        var response = await Client.SendAsync(request);
        jar.Take(response, Time.GetUtcNow());
        return response;
    }

    public Task<HttpResponseMessage> GetAsync(string url, CookieJar jar, Action<HttpRequestMessage>? configure = null)
        => SendAsync(HttpMethod.Get, url, jar, null, configure);

    /// <summary>Fetches an antiforgery token (and its cookie) the way the widget's page would carry it.</summary>
    public async Task<string> TokenAsync(CookieJar jar, Action<HttpRequestMessage>? configure = null)
    {
        var response = await GetAsync("/token", jar, configure);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>Posts a JSON choice with a fresh antiforgery token, as the widget's script does.</summary>
    public async Task<HttpResponseMessage> PostChoiceAsync(CookieJar jar, object choice, Action<HttpRequestMessage>? configure = null)
    {
        var token = await TokenAsync(jar, configure);
        return await SendAsync(HttpMethod.Post, "/consent", jar, JsonContent.Create(choice), request =>
        {
            request.Headers.Add("RequestVerificationToken", token);
            configure?.Invoke(request);
        });
    }

    /// <summary>Posts a form choice with a fresh antiforgery token, as the widget's no-script form does.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(CookieJar jar, IEnumerable<KeyValuePair<string, string>> fields, Action<HttpRequestMessage>? configure = null)
    {
        var token = await TokenAsync(jar, configure);
        var all = fields.Append(KeyValuePair.Create("__RequestVerificationToken", token));
        return await SendAsync(HttpMethod.Post, "/consent", jar, new FormUrlEncodedContent(all), configure);
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
