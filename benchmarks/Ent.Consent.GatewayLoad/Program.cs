// The two reference servers of the gateway's loopback benchmark (benchmarks/run.sh, part "gateway"):
//   --upstream PORT           a stand-in portal: GET /page.html (20 KB of HTML) and GET /static.css (20 KB), no cookies
//   --yarp PORT --to URL      bare YARP in front of URL: one catch-all route, no transform beyond YARP's defaults
// The gateway itself runs from its own build with the benchmark's settings (gateway.json beside this file).
using System.Globalization;
using System.Text;
using Yarp.ReverseProxy.Configuration;

var settings = args.Select((value, index) => (value, index)).Where(static a => a.value.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(a => a.value[2..], a => a.index + 1 < args.Length ? args[a.index + 1] : "true");

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
if (settings.TryGetValue("upstream", out var upstreamPort))
{
    builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, int.Parse(upstreamPort, CultureInfo.InvariantCulture)));
    var app = builder.Build();
    var page = Encoding.UTF8.GetBytes(Page());
    var css = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(".portal-block{margin:0 0 1rem;padding:.5rem;color:#1e1e1e}\n", 20 * 1024 / 58)));
    app.MapGet("/page.html", (HttpContext context) =>
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.ContentLength = page.Length;
        return context.Response.Body.WriteAsync(page).AsTask();
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

// A portal page of about 20 KB: a head with scripts and styles, a body of news items.
static string Page()
{
    var html = new StringBuilder(21 * 1024);
    html.Append("<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Actualités - ENT</title>")
        .Append("<link rel=\"stylesheet\" href=\"/static.css\"><script src=\"/app.js\" defer></script></head><body>")
        .Append("<header><nav><a href=\"/\">Accueil</a> <a href=\"/cahier-de-textes\">Cahier de textes</a></nav></header><main>");
    var item = 0;
    while (html.Length < 20 * 1024 - 200)
    {
        html.Append("<article class=\"portal-block\"><h2>Actualité ").Append(item++)
            .Append("</h2><p>Les conseils de classe du deuxième trimestre auront lieu la semaine prochaine ; les horaires sont affichés au CDI.</p></article>");
    }

    html.Append("</main><footer><p>Lycée Exemple</p></footer></body></html>");
    return html.ToString();
}
