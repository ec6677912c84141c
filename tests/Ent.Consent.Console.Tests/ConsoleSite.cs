using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using System.Security.Claims;

namespace Ent.Consent.Console.Tests;

/// <summary>
/// A portal on Kestrel (127.0.0.1, free port) with the console at /consent/console behind a "Dpo" role policy,
/// its proof store seeded with <see cref="Ledger.Size"/> proofs through the store's own append path (group commits
/// of up to 256 records), spread over <see cref="Ledger.Days"/> days by a fake clock; and one headless Chromium.
/// </summary>
public abstract class ConsoleSite : IAsyncLifetime
{
    public const string PreviousPolicyVersion = "previous-release";
    public const string SubjectSecret = "console-tests-subject-secret-0123456789abcdef";
    private WebApplication? _app;
    private IPlaywright? _playwright;

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow.AddDays(-Ledger.Days));

    public string Url { get; private set; } = string.Empty;

    public IBrowser Browser { get; private set; } = null!;

    public IServiceProvider Services => _app!.Services;

    public Ledger Seeded { get; private set; } = null!;

    protected abstract void AddStore(EntConsentBuilder builder);

    /// <summary>False when the store's server is not configured (outside CI): the tests then skip and nothing starts.</summary>
    protected virtual bool CanStart => true;

    protected virtual Task CleanUpAsync() => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        if (!CanStart)
        {
            return;
        }

        var end = DateTimeOffset.UtcNow;
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Production" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(Clock);
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(o => o.LoginPath = "/sign-in");
        builder.Services.AddAuthorization(o => o.AddPolicy("Dpo", p => p.RequireRole("dpo")));
        builder.Services.AddRequestLocalization(o => o.SetDefaultCulture("fr").AddSupportedCultures("fr", "en").AddSupportedUICultures("fr", "en"));
        var consent = builder.Services.AddEntConsent(o =>
        {
            o.Policy = new ConsentPolicyOptions
            {
                Controllers = ["Collège Exemple"],
                BuiltInServices = ["ent-session", "youtube", "dailymotion"],
            };
            o.SubjectKey = SubjectSecret;
            // A folder per site: the refusal spool is locked to one host, and the SQLite and PostgreSQL sites run side by side.
            o.DataDirectory = Directory.CreateTempSubdirectory("ent-consent-console-test-").FullName;
        }).AddWidget().AddRetention();
        AddStore(consent);
        // Signed checkpoints: the ledger page shows the latest, and "verify now" checks the chain against them.
        consent.AddProofCheckpoints();
        _app = builder.Build();
        _app.UseRequestLocalization();
        _app.UseAuthentication();
        _app.UseEntConsent();
        _app.UseAuthorization();
        _app.MapEntConsent();
        _app.MapEntConsentWidget();
        _app.MapEntConsentConsole("/consent/console", "Dpo");
        _app.MapGet("/sign-in/{who}", async (HttpContext context, string who) =>
        {
            List<Claim> claims = [new(ClaimTypes.NameIdentifier, who), new(ClaimTypes.Name, who == "dpo" ? "Alex DPO" : "Camille Pupil")];
            if (who == "dpo")
            {
                claims.Add(new Claim(ClaimTypes.Role, "dpo"));
            }

            await context.SignInAsync(new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme)));
            return Results.Text("signed in");
        });
        // A careless page: a tracker nobody declared, set before any choice.
        _app.MapGet("/careless", (HttpContext context) =>
        {
            context.Response.Cookies.Append("careless_tracker", "value-never-shown");
            return Results.Text("careless");
        });
        _app.MapGet("/plain", () => Results.Text("plain"));
        // A catalogue kept by an earlier release, so the policy page has a previous version to compare with.
        await _app.Services.GetRequiredService<IConsentAdministrationJournal>().RememberPolicyAsync(new ConsentPolicySnapshot(
            PreviousPolicyVersion, Clock.GetUtcNow(), ["services.old-widget.category = consentRequired", "services.youtube.category = consentRequired"]));
        await _app.StartAsync();
        Url = _app.Urls.Single().TrimEnd('/');

        var store = _app.Services.GetRequiredService<IConsentProofStore>();
        Seeded = await Ledger.SeedAsync(store, Clock, end);

        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
    }

    /// <summary>A fresh browser context signed in as <paramref name="who"/> ("dpo", "pupil", or null for nobody).</summary>
    public async Task<IPage> NewPageAsync(string? who, string locale = "fr-FR")
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { Locale = locale, AcceptDownloads = true });
        var page = await context.NewPageAsync();
        if (who is not null)
        {
            var response = await page.GotoAsync(Url + "/sign-in/" + who);
            Assert.Equal(200, response!.Status);
        }

        return page;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await CleanUpAsync();
    }
}

public sealed class SqliteConsoleSite : ConsoleSite
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ent-console-").FullName;

    protected override void AddStore(EntConsentBuilder builder) => builder.AddSqliteProofStore(Path.Combine(_directory, "proofs.db"));

    protected override Task CleanUpAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
        return Task.CompletedTask;
    }
}

public sealed class PostgresConsoleSite : ConsoleSite
{
    public string Schema { get; } = "console_" + Guid.NewGuid().ToString("N")[..12];

    protected override bool CanStart => Postgres.SkipReason is null;

    protected override async Task CleanUpAsync()
    {
        if (!CanStart)
        {
            return;
        }

        await using var dataSource = Npgsql.NpgsqlDataSource.Create(Postgres.RequireConnectionString());
        await using var command = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
        await command.ExecuteNonQueryAsync();
    }

    protected override void AddStore(EntConsentBuilder builder)
        => builder.AddPostgreSqlProofStore(Postgres.RequireConnectionString(), o => o.Schema = Schema);
}
