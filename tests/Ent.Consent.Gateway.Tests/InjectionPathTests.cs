using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// The injection path as it is optimised (issue 11's benchmark targets): the portal's bytes are written in runs and
/// placeholders are rendered only when a page turns out to need one, possibly after the response has started.
/// </summary>
public sealed partial class InjectionPathTests
{
    [Fact]
    public async Task A_frame_that_arrives_after_the_response_started_gets_its_placeholder_with_the_pages_antiforgery_token()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var upstream = await Upstream.StartAsync(app => app.MapGet("/video", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync("<!DOCTYPE html><html><head><title>Vidéo</title></head><body><h1>Début</h1>");
            await context.Response.Body.FlushAsync();
            await release.Task;
            await context.Response.WriteAsync("<iframe title=\"Vidéo\" src=\"https://www.youtube.com/embed/abc\"></iframe></body></html>");
        }));
        await using var gateway = await GatewayServer.StartAsync(upstream.Address);
        using var client = gateway.CreateClient();
        using var deadlock = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        using var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/video"), HttpCompletionOption.ResponseHeadersRead, deadlock.Token);
        // The headers have left before the frame exists: the placeholder is rendered into a started response.
        var stream = await response.Content.ReadAsStreamAsync(deadlock.Token);
        var buffer = new byte[4096];
        var seen = new StringBuilder();
        while (!seen.ToString().Contains("<h1>Début</h1>", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, deadlock.Token);
            Assert.True(read > 0, "the page ended before the portal was released");
            seen.Append(Encoding.UTF8.GetString(buffer, 0, read));
        }

        release.SetResult();
        var html = seen + await new StreamReader(stream).ReadToEndAsync(deadlock.Token);

        var placeholder = Regex.Match(html, "<div class=\"ec ec-placeholder\" data-ent-consent-placeholder=\"youtube\".*?</div>(?=<iframe data-ent-consent=\"youtube\" hidden)").Value;
        Assert.Contains("name=\"grant\" value=\"youtube\"", placeholder);
        var tokens = TokenField().Matches(html).Select(static m => m.Groups[1].Value).Distinct().ToList();
        Assert.True(placeholder.Length > 0 && TokenField().IsMatch(placeholder), "the placeholder carries a token");
        Assert.Single(tokens);
        Assert.Single(response.Headers.GetValues("Set-Cookie"), static c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        Assert.EndsWith("</body></html>", html);
    }

    [Fact]
    public async Task A_long_page_passes_byte_for_byte_around_the_widget_whatever_its_tags_and_chunks()
    {
        // Upper-case tags, unknown elements, quoted '>' and '<' in attributes, a comment and raw text with tag-like
        // content, written in small pieces so tags are cut between the gateway's reads.
        var body = new StringBuilder();
        for (var i = 0; i < 600; i++)
        {
            body.Append("<ARTICLE class=\"x\" data-note='a>b' title=\"<body>\"><h2>Titre ").Append(i).Append("</h2><my-widget v=1>é</my-widget></ARTICLE>");
            if (i % 100 == 0)
            {
                body.Append("<!-- </BODY> --><script>var s = \"</body>\";</script><textarea></html></textarea>");
            }
        }

        var head = "<!DOCTYPE html><HTML lang=\"fr\"><HEAD><META charset=\"utf-8\"><TITLE>Long</TITLE></HEAD><BODY class=\"ent\">";
        var page = head + body + "</BODY></HTML>";
        var bytes = Encoding.UTF8.GetBytes(page);
        await using var upstream = await Upstream.StartAsync(app => app.MapGet("/long", async (HttpContext context) =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            for (var offset = 0; offset < bytes.Length; offset += 1000)
            {
                await context.Response.Body.WriteAsync(bytes.AsMemory(offset, Math.Min(1000, bytes.Length - offset)));
                await context.Response.Body.FlushAsync();
            }
        }));
        await using var gateway = await GatewayServer.StartAsync(upstream.Address);
        using var client = gateway.CreateClient();

        var html = await (await client.GetAsync("/long")).Content.ReadAsStringAsync();

        // The head tags after the charset, the banner right after <BODY …>, the scripts right before the real </BODY>.
        var guard = html.IndexOf("<script src=\"/.ent-consent/policy.js?", StringComparison.Ordinal);
        Assert.Equal(html.IndexOf("<META charset=\"utf-8\">", StringComparison.Ordinal) + "<META charset=\"utf-8\">".Length, guard);
        var bodyStart = html.IndexOf("<BODY class=\"ent\">", StringComparison.Ordinal) + "<BODY class=\"ent\">".Length;
        Assert.StartsWith("<section class=\"ec ec-banner\"", html[bodyStart..], StringComparison.Ordinal);
        var config = html.IndexOf("id=\"ent-consent-config\"", StringComparison.Ordinal);
        Assert.Equal(config, html.LastIndexOf("id=\"ent-consent-config\"", StringComparison.Ordinal));
        Assert.EndsWith("></script></BODY></HTML>", html);

        // Everything of the portal's is there, in order and unchanged: the page minus what the gateway added.
        // The banner alone: the preference dialog is fetched when opened, not injected.
        var bannerEnd = html.IndexOf("</section>", bodyStart, StringComparison.Ordinal) + "</section>".Length;
        Assert.DoesNotContain("<dialog", html, StringComparison.Ordinal);
        var tail = html.LastIndexOf("<form class=\"ec ec-manage\"", StringComparison.Ordinal);
        var titleEnd = html.IndexOf("<TITLE>", StringComparison.Ordinal);
        var portal = html[..guard] + html[titleEnd..bodyStart] + html[bannerEnd..tail] + "</BODY></HTML>";
        Assert.Equal(page, portal);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();
}
