using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Gateway.Tests;

/// <summary>The proxy on the wire: what the gateway does to the portal's pages, files and cookies.</summary>
public sealed partial class ProxyTests
{
    private const string Page = "<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Accueil</title><script src=\"/app.js\"></script></head><body><h1>Accueil</h1><p>Bienvenue é</p></body></html>";

    [Fact]
    public async Task A_redirect_to_the_portals_own_address_is_rewritten_to_the_gateways_and_others_are_left_alone()
    {
        await using var proxy = await PortalBehindGateway.StartAsync(app =>
        {
            app.MapGet("/go", (HttpContext context) => Results.Redirect($"http://{context.Request.Host}/login?next=%2Fcours#top"));
            app.MapGet("/cas", () => Results.Redirect("https://cas.example.fr/login?service=x"));
            app.MapGet("/relative", () => Results.Redirect("/login"));
        });

        using var go = await proxy.Client.SendAsync(Get("/go"));
        using var cas = await proxy.Client.SendAsync(Get("/cas"));
        using var relative = await proxy.Client.SendAsync(Get("/relative"));

        Assert.Equal(new Uri(proxy.Gateway.Address, "/login?next=%2Fcours#top"), go.Headers.Location);
        Assert.Equal(new Uri("https://cas.example.fr/login?service=x"), cas.Headers.Location);
        Assert.Equal("/login", relative.Headers.Location!.OriginalString);
    }

    private static HttpRequestMessage Get(string path, string? cookie = null, string accept = "text/html")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("Accept", accept);
        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        return request;
    }

    [Fact]
    public async Task Html_page_gets_the_guard_first_in_head_the_banner_first_in_body_and_the_scripts_before_body_end()
    {
        await using var proxy = await PortalBehindGateway.ServePageAsync(Page);

        using var response = await proxy.Client.SendAsync(Get("/"));
        var body = await response.Content.ReadAsByteArrayAsync();
        var html = Encoding.UTF8.GetString(body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        // The page came whole before anything was sent: it leaves with its new length, not in chunks.
        Assert.NotEqual(true, response.Headers.TransferEncodingChunked);
        Assert.Equal(body.Length, response.Content.Headers.ContentLength);
        Assert.True(body.Length > Encoding.UTF8.GetByteCount(Page), "the widget is in");
        var guard = html.IndexOf("id=\"ent-consent-guard\"", StringComparison.Ordinal);
        var policy = html.IndexOf("<script src=\"/.ent-consent/policy.js?", StringComparison.Ordinal);
        Assert.True(html.IndexOf("<meta charset=\"utf-8\">", StringComparison.Ordinal) < policy, "the charset stays first");
        Assert.True(policy < guard, "the guard's rules load before it");
        Assert.True(guard < html.IndexOf("<script src=\"/app.js\">", StringComparison.Ordinal), "the guard runs before the portal's scripts");
        Assert.Contains("<body><section class=\"ec ec-banner\"", html);
        var config = html.IndexOf("id=\"ent-consent-config\"", StringComparison.Ordinal);
        Assert.True(config > html.IndexOf("<p>Bienvenue é</p>", StringComparison.Ordinal) && config < html.IndexOf("</body>", StringComparison.Ordinal));
        Assert.Contains("action=\"/.ent-consent\"", html);
        Assert.Single(Regex.Matches(html, "data-ent-consent-banner"));

        // The gateway serves the policy's script the page names, with the integrity the page gives it.
        var tag = Regex.Match(html, "<script src=\"(/\\.ent-consent/policy\\.js\\?[^\"]+)\" integrity=\"([^\"]+)\"");
        using var script = await proxy.Client.SendAsync(Get(WebUtility.HtmlDecode(tag.Groups[1].Value)));
        Assert.Equal(HttpStatusCode.OK, script.StatusCode);
        var scriptBody = await script.Content.ReadAsByteArrayAsync();
        Assert.Equal(tag.Groups[2].Value, "sha384-" + Convert.ToBase64String(System.Security.Cryptography.SHA384.HashData(scriptBody)));
        Assert.StartsWith("window.EntConsentPolicy={", Encoding.UTF8.GetString(scriptBody), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Trackers_set_by_the_portal_are_dropped_and_cookies_the_browser_still_has_are_expired()
    {
        await using var proxy = await PortalBehindGateway.StartAsync(app => app.MapGet("/", (HttpContext context) =>
        {
            context.Response.Headers.Append("Set-Cookie", "_ga=GA1.1.1.1; Max-Age=63072000; Path=/");
            context.Response.Headers.Append("Set-Cookie", "_pk_id.1.a1b2=0123.1700000000.; Path=/");
            context.Response.Headers.Append("Set-Cookie", "PORTALSESSID=abc; HttpOnly; Path=/");
            context.Response.Headers.Append("Set-Cookie", "unknown_tracker=1; Path=/");
            return Results.Text("<p>x</p>", "text/plain");
        }));

        using var response = await proxy.Client.SendAsync(Get("/", cookie: "_ga=GA1.1.old; _pk_ses.1.a1b2=1"));
        var cookies = response.Headers.GetValues("Set-Cookie").ToList();

        Assert.Contains(cookies, static c => c.StartsWith("PORTALSESSID=abc", StringComparison.Ordinal));
        Assert.DoesNotContain(cookies, static c => c.StartsWith("unknown_tracker=1", StringComparison.Ordinal));
        Assert.DoesNotContain(cookies, static c => c.StartsWith("_pk_id.1.a1b2=0123", StringComparison.Ordinal));
        // The request-side sweep: what the browser sent back for services not allowed is expired.
        Assert.Contains(cookies, static c => c.StartsWith("_ga=;", StringComparison.Ordinal) && c.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase));
        Assert.Contains(cookies, static c => c.StartsWith("_pk_ses.1.a1b2=;", StringComparison.Ordinal));
        Assert.DoesNotContain(cookies, static c => c.StartsWith("_ga=GA1.1.1.1", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    public async Task Compressed_pages_are_decoded_injected_and_encoded_again(string coding)
    {
        var compressed = Compress(Encoding.UTF8.GetBytes(Page), coding);
        await using var proxy = await PortalBehindGateway.ServeBytesAsync(compressed, "text/html; charset=utf-8", coding);

        var request = Get("/");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br, zstd");
        using var response = await proxy.Client.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(coding, Assert.Single(response.Content.Headers.ContentEncoding));
        Assert.True(response.Headers.TransferEncodingChunked);
        var html = Encoding.UTF8.GetString(Decompress(body, coding));
        Assert.Contains("<body><section class=\"ec ec-banner\"", html);
        Assert.Contains("<p>Bienvenue é</p>", html);
        Assert.EndsWith("</body></html>", html);
    }

    [Fact]
    public async Task Accept_encoding_sent_to_the_portal_keeps_only_what_the_gateway_decodes()
    {
        string? seen = null;
        await using var proxy = await PortalBehindGateway.StartAsync(app => app.MapGet("/", (HttpContext context) =>
        {
            seen = context.Request.Headers.AcceptEncoding;
            return Results.Text("ok");
        }));

        var request = Get("/");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "zstd, br;q=0.9, deflate, gzip;q=0.5");
        using var response = await proxy.Client.SendAsync(request);

        Assert.Equal("br;q=0.9,gzip;q=0.5", seen?.Replace(" ", "", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_trace_context_is_made_up_for_the_portal_when_nothing_collects_traces()
    {
        // The shipped logging settings keep ASP.NET Core's hosting from starting an Activity per request only to scope
        // logs nobody reads; with none, HttpClient adds no traceparent either (a tracer such as OpenTelemetry still would).
        string? traceparent = "not called";
        await using var proxy = await PortalBehindGateway.StartAsync(app => app.MapGet("/", (HttpContext context) =>
        {
            traceparent = context.Request.Headers["traceparent"];
            return Results.Text("ok");
        }));

        using var response = await proxy.Client.SendAsync(Get("/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(traceparent);
    }

    [Theory]
    [InlineData("application/octet-stream", null)]
    [InlineData("text/javascript", null)]
    [InlineData("text/css", "gzip")]
    [InlineData("application/json", null)]
    public async Task Other_content_types_pass_byte_for_byte_with_their_length(string type, string? coding)
    {
        var bytes = new byte[200_000];
        new Random(42).NextBytes(bytes);
        // Markup that would be injected into if the gateway looked at it.
        Encoding.ASCII.GetBytes("<html><head></head><body></body></html>").CopyTo(bytes, 1000);
        await using var proxy = await PortalBehindGateway.ServeBytesAsync(bytes, type, coding, "/file");

        using var response = await proxy.Client.SendAsync(Get("/file", accept: "*/*"));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(bytes.Length, response.Content.Headers.ContentLength);
        Assert.Equal(bytes, body);
    }

    [Fact]
    public async Task Portal_down_answers_502_a_page_for_browsers_and_problem_json_otherwise_without_stack_trace()
    {
        // A port that was free a moment ago: nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        await using var gateway = await GatewayServer.StartAsync(new Uri($"http://127.0.0.1:{port}/"));
        using var client = gateway.CreateClient();

        using var page = await client.SendAsync(Get("/"));
        var html = await page.Content.ReadAsStringAsync();
        using var api = await client.SendAsync(Get("/api/notes", accept: "application/json"));
        var problem = await api.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadGateway, page.StatusCode);
        Assert.StartsWith("text/html", page.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("Portail indisponible", html);
        Assert.Equal(HttpStatusCode.BadGateway, api.StatusCode);
        Assert.Equal("application/problem+json", api.Content.Headers.ContentType!.MediaType);
        Assert.Contains("\"status\":502", problem);
        Assert.DoesNotContain("   at ", html + problem);
        Assert.DoesNotContain("Exception", html + problem);
    }

    [Fact]
    public async Task Healthz_reports_the_portal_and_the_proof_store()
    {
        await using var proxy = await PortalBehindGateway.StartAsync(app => app.MapGet("/", () => "ok"));

        using (var healthy = await proxy.Client.SendAsync(Get(GatewayServer.Prefix + "/healthz", accept: "application/json")))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
            Assert.Contains("\"upstream\":\"reachable\"", await healthy.Content.ReadAsStringAsync());
        }

        await proxy.StopPortalAsync();
        using var down = await proxy.Client.SendAsync(Get(GatewayServer.Prefix + "/healthz", accept: "application/json"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, down.StatusCode);
        Assert.Contains("\"upstream\":\"unreachable\"", await down.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task The_gateways_prefix_never_reaches_the_portal_and_every_other_path_does()
    {
        var seen = new List<string>();
        await using var proxy = await PortalBehindGateway.StartAsync(app => app.Run(context =>
        {
            lock (seen)
            {
                seen.Add(context.Request.Path + context.Request.QueryString);
            }

            return context.Response.WriteAsync("portal");
        }));

        using var unknown = await proxy.Client.SendAsync(Get(GatewayServer.Prefix.ToUpperInvariant() + "/not-served", accept: "text/plain"));
        using var asset = await proxy.Client.SendAsync(Get(GatewayServer.Prefix + "/widget.css", accept: "text/css"));
        using var lookalike = await proxy.Client.SendAsync(Get(GatewayServer.Prefix + "-portal/page?x=1", accept: "text/plain"));
        using var nested = await proxy.Client.SendAsync(Get("/cours" + GatewayServer.Prefix + "/dialog", accept: "text/plain"));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        Assert.Equal("portal", await lookalike.Content.ReadAsStringAsync());
        Assert.Equal("portal", await nested.Content.ReadAsStringAsync());
        Assert.Equal([GatewayServer.Prefix + "-portal/page?x=1", "/cours" + GatewayServer.Prefix + "/dialog"], seen);
    }

    [Fact]
    public async Task Portal_policy_keeps_its_sources_and_gains_only_the_page_nonce()
    {
        const string Policy = "default-src 'self'; script-src 'self' 'nonce-portal123' 'strict-dynamic'; style-src 'self'; img-src * data:; object-src 'none'";
        await using var proxy = await PortalBehindGateway.ServePageAsync(Page, Policy);

        using var response = await proxy.Client.SendAsync(Get("/"));
        var html = await response.Content.ReadAsStringAsync();
        var policy = string.Join(", ", response.Headers.GetValues("Content-Security-Policy"));
        var nonce = NonceAttribute().Match(html).Groups[1].Value;

        Assert.NotEmpty(nonce);
        Assert.Contains($"script-src 'self' 'nonce-portal123' 'strict-dynamic' 'nonce-{nonce}'", policy);
        Assert.Contains("img-src * data:", policy);
        Assert.Contains("object-src 'none'", policy);
        Assert.Contains("default-src 'self'", policy);
        Assert.DoesNotContain("unsafe", policy);
        // The widget's stylesheet: a policy without nonces gets the asset folder only, not a nonce that would turn off its own rules.
        Assert.Contains($"style-src 'self' {proxy.Gateway.Address.GetLeftPart(UriPartial.Authority)}/.ent-consent/", policy);
    }

    [Fact]
    public async Task Policy_with_unsafe_inline_gets_the_asset_folder_not_a_nonce_and_none_is_replaced_not_widened()
    {
        const string Policy = "default-src 'none'; script-src 'self' 'unsafe-inline' https://cdn.example.fr; form-action 'self'";
        await using var proxy = await PortalBehindGateway.ServePageAsync(Page, Policy);

        using var response = await proxy.Client.SendAsync(Get("/"));
        var policy = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        var origin = proxy.Gateway.Address.GetLeftPart(UriPartial.Authority);

        Assert.Contains($"script-src 'self' 'unsafe-inline' https://cdn.example.fr {origin}/.ent-consent/;", policy);
        Assert.DoesNotContain("'nonce-", policy);
        Assert.StartsWith("default-src 'none'", policy, StringComparison.Ordinal);
        Assert.Contains($"style-src {origin}/.ent-consent/", policy);
        Assert.Contains($"connect-src {origin}/.ent-consent", policy);
        Assert.Contains($"form-action 'self' {origin}/.ent-consent {origin}/.ent-consent/", policy);
    }

    [Fact]
    public async Task First_bytes_reach_the_browser_before_the_portal_finishes_a_slow_page()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var proxy = await PortalBehindGateway.StartAsync(app => app.MapGet("/slow", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync("<!DOCTYPE html><html><head><title>Lent</title></head><body><h1>Début</h1>");
            await context.Response.Body.FlushAsync();
            // The rest only comes once the test has seen the beginning through the gateway.
            await release.Task;
            await context.Response.WriteAsync("<p>Fin</p></body></html>");
        }));
        // A guard against a hang, not a speed check: a buffering gateway never shows the beginning.
        using var deadlock = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using var response = await proxy.Client.SendAsync(Get("/slow"), HttpCompletionOption.ResponseHeadersRead, deadlock.Token);
        Assert.True(response.Headers.TransferEncodingChunked, "a page still coming has no length yet");
        var stream = await response.Content.ReadAsStreamAsync(deadlock.Token);
        var seen = new StringBuilder();
        var buffer = new byte[4096];
        while (!seen.ToString().Contains("<h1>Début</h1>", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, deadlock.Token);
            Assert.True(read > 0, "the page ended before the portal was released");
            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        Assert.Contains("data-ent-consent-banner", seen.ToString());
        Assert.DoesNotContain("<p>Fin</p>", seen.ToString());
        release.SetResult();
        var rest = await new StreamReader(stream).ReadToEndAsync(deadlock.Token);
        Assert.Contains("<p>Fin</p>", rest);
        Assert.Contains("id=\"ent-consent-config\"", rest);
    }

    [Theory]
    [InlineData("<html><title>Sans head ni body</title><p>texte</p></html>")]
    [InlineData("<p>Un fragment sans rien autour</p>")]
    [InlineData("<!DOCTYPE html><html><head><title>Tronqué</title></head><body><p>Le début d'un paragr")]
    [InlineData("<!DOCTYPE html><html><head><script>var s = '</body></html>';</script></head><body><p>x</p></body></html>")]
    [InlineData("<html><head><!-- <body> en commentaire --></head><body><div title=\"a>b\">x</div></body></html>")]
    [InlineData("<html><head><title>Balise jamais fermée</title></head><body><div class=\"")]
    [InlineData("plain text with no markup at all")]
    public async Task Malformed_pages_are_served_with_the_banner_once_and_the_portal_content_intact(string page)
    {
        await using var proxy = await PortalBehindGateway.ServePageAsync(page);

        using var response = await proxy.Client.SendAsync(Get("/"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Single(Regex.Matches(html, "data-ent-consent-banner"));
        Assert.Single(Regex.Matches(html, "id=\"ent-consent-guard\""));
        Assert.Single(Regex.Matches(html, "id=\"ent-consent-config\""));
        // Removing what was injected gives the portal's page back.
        Assert.Equal(page, Regex.Replace(html, "<script src=\"/\\.ent-consent/policy\\.js.*?(?=<link rel=\"stylesheet\" href=\"/\\.ent-consent/)<link[^>]*>|<section class=\"ec ec-banner\".*?</section>|<form class=\"ec ec-manage\".*?</script><script src=\"/\\.ent-consent/widget[^>]*></script>", string.Empty, RegexOptions.Singleline));
    }

    [Fact]
    public async Task A_byte_order_mark_and_the_doctype_stay_first()
    {
        var page = "\uFEFF<!DOCTYPE html>\n<html><head><title>t</title></head><body><p>x</p></body></html>";
        await using var proxy = await PortalBehindGateway.ServePageAsync(page);

        var body = await (await proxy.Client.SendAsync(Get("/"))).Content.ReadAsByteArrayAsync();

        Assert.StartsWith("\uFEFF<!DOCTYPE html>\n<html><head><script src=\"/.ent-consent/policy.js?", Encoding.UTF8.GetString(body), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_script_string_closing_body_does_not_receive_the_widget_scripts()
    {
        const string Tricky = "<html><head></head><body><script>document.write('</body>');</script><p>x</p></body></html>";
        await using var proxy = await PortalBehindGateway.ServePageAsync(Tricky);

        var html = await proxy.GetPageAsync();

        Assert.Contains("document.write('</body>');</script><p>x</p><form class=\"ec ec-manage\"", html);
    }

    [Fact]
    public async Task A_windows_1252_page_keeps_its_bytes_and_receives_only_ascii()
    {
        // "Élève" in windows-1252: 0xC9 and 0xE8 are not UTF-8.
        var page = Encoding.Latin1.GetBytes("<html><head><title>\u00c9l\u00e8ve</title></head><body><p>\u00c9l\u00e8ve</p></body></html>");
        await using var proxy = await PortalBehindGateway.ServeBytesAsync(page, "text/html; charset=windows-1252");

        using var response = await proxy.Client.SendAsync(Get("/"));
        var body = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal("windows-1252", response.Content.Headers.ContentType!.CharSet);
        var text = Encoding.Latin1.GetString(body);
        Assert.Contains("<p>\u00c9l\u00e8ve</p>", text);
        Assert.Contains("data-ent-consent-banner", text);
        // Outside the portal's two words, every byte is ASCII: the widget's accents are character references.
        var portalBytes = body.Count(static b => b >= 0x80);
        Assert.Equal(4, portalBytes);
        Assert.Contains("&#xE9;", text);
    }

    [Fact]
    public async Task A_utf_16_page_passes_untouched()
    {
        var page = Encoding.Unicode.GetBytes("<html><head></head><body><p>x</p></body></html>");
        await using var proxy = await PortalBehindGateway.ServeBytesAsync(page, "text/html; charset=utf-16");

        var body = await (await proxy.Client.SendAsync(Get("/"))).Content.ReadAsByteArrayAsync();

        Assert.Equal(page, body);
    }

    [Fact]
    public async Task Huge_response_headers_and_a_huge_tag_are_served()
    {
        var longAttribute = new string('a', 200_000);
        var page = $"<html><head></head><body><div data-x=\"{longAttribute}\">x</div></body></html>";
        await using var proxy = await PortalBehindGateway.StartAsync(app => app.MapGet("/", (HttpContext context) =>
        {
            context.Response.Headers["X-Portal-Debug"] = new string('h', 100_000);
            return Results.Text(page, "text/html; charset=utf-8");
        }));

        using var response = await proxy.Client.SendAsync(Get("/"));
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(longAttribute, html);
        Assert.Single(Regex.Matches(html, "data-ent-consent-banner"));
    }

    [Fact]
    public async Task Unmarked_youtube_frame_analytics_script_and_pixel_are_held_until_consent_and_marked_ones_left_alone()
    {
        const string Embeds = "<html><head><script async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script></head><body>"
            + "<iframe title=\"Vidéo\" src=\"https://www.youtube.com/embed/abc\"></iframe>"
            + "<img alt=\"\" src=\"//www.google-analytics.com/collect?v=1\">"
            + "<iframe title=\"Carte\" src=\"/carte\"></iframe>"
            + "<iframe data-ent-consent=\"youtube\" data-src=\"https://www.youtube.com/embed/marked\"></iframe>"
            + "<script type=\"application/ld+json\" src=\"https://www.googletagmanager.com/x.json\"></script>"
            + "</body></html>";
        await using var proxy = await PortalBehindGateway.ServePageAsync(Embeds);

        var html = await proxy.GetPageAsync();

        Assert.Contains("<script type=\"text/plain\" data-ent-consent=\"google-analytics\" async src=\"https://www.googletagmanager.com/gtag/js?id=G-1\"></script>", html);
        Assert.Contains("data-ent-consent-placeholder=\"youtube\"", html);
        // The widget's server-rendered placeholder, right before the frame: it allows YouTube without JavaScript too.
        var placeholder = Regex.Match(html, "<div class=\"ec ec-placeholder\" data-ent-consent-placeholder=\"youtube\".*?</div>(?=<iframe data-ent-consent=\"youtube\" hidden)").Value;
        Assert.Contains("lang=\"fr\" dir=\"ltr\"", placeholder);
        Assert.Matches("<form method=\"post\" action=\"[^\"]+\">", placeholder);
        Assert.Contains("name=\"grant\" value=\"youtube\"", placeholder);
        Assert.Contains("/preferences?returnUrl=%2F\"", placeholder);
        Assert.Contains("<iframe data-ent-consent=\"youtube\" hidden title=\"Vidéo\" data-src=\"https://www.youtube.com/embed/abc\"></iframe>", html);
        Assert.Contains("<img data-ent-consent=\"google-analytics\" alt=\"\" data-src=\"//www.google-analytics.com/collect?v=1\">", html);
        Assert.Contains("<iframe title=\"Carte\" src=\"/carte\"></iframe>", html);
        Assert.Contains("<iframe data-ent-consent=\"youtube\" data-src=\"https://www.youtube.com/embed/marked\"></iframe>", html);
        Assert.Contains("<script type=\"application/ld+json\" src=\"https://www.googletagmanager.com/x.json\"></script>", html);
    }

    [Fact]
    public async Task Block_rules_hold_content_by_selector_and_by_host()
    {
        const string Embeds = "<html><head></head><body>"
            + "<script src=\"/js/stats.js\" class=\"tracker stats\"></script>"
            + "<img src=\"https://pixel.partenaire.example/p.gif\" alt=\"\">"
            + "<script src=\"/js/app.js\"></script></body></html>";
        await using var proxy = await PortalBehindGateway.ServePageAsync(
            Embeds,
            settings: new Dictionary<string, string?>
            {
                ["Gateway:Block:0:Selector"] = "script.tracker[src^=/js/stats]",
                ["Gateway:Block:0:Service"] = "matomo",
                ["Gateway:Block:1:Host"] = "*.partenaire.example",
                ["Gateway:Block:1:Service"] = "google-analytics",
            });

        var html = await proxy.GetPageAsync();

        Assert.Contains("<script type=\"text/plain\" data-ent-consent=\"matomo\" src=\"/js/stats.js\" class=\"tracker stats\"></script>", html);
        Assert.Contains("<img data-ent-consent=\"google-analytics\" data-src=\"https://pixel.partenaire.example/p.gif\" alt=\"\">", html);
        Assert.Contains("<script src=\"/js/app.js\"></script>", html);
    }

    [Fact]
    public async Task Non_html_and_head_requests_are_not_injected_and_the_gateway_endpoints_answer_themselves()
    {
        await using var proxy = await PortalBehindGateway.StartAsync(app => app.MapMethods("/", ["GET", "HEAD"], () => Results.Text(Page, "text/html; charset=utf-8")));

        using var head = await proxy.Client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "/"));
        var headBody = await head.Content.ReadAsByteArrayAsync();
        using var state = await proxy.Client.SendAsync(Get(GatewayServer.Prefix, accept: "application/json"));
        using var cookiesPage = await proxy.Client.SendAsync(Get(GatewayServer.Prefix + "/cookies"));

        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        Assert.Empty(headBody);
        Assert.Equal(HttpStatusCode.OK, state.StatusCode);
        Assert.Contains("\"pending\":true", await state.Content.ReadAsStringAsync());
        Assert.Contains("YouTube", await cookiesPage.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_page_that_claims_gzip_but_is_not_answers_502_not_500()
    {
        await using var proxy = await PortalBehindGateway.ServeBytesAsync(Encoding.UTF8.GetBytes("<html>not gzip at all</html>"), "text/html; charset=utf-8", "gzip");

        var request = Get("/");
        request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip");
        using var response = await proxy.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains("Portail indisponible", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Forwarded_scheme_and_host_are_believed_from_the_configured_front_only()
    {
        const string Policy = "script-src 'self'";
        await using var proxy = await PortalBehindGateway.ServePageAsync(Page, Policy, new Dictionary<string, string?> { ["Gateway:ForwardedHeadersFrom:0"] = "127.0.0.1" });

        var request = Get("/");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "ent.lycee-exemple.fr");
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", "203.0.113.7");
        using var response = await proxy.Client.SendAsync(request);

        Assert.Equal("script-src 'self' https://ent.lycee-exemple.fr/.ent-consent/", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    [Fact]
    public async Task Forwarded_headers_from_anyone_else_are_ignored()
    {
        await using var proxy = await PortalBehindGateway.ServePageAsync(Page, "script-src 'self'", new Dictionary<string, string?> { ["Gateway:ForwardedHeadersFrom:0"] = "10.1.2.3" });

        var request = Get("/");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Host", "evil.example");
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "https");
        using var response = await proxy.Client.SendAsync(request);

        Assert.DoesNotContain("evil.example", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
    }

    private static byte[] Compress(byte[] data, string coding)
    {
        using var output = new MemoryStream();
        using (Stream stream = coding == "gzip" ? new GZipStream(output, CompressionLevel.Optimal) : new BrotliStream(output, CompressionLevel.Optimal))
        {
            stream.Write(data);
        }

        return output.ToArray();
    }

    private static byte[] Decompress(byte[] data, string coding)
    {
        using var input = new MemoryStream(data);
        using Stream stream = coding == "gzip" ? new GZipStream(input, CompressionMode.Decompress) : new BrotliStream(input, CompressionMode.Decompress);
        using var output = new MemoryStream();
        stream.CopyTo(output);
        return output.ToArray();
    }

    [GeneratedRegex("id=\"ent-consent-guard\" nonce=\"([^\"]+)\"")]
    private static partial Regex NonceAttribute();
}
