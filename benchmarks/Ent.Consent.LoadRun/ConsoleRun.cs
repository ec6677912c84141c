using System.Diagnostics;
using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Ent.Consent;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

/// <summary>
/// The consent console's pages over a ledger of 100,000 proofs: seeds the store through its own append path (a
/// settable clock spreads the records over 40 days), then times each page over HTTP on 127.0.0.1, first view
/// (nothing cached) and the median of 5 cached views. Target: under 1 s per page.
/// </summary>
internal static class ConsoleRun
{
    private const int Size = 100_000;
    private const int Days = 40;

    public static async Task RunAsync(string store, string target)
    {
        var clock = new SettableClock { Now = DateTimeOffset.UtcNow.AddDays(-Days) };
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddAuthentication("Bench").AddScheme<AuthenticationSchemeOptions, DpoHandler>("Bench", null);
        builder.Services.AddAuthorization(o => o.AddPolicy("Dpo", p => p.RequireRole("dpo")));
        var consent = builder.Services.AddEntConsent(o =>
        {
            o.Policy = new ConsentPolicyOptions { Controllers = ["Bench"], BuiltInServices = ["ent-session", "youtube", "dailymotion"] };
            o.SubjectKey = "benchmark-subject-secret-0123456789abcdef";
        }).AddWidget().AddRetention();
        var schema = "console_bench_" + Guid.NewGuid().ToString("N")[..8];
        if (store == "sqlite")
        {
            consent.AddSqliteProofStore(target);
        }
        else
        {
            consent.AddPostgreSqlProofStore(target, o => o.Schema = schema);
        }

        await using var app = builder.Build();
        app.UseAuthentication();
        app.UseEntConsent();
        app.UseAuthorization();
        app.MapEntConsent();
        app.MapEntConsentWidget();
        app.MapEntConsentConsole("/console", "Dpo");
        await app.StartAsync();

        var seeding = Stopwatch.StartNew();
        await SeedAsync(app.Services.GetRequiredService<IConsentProofStore>(), clock);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{store}: {Size:N0} proofs seeded in {seeding.Elapsed.TotalSeconds:0.0} s"));

        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.Single()) };
        client.DefaultRequestHeaders.Accept.ParseAdd("text/html");
        var first = DateOnly.FromDateTime(DateTimeOffset.UtcNow.AddDays(-Days).UtcDateTime).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        foreach (var page in new[]
        {
            "/console/choices",
            $"/console/choices?from={first}&by=week",
            $"/console/choices?from={first}&tenant=0310001A",
            "/console/ledger",
            "/console/trackers",
            "/console/policy",
        })
        {
            var uncached = await TimeAsync(client, page);
            var cached = new List<double>();
            for (var i = 0; i < 5; i++)
            {
                cached.Add(await TimeAsync(client, page));
            }

            cached.Sort();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{store}: GET {page,-44} first {uncached,7:0.0} ms, cached median {cached[2],6:0.0} ms {(uncached < 1000 ? "(< 1 s)" : "(OVER 1 s)")}"));
        }

        if (store != "sqlite")
        {
            await using var dataSource = Npgsql.NpgsqlDataSource.Create(target);
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {schema} CASCADE");
            await drop.ExecuteNonQueryAsync();
        }

        await app.StopAsync();
    }

    private static async Task<double> TimeAsync(HttpClient client, string path)
    {
        var started = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path);
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (!response.IsSuccessStatusCode || body.Length == 0)
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode}: {body[..Math.Min(body.Length, 300)]}");
        }

        return elapsed;
    }

    private static async Task SeedAsync(IConsentProofStore store, SettableClock clock)
    {
        var random = new Random(42);
        var start = clock.Now;
        var granted = new List<string>();
        const int chunks = 200;
        for (var chunk = 0; chunk < chunks; chunk++)
        {
            clock.Now = start + (TimeSpan.FromDays(Days) / chunks * chunk);
            var drafts = new List<ConsentProofDraft>();
            var grantedNow = new List<string>();
            for (var i = 0; i < Size / chunks; i++)
            {
                var withdraw = granted.Count > 0 && random.NextDouble() < 0.1;
                var id = withdraw ? granted[^1] : $"c-{chunk}-{i}";
                if (withdraw)
                {
                    granted.RemoveAt(granted.Count - 1);
                }

                var yes = !withdraw && random.NextDouble() < 0.55;
                if (yes)
                {
                    grantedNow.Add(id);
                }

                var decision = yes ? ConsentDecision.Granted : ConsentDecision.Denied;
                drafts.Add(new ConsentProofDraft
                {
                    ConsentId = id,
                    Tenant = random.NextDouble() < 0.5 ? "0310001A" : "0310002B",
                    Timestamp = clock.Now,
                    Decisions = new Dictionary<string, ConsentDecision> { ["youtube"] = decision, ["dailymotion"] = decision },
                    PolicyVersion = "0123456789abcdef",
                    TextsHash = "fedcba9876543210fedcba9876543210",
                    Locale = "fr",
                    Channel = !withdraw && random.NextDouble() < 0.1 ? ConsentChannel.PrivacySignal : ConsentChannel.FirstLayer,
                });
            }

            await Task.WhenAll(drafts.Select(d => store.AppendAsync(d)));
            granted.AddRange(grantedNow);
        }

        clock.Now = DateTimeOffset.UtcNow;
    }

    private sealed class SettableClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>Every request is the DPO: the benchmark times the pages, not a sign-in.</summary>
    private sealed class DpoHandler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "Benchmark DPO"), new Claim(ClaimTypes.Role, "dpo")], "Bench");
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "Bench")));
        }
    }
}
