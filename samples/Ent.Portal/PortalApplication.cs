using Ent.Consent;
using Ent.Consent.AspNetCore;
using Ent.Portal.Accounts;
using Ent.Portal.Audience;
using Ent.Portal.Localization;
using Ent.Portal.Pages;
using Ent.Portal.Security;
using Ent.Portal.ThirdParty;
using Microsoft.AspNetCore.Authentication.Cookies;
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
        });

        var dataDirectory = Path.GetFullPath(builder.Configuration["Portal:DataDirectory"] ?? "App_Data", builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);
        if (string.IsNullOrEmpty(builder.Configuration["EntConsent:SubjectKey"]))
        {
            builder.Configuration.AddInMemoryCollection([new("EntConsent:SubjectKey", SubjectKeyFile.LoadOrCreate(Path.Combine(dataDirectory, "subject-key")))]);
        }

        // Keys in the data folder: consent cookies and sign-ins stay valid across restarts.
        builder.Services.AddDataProtection()
            .SetApplicationName("Ent.Portal")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
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
        builder.Services.AddEntConsent(builder.Configuration, options => options.DataDirectory = dataDirectory)
            .AddWidget(options => options.CookiePageUrl = "/cookies")
            // A relative path is resolved against the content root.
            .AddSqliteProofStore(builder.Configuration["Portal:ProofStorePath"] ?? Path.Combine(dataDirectory, "consent-proofs.db"))
            // Proofs are kept 5 years (default); the portal's audience figures 25 months, as its exemption attests.
            .AddRetention(options =>
                options.RegisterAudienceDataPurge<AudienceStatistics>("portal-audience", RegulatoryDurations.ExemptAudienceDataMaxRetention));

        // Recommended: a second, consent-aware policy beside the portal's own (EntConsent:ContentSecurityPolicy:Mode),
        // with the portal's nonce so the widget and the nonced scripts still run. Off in appsettings.json until the
        // widget reloads the page after an in-page grant: the page's policy was written before the grant, so the
        // browser would refuse the newly allowed embed (the YouTube frame) until the next navigation.
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
        app.MapPortalPages();
        app.MapAccountEndpoints();
        app.MapDnmaScript();
        return app;
    }
}
