using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>The same rules over a real socket: Kestrel on 127.0.0.1, a real HttpClient with its own cookie container.</summary>
public sealed class KestrelTests
{
    [Fact]
    public async Task Over_real_HTTP_a_raw_consent_required_cookie_is_stripped_until_the_user_accepts()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddEntConsent(o =>
        {
            TestPolicy.Configure(o.Policy);
            o.SubjectKey = "a-test-subject-key-of-at-least-32-characters";
        });
        await using var app = builder.Build();
        app.UseEntConsent();
        app.MapEntConsent();
        app.MapGet("/token", (HttpContext context, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(context).RequestToken!);
        app.MapGet("/video", (HttpContext context) =>
        {
            context.Response.Headers.Append("Set-Cookie", "vid_pref=hd; path=/; max-age=3600");
            return "video";
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri(address) };

        await client.GetAsync("/video");
        Assert.Null(cookies.GetCookies(client.BaseAddress)["vid_pref"]);

        var token = await client.GetStringAsync("/token");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/consent") { Content = JsonContent.Create(new { action = "accept-all" }) };
        post.Headers.Add("RequestVerificationToken", token);
        var answer = await client.SendAsync(post);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.False((await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pending").GetBoolean());

        await client.GetAsync("/video");
        Assert.Equal("hd", cookies.GetCookies(client.BaseAddress)["vid_pref"]?.Value);
        await app.StopAsync();
    }

    [Fact]
    public async Task Over_real_HTTP_cookies_from_an_OnStarting_callback_registered_before_UseEntConsent_are_decided_too()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddEntConsent(o =>
        {
            TestPolicy.Configure(o.Policy);
            o.SubjectKey = "a-test-subject-key-of-at-least-32-characters";
        });
        await using var app = builder.Build();
        RequestPathTests.WritesCookiesWhenTheResponseStarts(app);
        app.UseEntConsent();
        app.MapEntConsent();
        app.MapGet("/token", (HttpContext context, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(context).RequestToken!);
        app.MapGet("/page", () => "page");
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies }) { BaseAddress = new Uri(address) };

        // Two requests on one keep-alive connection: the second reuses the server's response objects.
        await client.GetAsync("/page");
        await client.GetAsync("/page");
        Assert.Null(cookies.GetCookies(client.BaseAddress)["vid_pref"]);
        Assert.Null(cookies.GetCookies(client.BaseAddress)["vid_session"]);

        var token = await client.GetStringAsync("/token");
        using var post = new HttpRequestMessage(HttpMethod.Post, "/consent") { Content = JsonContent.Create(new { action = "accept-all" }) };
        post.Headers.Add("RequestVerificationToken", token);
        Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(post)).StatusCode);

        await client.GetAsync("/page");
        Assert.Equal("late-raw", cookies.GetCookies(client.BaseAddress)["vid_pref"]?.Value);
        Assert.Equal("late-api", cookies.GetCookies(client.BaseAddress)["vid_session"]?.Value);
        await app.StopAsync();
    }

    [Theory]
    [InlineData("accept-all")]
    [InlineData("refuse-all")]
    public async Task A_form_choice_from_an_accented_page_redirects_back_percent_encoded_with_its_proof_and_cookie(string action)
    {
        var store = new FakeProofStore();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel().UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IConsentProofStore>(store);
        builder.Services.AddEntConsent(o =>
        {
            TestPolicy.Configure(o.Policy);
            o.SubjectKey = "a-test-subject-key-of-at-least-32-characters";
        });
        await using var app = builder.Build();
        app.UseEntConsent();
        app.MapEntConsent();
        app.MapGet("/token", (HttpContext context, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(context).RequestToken!);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var cookies = new CookieContainer();
        using var client = new HttpClient(new HttpClientHandler { CookieContainer = cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(address) };
        var token = await client.GetStringAsync("/token");

        var answer = await client.PostAsync("/consent", new FormUrlEncodedContent(
        [
            KeyValuePair.Create("action", action),
            KeyValuePair.Create("returnUrl", "/élèves/emploi du temps?classe=5ᵉ"),
            KeyValuePair.Create("__RequestVerificationToken", token),
        ]));

        Assert.Equal(HttpStatusCode.SeeOther, answer.StatusCode);
        Assert.Equal("/%C3%A9l%C3%A8ves/emploi%20du%20temps?classe=5%E1%B5%89", answer.Headers.Location?.OriginalString);
        Assert.NotNull(cookies.GetCookies(client.BaseAddress)["ent_consent"]);
        for (var attempt = 0; attempt < 100 && store.Records.Count == 0; attempt++)
        {
            await Task.Delay(20); // A refusal's proof is written in the background.
        }

        Assert.Single(store.Records);
        await app.StopAsync();
    }
}
