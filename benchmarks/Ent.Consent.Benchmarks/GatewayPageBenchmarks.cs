using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Ent.Consent.AspNetCore;
using Ent.Consent.Benchmarks.Shared;
using Ent.Consent.Gateway;
using Ent.Consent.Gateway.Html;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Transforms;

namespace Ent.Consent.Benchmarks;

/// <summary>
/// The gateway's own share of a proxied response, without sockets (issue 11's targets are measured with wrk by
/// run.sh part "gateway"; this is where its time and allocations go): the 20 KB page of the load run and a 20 KB
/// stylesheet, as YARP hands them to the gateway's response transform behind <c>UseEntConsent</c>, against the plain
/// copy bare YARP does. The HTML page is injected for a returning visitor (a choice made) with and without the
/// antiforgery cookie (wrk keeps none, a browser keeps it); since the dialog is fetched when opened, neither makes a
/// token (checked at set-up: no antiforgery cookie set). <c>Injector</c> is the streaming rewrite alone.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class GatewayPageBenchmarks
{
    private const string Html = "1. 20 KB HTML page, returning visitor";
    private const string Static = "2. 20 KB stylesheet";
    private const string Injector = "3. injector alone (20 KB page, 16 KB chunks)";

    private static readonly byte[] Page = GatewayLoadContent.Page();

    // The antiforgery service keeps its tokens in a feature of its own (internal), which InProcessServer's reused
    // feature collection would otherwise carry from one request to the next: no token would be made after the first.
    private static readonly Type AntiforgeryFeature = typeof(Microsoft.AspNetCore.Antiforgery.IAntiforgery).Assembly
        .GetType("Microsoft.AspNetCore.Antiforgery.IAntiforgeryFeature", throwOnError: true)!;
    private static readonly byte[] Css = GatewayLoadContent.Stylesheet();

    private InProcessServer _htmlCopy = null!;
    private InProcessServer _htmlGateway = null!;
    private InProcessServer _htmlGatewayWithAntiforgery = null!;
    private InProcessServer _staticCopy = null!;
    private InProcessServer _staticGateway = null!;
    private InjectionParts _parts = null!;
    private IServiceProvider _services = null!;
    private string? _visitor;
    private PooledBufferWriter _output = null!;

    [GlobalSetup]
    public void Setup()
    {
        CultureInfo.DefaultThreadCurrentCulture = CultureInfo.DefaultThreadCurrentUICulture = CultureInfo.GetCultureInfo("fr-FR");
        var portal = new BenchmarkPortal(widget: true, configure: static services =>
        {
            services.AddSingleton(Options.Create(new GatewayOptions { Upstream = "http://127.0.0.1:8080" }));
            services.AddSingleton<GatewayRules>();
            services.AddSingleton<HtmlResponseTransform>();
        });
        var services = portal.Services;
        var transform = services.GetRequiredService<HtmlResponseTransform>();
        Action<IApplicationBuilder> ent = static app => app.UseEntConsent();
        var visitor = portal.ReturningVisitorCookieHeader;
        (_services, _visitor) = (services, visitor);

        _htmlCopy = new InProcessServer(services, ent, context => CopyAsync(context, "text/html; charset=utf-8", Page), visitor);
        _htmlGateway = new InProcessServer(services, ent, context => GatewayAsync(context, transform, "text/html; charset=utf-8", Page), visitor);
        _staticCopy = new InProcessServer(services, ent, context => CopyAsync(context, "text/css", Css), visitor);
        _staticGateway = new InProcessServer(services, ent, context => GatewayAsync(context, transform, "text/css", Css), visitor);

        // A browser sends back the antiforgery cookie an earlier page (the banner's, the dialog's) set.
        var antiforgery = AntiforgeryCookie(services);
        _htmlGatewayWithAntiforgery = new InProcessServer(services, ent, context => GatewayAsync(context, transform, "text/html; charset=utf-8", Page),
            visitor + "; " + antiforgery);

        _parts = new InjectionParts(Encoding.UTF8.GetBytes(new string('h', 1700)), Encoding.UTF8.GetBytes(new string('b', 8000)), Encoding.UTF8.GetBytes(new string('t', 2400)));
        _output = new PooledBufferWriter(32 * 1024);
        Check(_htmlGateway, Page.Length, injected: true, antiforgeryCookies: 0);
        Check(_htmlGatewayWithAntiforgery, Page.Length, injected: true, antiforgeryCookies: 0);
        Check(_staticGateway, Css.Length, injected: false, antiforgeryCookies: 0);
    }

    [GlobalCleanup]
    public void Cleanup() => _output.Dispose();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Html)]
    public ValueTask<int> HtmlBareCopy() => _htmlCopy.ServeAsync();

    [Benchmark]
    [BenchmarkCategory(Html)]
    public ValueTask<int> HtmlGatewayNoAntiforgeryCookie() => _htmlGateway.ServeAsync();

    [Benchmark]
    [BenchmarkCategory(Html)]
    public ValueTask<int> HtmlGatewayAntiforgeryCookie() => _htmlGatewayWithAntiforgery.ServeAsync();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Static)]
    public ValueTask<int> StaticBareCopy() => _staticCopy.ServeAsync();

    [Benchmark]
    [BenchmarkCategory(Static)]
    public ValueTask<int> StaticGateway() => _staticGateway.ServeAsync();

    [Benchmark]
    [BenchmarkCategory(Injector)]
    public int InjectorOnly()
    {
        var injector = new HtmlInjector(_parts, null, 64 * 1024, NullLogger.Instance);
        var written = 0;
        for (var offset = 0; offset < Page.Length; offset += 16 * 1024)
        {
            injector.Process(Page.AsSpan(offset, Math.Min(16 * 1024, Page.Length - offset)), _output);
            written += _output.WrittenCount;
            _output.Clear();
        }

        injector.Complete(_output);
        written += _output.WrittenCount;
        _output.Clear();
        return written;
    }

    /// <summary>One benchmark by name, for <c>--gateway-repeat</c> (instruction counts under callgrind).</summary>
    public static Func<ValueTask<int>> Scenario(GatewayPageBenchmarks benchmarks, string name) => name switch
    {
        "html-copy" => benchmarks.HtmlBareCopy,
        "html-gateway" => benchmarks.HtmlGatewayNoAntiforgeryCookie,
        "html-gateway-antiforgery" => benchmarks.HtmlGatewayAntiforgeryCookie,
        "static-copy" => benchmarks.StaticBareCopy,
        "static-gateway" => benchmarks.StaticGateway,
        "injector" => () => ValueTask.FromResult(benchmarks.InjectorOnly()),
        _ => throw new ArgumentException($"Unknown scenario '{name}': html-copy, html-gateway, html-gateway-antiforgery, static-copy, static-gateway, injector."),
    };

    // What bare YARP does with the body: the upstream's headers, then a copy of its stream.
    private static async Task CopyAsync(HttpContext context, string contentType, byte[] body)
    {
        using var upstream = Upstream(contentType, body);
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        await using var stream = await upstream.Content.ReadAsStreamAsync().ConfigureAwait(false);
        await stream.CopyToAsync(context.Response.Body).ConfigureAwait(false);
    }

    private static async Task GatewayAsync(HttpContext context, HtmlResponseTransform transform, string contentType, byte[] body)
    {
        using var upstream = Upstream(contentType, body);
        context.Features[AntiforgeryFeature] = null;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        var transformContext = new ResponseTransformContext { HttpContext = context, ProxyResponse = upstream, HeadersCopied = true };
        await transform.ApplyAsync(transformContext).ConfigureAwait(false);
        if (!transformContext.SuppressResponseBody)
        {
            await using var stream = await upstream.Content.ReadAsStreamAsync().ConfigureAwait(false);
            await stream.CopyToAsync(context.Response.Body).ConfigureAwait(false);
        }
    }

    private static HttpResponseMessage Upstream(string contentType, byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    // name=value of an antiforgery cookie as the banner's page of a first visit sets it.
    private static string AntiforgeryCookie(IServiceProvider services)
    {
        var context = new DefaultHttpContext { RequestServices = services };
        services.GetRequiredService<Microsoft.AspNetCore.Antiforgery.IAntiforgery>().GetAndStoreTokens(context);
        var cookie = context.Response.Headers.SetCookie.Single(static c => c!.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal))!;
        return cookie[..cookie.IndexOf(';', StringComparison.Ordinal)];
    }

    // The scenario must be what it says: a returning visitor's page with the widget injected, or a file left alone.
    private static void Check(InProcessServer server, int upstreamLength, bool injected, int antiforgeryCookies)
    {
        server.ServeAsync().AsTask().GetAwaiter().GetResult();
        var context = server.Context;
        var made = context.Response.Headers.SetCookie.Count(static c => c!.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal));
        // An injected page leaves with another length (or none while it streams); anything else with the portal's.
        var changed = context.Response.ContentLength != upstreamLength;
        if (context.GetConsent().IsPending || changed != injected || made != antiforgeryCookies)
        {
            throw new InvalidOperationException($"The gateway scenario is not what it says (injected {injected}).");
        }
    }

    /// <summary>Bytes allocated per call of <paramref name="serve"/>, once warm (valid under load, unlike times).</summary>
    public static async Task<long> BytesPerServeAsync(Func<ValueTask<int>> serve)
    {
        for (var i = 0; i < 2_000; i++)
        {
            await serve();
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < 1_000; i++)
        {
            await serve();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / 1_000;
    }

    /// <summary>
    /// Bytes allocated per page by each of the widget's four renderings, then by the four at once as the gateway renders
    /// them, for a returning visitor (for <c>--gateway-allocations</c>): what is left once the request's own allocation
    /// is taken away.
    /// </summary>
    public static async Task WidgetPartAllocationsAsync(GatewayPageBenchmarks benchmarks, Action<string> report)
    {
        var services = benchmarks._services;
        var widget = services.GetRequiredService<Ent.Consent.Widget.IConsentWidget>();
        const string Nonce = "abcdefghijklmnopqrstuvwx";
        Action<IApplicationBuilder> ent = static app => app.UseEntConsent();
        var request = await BytesPerServeAsync(new InProcessServer(services, ent, static _ => Task.CompletedTask, benchmarks._visitor).ServeAsync);
        // Each written as the gateway writes them, to a writer that keeps nothing; the last one is what the gateway renders.
        static void Write(params ReadOnlySpan<Microsoft.AspNetCore.Html.IHtmlContent> contents)
        {
            foreach (var content in contents)
            {
                content.WriteTo(TextWriter.Null, System.Text.Encodings.Web.HtmlEncoder.Default);
            }
        }

        var renderings = new (string Name, Action<HttpContext> Render)[]
        {
            ("head tags", context => Write(widget.RenderHeadTags(context, Nonce))),
            ("banner (none: a choice is made)", context => Write(widget.RenderBanner(context))),
            ("manage button", context => Write(widget.RenderManageButton(context))),
            ("script tags", context => Write(widget.RenderScriptTags(context, Nonce))),
            ("the four parts at once (RenderParts)", context =>
            {
                var all = widget.RenderParts(context, Nonce);
                Write(all.HeadTags, all.Banner, all.ManageButton, all.ScriptTags);
            }),
        };
        foreach (var (name, render) in renderings)
        {
            var server = new InProcessServer(services, ent, context =>
            {
                render(context);
                return Task.CompletedTask;
            }, benchmarks._visitor);
            report($"widget {name}: {await BytesPerServeAsync(server.ServeAsync) - request} B per page");
        }
    }
}
