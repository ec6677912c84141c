// The server of the loopback load run (benchmarks/run.sh drives it with wrk). One process per configuration:
//   --port N                 listens on 127.0.0.1:N only
//   --consent on|off         with or without UseEntConsent/MapEntConsent (the page is the same)
//   --store none|sqlite|postgres, --sqlite PATH, --postgres CONNECTION-STRING
//   --data DIR               the refusal spool's directory (default: a folder of the port's under the temp path)
//   --log                    keeps the default console logging
//   --store-only PATH        appends straight into a SQLite store from 64 writers (no HTTP) and exits
//   --payload                prints the widget's script and stylesheet sizes and exits
//   --console sqlite|postgres --target PATH|CONNECTION-STRING
//                            seeds 100,000 proofs and times each consent console page, then exits
using System.Globalization;
using Ent.Consent;
using Ent.Consent.Widget;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;

var settings = args.Select((value, index) => (value, index)).Where(static a => a.value.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(a => a.value[2..], a => a.index + 1 < args.Length && !args[a.index + 1].StartsWith("--", StringComparison.Ordinal) ? args[a.index + 1] : "true");
string Setting(string name, string fallback) => settings.TryGetValue(name, out var value) ? value : fallback;

if (settings.ContainsKey("payload"))
{
    var (jsRaw, jsGzip) = ConsentWidgetAssets.ScriptSize;
    var (cssRaw, cssGzip) = ConsentWidgetAssets.StyleSize;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"widget.js  raw {jsRaw} B, gzip {jsGzip} B"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"widget.css raw {cssRaw} B, gzip {cssGzip} B"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"total      raw {jsRaw + cssRaw} B, gzip {jsGzip + cssGzip} B ({(jsGzip + cssGzip) / 1024.0:0.00} KiB)"));
    return;
}

if (settings.TryGetValue("console", out var consoleStore))
{
    await ConsoleRun.RunAsync(consoleStore, Setting("target", string.Empty));
    return;
}

if (settings.TryGetValue("store-only", out var storeOnlyPath))
{
    // The SQLite store alone, without HTTP: how many durable appends per second 64 concurrent writers get.
    await StoreOnly.RunAsync(storeOnlyPath, int.Parse(Setting("seconds", "5"), CultureInfo.InvariantCulture));
    return;
}

var port = int.Parse(Setting("port", "5099"), CultureInfo.InvariantCulture);
var consent = Setting("consent", "on") == "on";
var store = Setting("store", "none");

var builder = WebApplication.CreateSlimBuilder(args);
if (!settings.ContainsKey("log"))
{
    builder.Logging.ClearProviders();
}
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
builder.Services.AddAntiforgery();
if (consent)
{
    var dataDirectory = Setting("data", Path.Combine(Path.GetTempPath(), $"ent-consent-loadrun-{port}"));
    var entConsent = builder.Services.AddEntConsent(options =>
    {
        // Never the content root's App_Data: the servers of one run must not share (or lock) one spool.
        options.DataDirectory = dataDirectory;
        options.Policy.Controllers = ["Région de test"];
        options.Policy.BuiltInServices = ["ent-session", "aspnetcore", "matomo-exempt", "google-analytics", "youtube", "facebook"];
        options.Policy.Exemptions["matomo-exempt"] = new ExemptionAttestation
        {
            PurposeStrictlyAudienceMeasurement = true,
            NoCrossSiteTracking = true,
            AnonymousStatisticsOnly = true,
            NoCrossReferencingOrSharing = true,
            CookieLifetimeAtMost13Months = true,
            DataRetentionAtMost25Months = true,
            DataRetention = CalendarPeriod.FromMonths(25),
        };
        options.SubjectKey = "a-load-run-subject-key-of-at-least-32-characters";
        // wrk posts from one address: the per-client limit of the consent endpoints would answer 429.
        options.EndpointRequestsPerMinute = 0;
    });
    switch (store)
    {
        case "sqlite":
            entConsent.AddSqliteProofStore(Setting("sqlite", Path.Combine(Path.GetTempPath(), "ent-consent-loadrun.db")));
            break;
        case "postgres":
            entConsent.AddPostgreSqlProofStore(Setting("postgres", string.Empty));
            break;
        case "none":
            break;
        default:
            throw new ArgumentException($"Unknown store '{store}'.");
    }
}

var app = builder.Build();
if (consent)
{
    app.UseEntConsent();
    app.MapEntConsent();
}

if (consent && store != "none")
{
    // After a run: proves every acknowledged choice is in the ledger and the chain still verifies.
    app.MapGet("/verify", static async ([FromServices] IConsentProofStore proofs) =>
    {
        var verification = await proofs.VerifyAsync();
        return string.Create(CultureInfo.InvariantCulture, $"valid={verification.IsValid} records={verification.RecordCount} reason={verification.Reason}");
    });
}

// A portal page: about 2 KB of HTML, no cookie written, the same with and without Ent.Consent.
var page = "<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>ENT</title></head><body><main>"
    + string.Concat(Enumerable.Repeat("<p>Cahier de textes, messagerie, emploi du temps et ressources numériques.</p>", 24))
    + "</main></body></html>";
app.MapGet("/page", () => Results.Content(page, "text/html; charset=utf-8"));
app.MapGet("/token", static (HttpContext context, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(context).RequestToken!);
app.Run();
