using System.Security.Cryptography;

namespace Ent.Portal.Audience;

/// <summary>
/// The portal's first-party audience measurement (service <c>audience</c>, exempt from consent). Written the way
/// such code often is: it sets <c>ent_audience</c> with a 400-day lifetime on every visit. Ent.Consent caps that
/// cookie to its first deposit plus 13 months and never lets a revisit move it forward, and drops it when the user
/// objects, so the sample shows the library correcting a careless first-party tracker.
/// </summary>
internal sealed class AudienceMeasurement(RequestDelegate next, AudienceStatistics statistics)
{
    public const string CookieName = "ent_audience";
    private static readonly TimeSpan CarelessLifetime = TimeSpan.FromDays(400);

    public Task InvokeAsync(HttpContext context)
    {
        var visitorId = context.Request.Cookies[CookieName] is { Length: 22 } existing ? existing : NewVisitorId();
        context.Response.Cookies.Append(CookieName, visitorId, new CookieOptions
        {
            MaxAge = CarelessLifetime,
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Path = "/",
        });

        if (IsPageView(context.Request) && AudienceConsent.IsMeasured(context))
        {
            statistics.CountView(context.Request.Path.Value ?? "/");
        }

        return next(context);
    }

    private static bool IsPageView(HttpRequest request)
        => HttpMethods.IsGet(request.Method) && request.Headers.Accept.ToString().Contains("text/html", StringComparison.Ordinal);

    private static string NewVisitorId()
        => Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
