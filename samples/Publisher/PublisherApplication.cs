using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Localization;

namespace Publisher;

/// <summary>
/// Builds the publisher sample: a digital textbook reached from the ENT, on its own domain, with its own catalogue
/// (an essential reading session, an exempt audience measurement, consent-required recommendations and an embedded
/// Vimeo video). <c>Program</c> runs it; the tests start the same application on a free port.
/// </summary>
public static class PublisherApplication
{
    /// <summary>Builds the application from command-line arguments (<c>--urls</c>, <c>--Publisher:DataDirectory</c>, …).</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        var dataDirectory = Path.GetFullPath(builder.Configuration["Publisher:DataDirectory"] ?? "App_Data", builder.Environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);

        // Keys kept in the data folder, so that visitors' choices stay valid across restarts.
        builder.Services.AddDataProtection().SetApplicationName("Publisher")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataDirectory, "keys")));
        builder.Services.AddRequestLocalization(options =>
        {
            options.SetDefaultCulture("fr-FR").AddSupportedCultures("fr-FR", "en-GB").AddSupportedUICultures("fr-FR", "en-GB");
            options.RequestCultureProviders = [new QueryStringRequestCultureProvider(), new CookieRequestCultureProvider()];
        });

        // The catalogue is in appsettings.json (EntConsent:Policy); proofs go to an embedded SQLite file.
        builder.Services.AddEntConsent(builder.Configuration, options => options.DataDirectory = dataDirectory)
            .AddWidget()
            .AddSqliteProofStore(Path.Combine(dataDirectory, "consent-proofs.db"));

        var app = builder.Build();
        app.UseRequestLocalization();
        app.UseEntConsent();
        app.UseRateLimiter();
        app.UseAntiforgery();
        app.Use(SetPublisherCookies);

        app.MapEntConsent();
        app.MapEntConsentWidget();
        PublisherPages.Map(app);
        return app;
    }

    // The publisher's own server code sets its three cookies on every page, without looking at consent: Ent.Consent
    // lets the session through, caps the audience cookie to 13 months and keeps edx_reco out until it is granted.
    private static Task SetPublisherCookies(HttpContext context, RequestDelegate next)
    {
        var cookies = context.Response.Cookies;
        cookies.Append("edx_session", context.Request.Cookies["edx_session"] ?? NewId(), new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax });
        cookies.Append("edx_audience", context.Request.Cookies["edx_audience"] ?? NewId(),
            new CookieOptions { HttpOnly = true, SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(730) });
        if (context.Request.Path.StartsWithSegments("/chapitre", out var chapter))
        {
            // The chapters read so far, for recommendations: personal data, hence consent.
            var chapters = (context.Request.Cookies["edx_reco"] ?? string.Empty).Split('-', StringSplitOptions.RemoveEmptyEntries)
                .Append(chapter.Value!.Trim('/')).Distinct(StringComparer.Ordinal).TakeLast(20);
            cookies.Append("edx_reco", string.Join('-', chapters), new CookieOptions { SameSite = SameSiteMode.Lax, MaxAge = TimeSpan.FromDays(180) });
        }

        return next(context);
    }

    private static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
}
