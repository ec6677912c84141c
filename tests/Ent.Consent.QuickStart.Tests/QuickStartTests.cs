using System.Net;
using System.Text.RegularExpressions;

namespace Ent.Consent.QuickStart.Tests;

/// <summary>The README's quick start, pasted into a new Razor Pages application, runs as the README says.</summary>
public sealed partial class QuickStartTests(QuickStartApp app) : IClassFixture<QuickStartApp>
{
    [QuickStartFact]
    public async Task Home_page_shows_the_banner_and_links_the_cookie_page_which_answers()
    {
        using var visitor = new Visitor(app.Address);

        var home = await visitor.GetStringAsync("/");

        Assert.True(home.Contains("id=\"ent-consent-banner\"", StringComparison.Ordinal), "no banner on the home page:\n" + home + "\n" + app.Output);
        Assert.Contains("href=\"/Cookies\"", home);
        Assert.Contains("/consent/widget.js", home);
        var cookies = await visitor.GetAsync("/Cookies");
        Assert.Equal(HttpStatusCode.OK, cookies.StatusCode);
        Assert.Contains("ent_audience", await cookies.Content.ReadAsStringAsync());
    }

    [QuickStartFact]
    public async Task Refusing_through_the_banner_form_records_the_choice_and_hides_the_banner()
    {
        using var visitor = new Visitor(app.Address);
        var home = await visitor.GetStringAsync("/");
        var form = BannerForm().Match(home);
        Assert.True(form.Success, "no banner form:\n" + home);
        var fields = HiddenInput().Matches(form.Groups["fields"].Value)
            .Select(static m => KeyValuePair.Create(WebUtility.HtmlDecode(m.Groups["name"].Value), WebUtility.HtmlDecode(m.Groups["value"].Value)))
            .Append(KeyValuePair.Create("action", "refuse-all"));

        var response = await visitor.PostAsync(WebUtility.HtmlDecode(form.Groups["action"].Value), new FormUrlEncodedContent(fields));

        Assert.True((int)response.StatusCode is >= 300 and < 400, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}\n{app.Output}");
        Assert.Contains("ent_consent", visitor.CookieNames);
        Assert.DoesNotContain("id=\"ent-consent-banner\"", await visitor.GetStringAsync("/"));
    }

    [QuickStartFact]
    public async Task Proofs_endpoint_answers_401_to_an_anonymous_caller_not_500()
    {
        using var visitor = new Visitor(app.Address);
        var request = new HttpRequestMessage(HttpMethod.Get, "/consent/proofs/verification");
        // What a script sends; a browser navigation is redirected to the sign-in page instead.
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");

        var response = await visitor.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]+)\" data-ent-consent-form>(?<fields>.*?)</form>", RegexOptions.Singleline)]
    private static partial Regex BannerForm();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]+)\" value=\"(?<value>[^\"]*)\"")]
    private static partial Regex HiddenInput();
}

/// <summary>A browser-like client: its own cookies, redirects not followed.</summary>
internal sealed class Visitor : IDisposable
{
    private readonly CookieContainer _cookies = new();
    private readonly HttpClient _http;

    public Visitor(Uri address)
        => _http = new HttpClient(new HttpClientHandler { CookieContainer = _cookies, AllowAutoRedirect = false }) { BaseAddress = address };

    public IEnumerable<string> CookieNames => _cookies.GetAllCookies().Select(static c => c.Name);

    public Task<string> GetStringAsync(string path) => _http.GetStringAsync(path);

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    public Task<HttpResponseMessage> PostAsync(string path, HttpContent content) => _http.PostAsync(path, content);

    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _http.SendAsync(request);

    public void Dispose() => _http.Dispose();
}
