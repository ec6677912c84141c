using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore.Endpoints;

/// <summary>
/// The consent endpoints' rate limit: a token bucket per client address of
/// <see cref="EntConsentOptions.EndpointRequestsPerMinute"/>, refilled every minute, so one client cannot fill the
/// proof store or the refusal spool; a whole school behind one address still fits the default.
/// </summary>
internal sealed class ConsentRateLimiterPolicy(IOptions<EntConsentOptions> options) : IRateLimiterPolicy<string>
{
    public Func<OnRejectedContext, CancellationToken, ValueTask>? OnRejected { get; } = static (context, _) =>
    {
        // The host's global rejection status defaults to 503, which would read as "store down".
        context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.HttpContext.Response.Headers.RetryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter)
            ? ((int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture)
            : "60";
        return ValueTask.CompletedTask;
    };

    public RateLimitPartition<string> GetPartition(HttpContext httpContext)
    {
        var perMinute = options.Value.EndpointRequestsPerMinute;
        var address = httpContext.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
        return RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = perMinute,
            ReplenishmentPeriod = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }
}
