using Ent.Consent;
using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Enforcement;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.CookiePolicy;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.Benchmarks;

/// <summary>
/// A portal as the benchmarks see it: the built-in ENT, ASP.NET Core, exempt Matomo, Google Analytics, YouTube and
/// Facebook services, Ent.Consent and ASP.NET Core's cookie policy registered side by side, and genuine cookies.
/// </summary>
internal sealed class BenchmarkPortal
{
    public const string Host = "ent.portal.test";

    public BenchmarkPortal(bool widget = false, Action<IServiceCollection>? configure = null)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton(TimeProvider.System);
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        var consent = services.AddEntConsent(static options =>
        {
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
            options.SubjectKey = "a-benchmark-subject-key-of-at-least-32-characters";
        });
        if (widget)
        {
            consent.AddWidget();
        }

        services.Configure<CookiePolicyOptions>(static options =>
        {
            options.CheckConsentNeeded = static _ => true;
            options.MinimumSameSitePolicy = SameSiteMode.Lax;
            options.HttpOnly = HttpOnlyPolicy.None;
            options.Secure = CookieSecurePolicy.SameAsRequest;
        });
        configure?.Invoke(services);
        Services = services.BuildServiceProvider();
        Runtime = Services.GetRequiredService<ConsentRuntime>();
        Policy = Services.GetRequiredService<IConsentPolicyResolver>().Resolve(new DefaultHttpContext()).Policy;

        // A returning visitor: YouTube granted, Google Analytics and Facebook refused, Matomo's first deposit known.
        var now = TimeProvider.System.GetUtcNow();
        State = ConsentState.Create(
            Policy,
            [
                KeyValuePair.Create("youtube", ConsentDecision.Granted),
                KeyValuePair.Create("google-analytics", ConsentDecision.Denied),
                KeyValuePair.Create("facebook", ConsentDecision.Denied),
            ],
            ConsentChannel.PreferenceCentre,
            now.AddDays(-3));
        ConsentCookieValue = ConsentCookie.Write(State, null, Runtime.ConsentCookieSigner);
        var deposit = DateTimeOffset.FromUnixTimeSeconds(now.AddDays(-30).ToUnixTimeSeconds());
        DepositCookieValue = AudienceDepositCookie.Write(deposit, Runtime.DepositCookieSigner);
    }

    public ServiceProvider Services { get; }

    public ConsentRuntime Runtime { get; }

    public ConsentPolicy Policy { get; }

    public ConsentState State { get; }

    public string ConsentCookieValue { get; }

    public string DepositCookieValue { get; }

    /// <summary>The request's <c>Cookie</c> header of a returning visitor: session, consent, audience deposit.</summary>
    public string ReturningVisitorCookieHeader
        => $"JSESSIONID=8F2A61C0E1D94B7A; {Policy.ConsentCookieName}={ConsentCookieValue}; {Policy.ConsentCookieName}{AudienceDepositCookie.NameSuffix}={DepositCookieValue}";

    /// <summary>The same visitor under ASP.NET Core's cookie policy, whose consent cookie is <c>.AspNet.Consent=yes</c>.</summary>
    public const string CookiePolicyVisitorCookieHeader = "JSESSIONID=8F2A61C0E1D94B7A; .AspNet.Consent=yes";
}
