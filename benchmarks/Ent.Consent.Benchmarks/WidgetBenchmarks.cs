using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Ent.Consent.AspNetCore;
using Ent.Consent.Widget;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.Benchmarks;

/// <summary>
/// The widget's share of a page: head tags, banner (pending only; the preferences dialog is fetched when opened), manage
/// button and script tags, rendered as the gateway injects them into every HTML page, for a new visitor (banner pending,
/// with its antiforgery token) and a returning one (no token). The
/// <c>UseEntConsent</c>-only page is the baseline the widget's cost adds to.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class WidgetBenchmarks
{
    private const string NewVisitor = "1. new visitor (banner pending)";
    private const string Returning = "2. returning visitor (choice made)";

    private InProcessServer _newBaseline = null!;
    private InProcessServer _newWidget = null!;
    private InProcessServer _returningBaseline = null!;
    private InProcessServer _returningWidget = null!;

    [GlobalSetup]
    public void Setup()
    {
        var portal = new BenchmarkPortal(widget: true);
        var services = portal.Services;
        var widget = services.GetRequiredService<IConsentWidget>();
        Action<IApplicationBuilder> ent = static app => app.UseEntConsent();
        RequestDelegate empty = static _ => Task.CompletedTask;
        RequestDelegate page = context =>
        {
            // What the gateway and a Razor layout render per page; the strings are used, so nothing is skipped.
            const string nonce = "bm9uY2Utb2YtdGhlLXBhZ2U=";
            var length = widget.RenderHeadTags(context, nonce).ToString()!.Length
                + widget.RenderBanner(context).ToString()!.Length
                + widget.RenderManageButton(context).ToString()!.Length
                + widget.RenderScriptTags(context, nonce).ToString()!.Length;
            context.Items["length"] = length;
            return Task.CompletedTask;
        };

        _newBaseline = new InProcessServer(services, ent, empty, null);
        _newWidget = new InProcessServer(services, ent, page, null);
        _returningBaseline = new InProcessServer(services, ent, empty, portal.ReturningVisitorCookieHeader);
        _returningWidget = new InProcessServer(services, ent, page, portal.ReturningVisitorCookieHeader);
        Check(_newWidget, pending: true);
        Check(_returningWidget, pending: false);
    }

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(NewVisitor)]
    public ValueTask<int> NewVisitorNoWidget() => _newBaseline.ServeAsync();

    [Benchmark]
    [BenchmarkCategory(NewVisitor)]
    public ValueTask<int> NewVisitorWidget() => _newWidget.ServeAsync();

    [Benchmark(Baseline = true)]
    [BenchmarkCategory(Returning)]
    public ValueTask<int> ReturningNoWidget() => _returningBaseline.ServeAsync();

    [Benchmark]
    [BenchmarkCategory(Returning)]
    public ValueTask<int> ReturningWidget() => _returningWidget.ServeAsync();

    // The scenarios must be what they say: the banner pending or not, and the widget rendered.
    private static void Check(InProcessServer server, bool pending)
    {
        server.ServeAsync().AsTask().GetAwaiter().GetResult();
        if (server.Context.GetConsent().IsPending != pending || server.Context.Items["length"] is not > 1000)
        {
            throw new InvalidOperationException($"The widget scenario is not what it says (pending {pending}).");
        }
    }
}
