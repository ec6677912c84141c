using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Hosting;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.AspNetCore.Tests;

public sealed class OptionsAndEventsTests
{
    [Fact]
    public async Task OnCookieBlocked_is_told_the_name_service_and_reason_of_each_dropped_cookie_never_its_value()
    {
        var blocked = new List<(string Name, string? Service, ConsentCookieBlockReason Reason, bool HasContext)>();
        await using var app = await ConsentTestApp.StartAsync(o => o.Events.OnCookieBlocked = c => blocked.Add((c.CookieName, c.ServiceId, c.Reason, c.HttpContext is not null)));

        await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_pref=secret; path=/") + "&h=" + Uri.EscapeDataString("mystery=secret; path=/"), new CookieJar());

        Assert.Equal([("vid_pref", "videos", ConsentCookieBlockReason.NoConsent, true), ("mystery", null, ConsentCookieBlockReason.Undeclared, true)], blocked);
    }

    [Fact]
    public async Task OnChoiceRecorded_is_told_each_choice_with_its_channel()
    {
        var recorded = new List<(ConsentChannel Channel, string ConsentId)>();
        await using var app = await ConsentTestApp.StartAsync(o => o.Events.OnChoiceRecorded = c => recorded.Add((c.Channel, c.State.ConsentId)));
        var jar = new CookieJar();

        await app.PostChoiceAsync(jar, new { action = "accept-all" });
        await app.GetAsync("/state", new CookieJar(), r => r.Headers.Add("Sec-GPC", "1"));

        Assert.Equal([ConsentChannel.FirstLayer, ConsentChannel.PrivacySignal], recorded.Select(r => r.Channel));
        Assert.Equal(jar["ent_consent"]!.Split('.')[2], recorded[0].ConsentId);
    }

    [Fact]
    public async Task A_derived_events_class_is_called_too()
    {
        var events = new CountingEvents();
        await using var app = await ConsentTestApp.StartAsync(o => o.Events = events);

        await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_pref=x; path=/"), new CookieJar());

        Assert.Equal(1, events.Blocked);
    }

    [Fact]
    public async Task Consent_cookie_attributes_come_from_the_cookie_builder()
    {
        await using var app = await ConsentTestApp.StartAsync(o =>
        {
            o.Cookie.Path = "/ent";
            o.Cookie.Domain = "portal.test";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.Always;
        });

        var response = await app.PostChoiceAsync(new CookieJar(), new { action = "accept-all" });

        var cookie = CookieJar.FindSetCookie(response, "ent_consent");
        Assert.NotNull(cookie);
        Assert.Equal("/ent", cookie.Path.Value);
        Assert.Equal("portal.test", cookie.Domain.Value);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Strict, cookie.SameSite);
        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
    }

    [Theory]
    [InlineData("name", "Cookie.Name must stay null")]
    [InlineData("expiration", "Cookie.Expiration and Cookie.MaxAge must stay null")]
    [InlineData("samesite-none", "Cookie.SameSite None needs Cookie.SecurePolicy Always")]
    [InlineData("path", "Cookie.Path 'ent' must start with '/'")]
    public async Task Cookie_builder_settings_that_cannot_hold_stop_start_up(string setting, string expected)
    {
        var exception = await Assert.ThrowsAnyAsync<Exception>(() => ConsentTestApp.StartAsync(o =>
        {
            switch (setting)
            {
                case "name": o.Cookie.Name = "other"; break;
                case "expiration": o.Cookie.Expiration = TimeSpan.FromDays(1); break;
                case "samesite-none": o.Cookie.SameSite = SameSiteMode.None; break;
                default: o.Cookie.Path = "ent"; break;
            }
        }));

        Assert.Contains(expected, exception.Message);
    }

    [Fact]
    public async Task Each_component_logs_under_its_own_category()
    {
        await using var app = await ConsentTestApp.StartAsync();

        await app.GetAsync("/raw?h=" + Uri.EscapeDataString("mystery=x; path=/"), new CookieJar());
        await app.SendAsync(HttpMethod.Post, "/consent", new CookieJar(), new StringContent("x", System.Text.Encoding.UTF8, "text/plain"));

        Assert.Contains(app.Logs.OwnEntries, e => e.Id.Id == 101 && e.Category == "Ent.Consent.AspNetCore.Enforcement");
        Assert.Contains(app.Logs.OwnEntries, e => e.Id.Id == 111 && e.Category == "Ent.Consent.AspNetCore.Endpoints");
    }

    private sealed class CountingEvents : EntConsentEvents
    {
        public int Blocked { get; private set; }

        public override void CookieBlocked(ConsentCookieBlockedContext context) => Blocked++;
    }

    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    public async Task An_http_privacy_policy_link_is_accepted_in_development_only(string environment, bool starts)
    {
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder(new Microsoft.AspNetCore.Builder.WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        builder.Services.AddEntConsent(o =>
        {
            TestPolicy.Configure(o.Policy);
            o.Policy.Services.Find(static s => s.Id == "videos")!.PrivacyPolicyUrl = new Uri("http://localhost:5080/confidentialite");
        });
        await using var app = builder.Build();

        var start = app.StartAsync();

        if (starts)
        {
            await start;
            await app.StopAsync();
        }
        else
        {
            var error = await Assert.ThrowsAsync<Microsoft.Extensions.Options.OptionsValidationException>(() => start);
            Assert.Contains("uses http; give the https:// address", error.Message);
        }
    }
}
