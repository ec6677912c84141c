using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Ent.Consent.AspNetCore.Tests.Infrastructure;

namespace Ent.Consent.AspNetCore.Tests;

public sealed class ConsentEndpointTests
{
    public static TheoryData<string, string, string> BadJsonBodies => new()
    {
        { "application/json", "{\"action\":\"save\",\"services\":{\"nope\":true}}", "Unknown service 'nope'" },
        { "application/json", "{\"action\":\"save\",\"services\":{\"session\":false}}", "essential" },
        { "application/json", "{\"action\":\"accept-all\"", "not a valid choice" },
        { "application/json", "[1,2,3]", "not a valid choice" },
        { "application/json", "{}", "'action' is required" },
        { "application/json", "{\"action\":\"grant-everything\"}", "'action' must be" },
        { "application/json", "{\"action\":\"save\"}", "'services' is required" },
        { "application/json", "{\"action\":\"save\",\"services\":{\"videos\":\"yes\"}}", "not a valid choice" },
        { "application/json", "{\"action\":\"accept-all\",\"extra\":1}", "not a valid choice" },
        { "application/json", "{\"action\":\"accept-all\",\"channel\":\"privacySignal\"}", "'channel' must be" },
        { "text/plain", "action=accept-all", "Content-Type must be" },
        { "application/xml", "<choice/>", "Content-Type must be" },
    };

    [Theory]
    [MemberData(nameof(BadJsonBodies))]
    public async Task Bad_input_is_refused_with_a_problem_that_says_what_is_wrong_and_changes_nothing(string contentType, string body, string expected)
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        await app.PostChoiceAsync(jar, new { action = "refuse-all" });
        var before = jar["ent_consent"];
        var token = await app.TokenAsync(jar);

        var response = await app.SendAsync(HttpMethod.Post, "/consent", jar, new StringContent(body, Encoding.UTF8, contentType),
            r => r.Headers.Add("RequestVerificationToken", token));

        await AssertProblem(response, HttpStatusCode.BadRequest, expected);
        Assert.Null(CookieJar.FindSetCookie(response, "ent_consent"));
        Assert.Equal(before, jar["ent_consent"]);
    }

    [Fact]
    public async Task Body_over_the_limit_is_refused()
    {
        await using var app = await ConsentTestApp.StartAsync(o => o.MaxChoiceBodySize = 1024);
        var jar = new CookieJar();
        var token = await app.TokenAsync(jar);
        var body = "{\"action\":\"accept-all\",\"channel\":\"" + new string('x', 2000) + "\"}";

        var response = await app.SendAsync(HttpMethod.Post, "/consent", jar, new StringContent(body, Encoding.UTF8, "application/json"),
            r => r.Headers.Add("RequestVerificationToken", token));

        await AssertProblem(response, HttpStatusCode.BadRequest, "exceeds 1024 bytes");
        Assert.Null(jar["ent_consent"]);
    }

    public static TheoryData<string, string, string> BadForms => new()
    {
        { "action=save&grant=videos", "'decide' is required", "" },
        { "action=save&decide=videos&grant=partner", "'grant' names 'partner'", "" },
        { "action=save&decide=ghost", "Unknown service 'ghost'", "" },
        { "decide=videos", "'action' is required", "" },
        { "action=accept-all&action=refuse-all", "'action' must be", "" },
    };

    [Theory]
    [MemberData(nameof(BadForms))]
    public async Task Bad_form_is_refused_with_a_problem(string form, string expected, string unused)
    {
        _ = unused;
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        var fields = form.Split('&').Select(p => p.Split('=')).Select(p => KeyValuePair.Create(p[0], p[1]));

        var response = await app.PostFormAsync(jar, fields);

        await AssertProblem(response, HttpStatusCode.BadRequest, expected);
        Assert.Null(jar["ent_consent"]);
    }

    [Fact]
    public async Task Form_post_saves_checked_services_and_redirects_back_with_see_other()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();

        var response = await app.PostFormAsync(jar,
        [
            KeyValuePair.Create("action", "save"),
            KeyValuePair.Create("decide", "videos"),
            KeyValuePair.Create("decide", "partner"),
            KeyValuePair.Create("grant", "videos"),
            KeyValuePair.Create("returnUrl", "/cours/maths?page=2"),
        ]);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/cours/maths?page=2", response.Headers.Location?.OriginalString);
        var state = await (await app.GetAsync("/consent", jar)).Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("granted", state.GetProperty("services").GetProperty("videos").GetProperty("decision").GetString());
        Assert.Equal("denied", state.GetProperty("services").GetProperty("partner").GetProperty("decision").GetString());
        Assert.Equal("notAsked", state.GetProperty("services").GetProperty("stats").GetProperty("decision").GetString());
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example")]
    [InlineData("javascript:alert(1)")]
    public async Task Form_redirect_only_goes_to_a_local_url(string returnUrl)
    {
        await using var app = await ConsentTestApp.StartAsync();

        var response = await app.PostFormAsync(new CookieJar(), [KeyValuePair.Create("action", "refuse-all"), KeyValuePair.Create("returnUrl", returnUrl)]);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Form_post_without_antiforgery_token_is_refused()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        await app.TokenAsync(jar);

        var response = await app.SendAsync(HttpMethod.Post, "/consent", jar, new FormUrlEncodedContent([KeyValuePair.Create("action", "accept-all")]));

        await AssertProblem(response, HttpStatusCode.BadRequest, "antiforgery");
        Assert.Null(jar["ent_consent"]);
    }

    [Fact]
    public async Task Json_post_without_antiforgery_header_is_refused()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        await app.TokenAsync(jar);

        var response = await app.SendAsync(HttpMethod.Post, "/consent", jar, JsonContent.Create(new { action = "accept-all" }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(jar["ent_consent"]);
    }

    [Theory]
    [InlineData("Origin", "https://evil.example")]
    [InlineData("Origin", "null")]
    [InlineData("Origin", "http://ent.portal.test.evil.example")]
    [InlineData("Sec-Fetch-Site", "cross-site")]
    public async Task Cross_origin_post_is_refused(string header, string value)
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();

        var response = await app.PostChoiceAsync(jar, new { action = "accept-all" }, r =>
        {
            if (r.Method == HttpMethod.Post)
            {
                r.Headers.Add(header, value);
            }
        });

        await AssertProblem(response, HttpStatusCode.Forbidden, "only be posted from the site itself");
        Assert.Null(jar["ent_consent"]);
    }

    [Fact]
    public async Task Same_origin_post_with_Origin_header_is_accepted()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();

        var response = await app.PostChoiceAsync(jar, new { action = "accept-all" }, r =>
        {
            r.Headers.Add("Origin", "http://ent.portal.test");
            r.Headers.Add("Sec-Fetch-Site", "same-origin");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(jar["ent_consent"]);
    }

    [Fact]
    public async Task Save_keeps_the_previous_decisions_of_unlisted_services()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        await app.PostChoiceAsync(jar, new { action = "accept-all" });

        var response = await app.PostChoiceAsync(jar, new { action = "save", services = new { videos = false } });
        var state = await response.Content.ReadFromJsonAsync<JsonElement>();

        var services = state.GetProperty("services");
        Assert.Equal("denied", services.GetProperty("videos").GetProperty("decision").GetString());
        Assert.Equal("granted", services.GetProperty("partner").GetProperty("decision").GetString());
        Assert.Equal("preferenceCentre", state.GetProperty("channel").GetString());
    }

    [Fact]
    public async Task Accept_all_from_the_preference_centre_records_that_channel()
    {
        await using var app = await ConsentTestApp.StartAsync();

        var response = await app.PostChoiceAsync(new CookieJar(), new { action = "accept-all", channel = "preferenceCentre" });

        Assert.Equal("preferenceCentre", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("channel").GetString());
    }

    [Fact]
    public async Task The_state_is_answered_as_utf8_json_never_stored_by_a_cache()
    {
        await using var app = await ConsentTestApp.StartAsync();

        var response = await app.GetAsync("/consent", new CookieJar());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pending").GetBoolean());
    }

    [Fact]
    public async Task A_json_choice_is_answered_with_the_new_state_never_stored_by_a_cache()
    {
        await using var app = await ConsentTestApp.StartAsync();

        var response = await app.PostChoiceAsync(new CookieJar(), new { action = "refuse-all" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.False((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("pending").GetBoolean());
    }

    [Fact]
    public async Task A_form_choice_redirect_has_no_body_and_is_never_stored_by_a_cache()
    {
        await using var app = await ConsentTestApp.StartAsync();

        var response = await app.PostFormAsync(new CookieJar(), [KeyValuePair.Create("action", "accept-all"), KeyValuePair.Create("returnUrl", "/agenda")]);

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/agenda", response.Headers.Location?.OriginalString);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    internal static async Task AssertProblem(HttpResponseMessage response, HttpStatusCode status, string detailContains)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.Contains(detailContains, problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
    }
}
