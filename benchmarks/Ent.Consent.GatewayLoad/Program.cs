// The two reference servers of the gateway's loopback benchmark (benchmarks/run.sh, part "gateway"):
//   --upstream PORT           a stand-in portal: GET /page.html (20 KB of HTML) and GET /static.css (20 KB), no cookies;
//                             GET /page-{bytes}.html is the same page padded with spaces before </body> to that size
//                             (the size of the page the gateway sends), to measure what its extra bytes alone cost
//   --yarp PORT --to URL      bare YARP in front of URL: one catch-all route, no transform beyond YARP's defaults
// The gateway itself runs from its own build with the benchmark's settings (gateway.json beside this file).
using System.Globalization;
using Ent.Consent.Benchmarks.Shared;
using Yarp.ReverseProxy.Configuration;

var settings = args.Select((value, index) => (value, index)).Where(static a => a.value.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(a => a.value[2..], a => a.index + 1 < args.Length ? args[a.index + 1] : "true");

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
if (settings.TryGetValue("upstream", out var upstreamPort))
{
    builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, int.Parse(upstreamPort, CultureInfo.InvariantCulture)));
    var app = builder.Build();
    var page = GatewayLoadContent.Page();
    var css = GatewayLoadContent.Stylesheet();
    app.MapGet("/page.html", (HttpContext context) =>
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = page.Length;
        return context.Response.Body.WriteAsync(page).AsTask();
    });
    var padded = new System.Collections.Concurrent.ConcurrentDictionary<int, byte[]>();
    app.MapGet("/page-{bytes:int:range(0,1048576)}.html", (HttpContext context, int bytes) =>
    {
        var body = padded.GetOrAdd(Math.Max(bytes, page.Length), size =>
        {
            var end = page.AsSpan().LastIndexOf("</body>"u8);
            var padding = size - page.Length;
            var result = new byte[size];
            page.AsSpan(0, end).CopyTo(result);
            result.AsSpan(end, padding).Fill((byte)' ');
            page.AsSpan(end).CopyTo(result.AsSpan(end + padding));
            return result;
        });
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    });
    app.MapGet("/static.css", (HttpContext context) =>
    {
        context.Response.ContentType = "text/css";
        context.Response.ContentLength = css.Length;
        return context.Response.Body.WriteAsync(css).AsTask();
    });
    app.Run();
    return;
}

builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, int.Parse(settings["yarp"], CultureInfo.InvariantCulture)));
builder.Services.AddReverseProxy().LoadFromMemory(
    [new RouteConfig { RouteId = "portal", ClusterId = "portal", Match = new RouteMatch { Path = "{**path}" } }],
    [new ClusterConfig { ClusterId = "portal", Destinations = new Dictionary<string, DestinationConfig> { ["portal"] = new() { Address = settings["to"] } } }]);
var proxy = builder.Build();
proxy.MapReverseProxy();
proxy.Run();
