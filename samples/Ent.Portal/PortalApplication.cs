using Ent.Consent;
using Ent.Consent.AspNetCore;
using Ent.Portal.Accounts;
using Ent.Portal.Audience;
using Ent.Portal.Localization;
using Ent.Portal.Security;
using Ent.Portal.ThirdParty;
using Microsoft.AspNetCore.Authentication.Cookies;
using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.AspNetCore.DataProtection;

namespace Ent.Portal;

/// <summary>
/// Builds the sample ENT portal. <c>Program</c> runs it; the end-to-end tests start the same application on a free
/// port with their own data folder.
/// </summary>
public static class PortalApplication
{
    /// <summary>Builds the portal from command-line arguments (<c>--urls</c>, <c>--Portal:DataDirectory</c>, …).</summary>
    /// <param name="args">The command-line arguments.</param>
    /// <param name="configure">Lets a test replace services (for example the <see cref="TimeProvider"/>) before the build.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = AppContext.BaseDirectory,
            // The portal's assembly, not the entry one: the tests start it from theirs, and Razor finds its pages and
            // views through the application name.
            ApplicationName = typeof(PortalApplication).Assembly.GetName().Name,
        });

        var dataDirectory = Path.GetFullPath(builder.Configuration["Portal:DataDirectory"] ?? "App_Data", builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);
        if (string.IsNullOrEmpty(builder.Configuration["EntConsent:SubjectKey"]))
        {
            builder.Configuration.AddInMemoryCollection([new("EntConsent:SubjectKey", SubjectKeyFile.LoadOrCreate(Path.Combine(dataDirectory, "subject-key")))]);
        }

        // One node: SQLite and Data Protection keys in the data folder. Several nodes: set the connection string
        // ConnectionStrings:ConsentProofs (env ConnectionStrings__ConsentProofs); proofs and keys then live in
        // PostgreSQL, so a consent cookie signed by one node is read by the others. Each node keeps its own data folder.
        var postgreSql = builder.Configuration.GetConnectionString("ConsentProofs");
        var postgreSqlSchema = builder.Configuration["Portal:PostgreSqlSchema"] ?? "ent_consent";
        var dataProtection = builder.Services.AddDataProtection().SetApplicationName("Ent.Portal");
        if (string.IsNullOrEmpty(postgreSql))
        {
            // Keys in the data folder: consent cookies and sign-ins stay valid across restarts.
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
        }
        else
        {
            dataProtection.PersistKeysToPostgreSql(postgreSql, postgreSqlSchema);
        }

        // wwwroot from the project's static web assets manifest in every environment (ASP.NET Core reads it only in
        // Development by default), so that portal.css is served when the tests start the built portal as Production.
        // A published portal has its wwwroot beside it and no such manifest; then this does nothing.
        builder.WebHost.UseStaticWebAssets();
        builder.Services.AddRazorPages();
        // Razor writes accented letters as they are, so the page source stays readable.
        builder.Services.AddWebEncoders(static options => options.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<AudienceStatistics>();
        builder.Services.AddRequestLocalization(PortalCultures.Configure);
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme)
            .AddCookie(options =>
            {
                options.Cookie.HttpOnly = true;
                options.Cookie.SameSite = SameSiteMode.Lax;
                options.Cookie.IsEssential = true;
                options.LoginPath = "/";
                options.ExpireTimeSpan = TimeSpan.FromHours(8);
            });
        builder.Services.AddAuthorization(options => options.AddPolicy(
            DemoAccount.DataProtectionOfficerPolicy, policy => policy.RequireRole(DemoAccount.DataProtectionOfficerRole)));
        builder.Services.AddAntiforgery(options => options.Cookie.IsEssential = true);
        // The consent policy (controllers, services, texts) is the EntConsent:Policy section of appsettings.json.
        // The refusal spool lives beside the proof store (docs/proofs.md).
        var consent = builder.Services.AddEntConsent(builder.Configuration, options =>
            {
                options.DataDirectory = dataDirectory;
                // The pupil under 15 consents jointly with her parents (EntConsent:Policy:JointConsent).
                options.MinorClaimType = DemoAccount.MinorClaimType;
            })
            .AddWidget(options => options.CookiePageUrl = "/cookies");
        builder.Services.AddSingleton<IGuardianDirectory>(DemoAccount.Guardians);
        if (string.IsNullOrEmpty(postgreSql))
        {
            // A relative path is resolved against the content root.
            consent.AddSqliteProofStore(builder.Configuration["Portal:ProofStorePath"] ?? Path.Combine(dataDirectory, "consent-proofs.db"));
        }
        else
        {
            consent.AddPostgreSqlProofStore(postgreSql, options => options.Schema = postgreSqlSchema);
        }

        // Proofs are kept 5 years (default); the portal's audience figures 25 months, as its exemption attests.
        consent.AddRetention(options =>
                options.RegisterAudienceDataPurge<AudienceStatistics>("portal-audience", RegulatoryDurations.ExemptAudienceDataMaxRetention))
            // The chain head signed every 10 minutes into proof-checkpoints.jsonl in the data folder (key created there
            // on first start: copy its .pub.pem to the DPO), so a chain rewritten in the database is detected.
            .AddProofCheckpoints();

        // Recommended: a second, consent-aware policy beside the portal's own (EntConsent:ContentSecurityPolicy:Mode
        // is Enforce in appsettings.json), with the portal's nonce so the widget and the nonced scripts still run; the
        // widget's <ent-consent-head /> and <ent-consent-scripts /> write the same nonce. A grant made in the page
        // reloads it, so the browser gets a policy that lists the newly allowed hosts.
        builder.Services.Configure<EntConsentOptions>(static options =>
            options.ContentSecurityPolicy.Nonce = Security.ContentSecurityPolicy.Nonce);

        using (var loggers = LoggerFactory.Create(static l => l.AddConsole()))
        {
            if (PianoAnalytics.Load(builder.Configuration, loggers.CreateLogger("Ent.Portal.ThirdParty")) is { } piano)
            {
                builder.Services.AddSingleton(piano);
            }
        }

        configure?.Invoke(builder);

        var app = builder.Build();
        app.UseContentSecurityPolicy();
        app.UseRequestLocalization();
        app.UseAuthentication();
        // After authentication, so that a choice is tied to the signed-in user (shared computers); its Set-Cookie
        // check runs when the response starts, so it also sees the cookies written by everything below.
        app.UseEntConsent();
        // The consent endpoints' per-address limit (EntConsent:EndpointRequestsPerMinute).
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseMiddleware<AudienceMeasurement>();
        app.UseCarelessDnmaServerTag();

        app.MapEntConsent();
        app.MapEntConsentWidget();
        app.MapEntConsentProofs(DemoAccount.DataProtectionOfficerPolicy);   // at /consent/proofs
        app.MapEntConsentConsole("/consent/console", DemoAccount.DataProtectionOfficerPolicy);
        app.MapStaticAssets();   // wwwroot/portal.css
        app.MapRazorPages();     // Pages/: the home page, /cookies, /statistiques
        app.MapAccountEndpoints();
        app.MapDnmaScript();
        return app;
    }
}
