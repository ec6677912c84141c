using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Benchmarks;

/// <summary>
/// One request through an in-process pipeline: the bare pipeline, the same with <c>UseEntConsent</c>, and the same
/// with ASP.NET Core's <c>UseCookiePolicy</c> (consent given with its own cookie, so it lets every cookie through
/// after applying its attribute policy: a smaller job than Ent.Consent's per-service decision).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class MiddlewareBenchmarks
{
    private const string NoCookie = "1. no cookie";
    private const string ValidConsent = "2. valid consent, no Set-Cookie";
    private const string ThreeCookies = "3. valid consent, 3 Set-Cookie";
    private const string FiveAllowed = "4. valid consent, no Set-Cookie, 5 allowed request cookies";

    private static readonly CookieOptions TrackerOptions = new() { Path = "/", MaxAge = TimeSpan.FromDays(730) };
    private static readonly CookieOptions SessionOptions = new() { Path = "/", HttpOnly = true, IsEssential = true };

    private InProcessServer _bareNoCookie = null!;
    private InProcessServer _entNoCookie = null!;
    private InProcessServer _policyNoCookie = null!;
    private InProcessServer _bareValid = null!;
    private InProcessServer _entValid = null!;
    private InProcessServer _entValidRead = null!;
    private InProcessServer _policyValid = null!;
    private InProcessServer _bareThree = null!;
    private InProcessServer _entThree = null!;
    private InProcessServer _policyThree = null!;
    private InProcessServer _bareFive = null!;
    private InProcessServer _entFive = null!;

    [GlobalSetup]
    public void Setup()
    {
        var portal = new BenchmarkPortal();
        var services = portal.Services;
        Action<IApplicationBuilder> bare = static _ => { };
        Action<IApplicationBuilder> ent = static app => app.UseEntConsent();
        Action<IApplicationBuilder> cookiePolicy = static app => app.UseCookiePolicy();
        RequestDelegate empty = static _ => Task.CompletedTask;
        RequestDelegate readsConsent = static context => context.GetConsent().IsAllowed("youtube") ? Task.CompletedTask : Task.CompletedTask;
        RequestDelegate threeCookies = static context =>
        {
            var cookies = context.Response.Cookies;
            cookies.Append("_ga", "GA1.1.1234567890.1700000000", TrackerOptions); // consent refused: stripped
            cookies.Append("_pk_id.1.a1b2", "f00dfeed01234567.1700000000.", TrackerOptions); // exempt audience: capped
            cookies.Append("JSESSIONID", "8F2A61C0E1D94B7A", SessionOptions); // essential: kept
            return Task.CompletedTask;
        };

        var returning = portal.ReturningVisitorCookieHeader;
        var policyReturning = BenchmarkPortal.CookiePolicyVisitorCookieHeader;
        _bareNoCookie = new InProcessServer(services, bare, empty, null);
        _entNoCookie = new InProcessServer(services, ent, empty, null);
        _policyNoCookie = new InProcessServer(services, cookiePolicy, empty, null);
        _bareValid = new InProcessServer(services, bare, empty, returning);
        _entValid = new InProcessServer(services, ent, empty, returning);
        _entValidRead = new InProcessServer(services, ent, readsConsent, returning);
        _policyValid = new InProcessServer(services, cookiePolicy, empty, policyReturning);
        _bareThree = new InProcessServer(services, bare, threeCookies, returning);
        _entThree = new InProcessServer(services, ent, threeCookies, returning);
        _policyThree = new InProcessServer(services, cookiePolicy, threeCookies, policyReturning);

        // Every cookie allowed: essential session and load balancer, consent, audience deposit, exempt Matomo. The
        // request-side sweep reads each name and must expire none.
        var fiveAllowed = portal.ReturningVisitorCookieHeader + "; SERVERID=node-2; _pk_id.1.a1b2=f00dfeed01234567.1700000000.";
        _bareFive = new InProcessServer(services, bare, empty, fiveAllowed);
        _entFive = new InProcessServer(services, ent, empty, fiveAllowed);
        Expect(_entFive, 0, "Ent.Consent expires none of five allowed request cookies");

        // The scenarios must do what they say, or their figures mean nothing.
        Expect(_entThree, 2, "Ent.Consent keeps JSESSIONID and the capped _pk_id, strips _ga");
        Expect(_policyThree, 3, "the cookie policy lets all three through once consent is given");
        Expect(_bareThree, 3, "the bare pipeline writes three cookies");
        var capped = _entThree.Context.Response.Headers.SetCookie.ToString();
        if (capped.Contains("_ga=", StringComparison.Ordinal) || !capped.Contains("expires=", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Unexpected Set-Cookie from Ent.Consent: {capped}");
        }

        _entValidRead.ServeAsync().AsTask().GetAwaiter().GetResult();
        if (_entValidRead.Context.GetConsent().State is null)
        {
            throw new InvalidOperationException("The returning visitor's consent cookie was not accepted.");
        }
    }

    [Benchmark(Baseline = true, Description = "bare pipeline")]
    [BenchmarkCategory(NoCookie)]
    public ValueTask<int> Bare_no_cookie() => _bareNoCookie.ServeAsync();

    [Benchmark(Description = "UseEntConsent")]
    [BenchmarkCategory(NoCookie)]
    public ValueTask<int> Ent_no_cookie() => _entNoCookie.ServeAsync();

    [Benchmark(Description = "UseCookiePolicy")]
    [BenchmarkCategory(NoCookie)]
    public ValueTask<int> CookiePolicy_no_cookie() => _policyNoCookie.ServeAsync();

    [Benchmark(Baseline = true, Description = "bare pipeline")]
    [BenchmarkCategory(ValidConsent)]
    public ValueTask<int> Bare_valid_consent() => _bareValid.ServeAsync();

    [Benchmark(Description = "UseEntConsent")]
    [BenchmarkCategory(ValidConsent)]
    public ValueTask<int> Ent_valid_consent() => _entValid.ServeAsync();

    [Benchmark(Description = "UseEntConsent, page reads the consent")]
    [BenchmarkCategory(ValidConsent)]
    public ValueTask<int> Ent_valid_consent_read() => _entValidRead.ServeAsync();

    [Benchmark(Description = "UseCookiePolicy")]
    [BenchmarkCategory(ValidConsent)]
    public ValueTask<int> CookiePolicy_valid_consent() => _policyValid.ServeAsync();

    [Benchmark(Baseline = true, Description = "bare pipeline")]
    [BenchmarkCategory(ThreeCookies)]
    public ValueTask<int> Bare_three_cookies() => _bareThree.ServeAsync();

    [Benchmark(Description = "UseEntConsent")]
    [BenchmarkCategory(ThreeCookies)]
    public ValueTask<int> Ent_three_cookies() => _entThree.ServeAsync();

    [Benchmark(Description = "UseCookiePolicy")]
    [BenchmarkCategory(ThreeCookies)]
    public ValueTask<int> CookiePolicy_three_cookies() => _policyThree.ServeAsync();

    [Benchmark(Baseline = true, Description = "bare pipeline")]
    [BenchmarkCategory(FiveAllowed)]
    public ValueTask<int> Bare_five_allowed() => _bareFive.ServeAsync();

    [Benchmark(Description = "UseEntConsent")]
    [BenchmarkCategory(FiveAllowed)]
    public ValueTask<int> Ent_five_allowed() => _entFive.ServeAsync();

    /// <summary>One scenario by its method name, for <c>--repeat</c>.</summary>
    public static Func<ValueTask<int>> Scenario(MiddlewareBenchmarks benchmarks, string name) => name switch
    {
        nameof(Bare_no_cookie) => benchmarks.Bare_no_cookie,
        nameof(Ent_no_cookie) => benchmarks.Ent_no_cookie,
        nameof(CookiePolicy_no_cookie) => benchmarks.CookiePolicy_no_cookie,
        nameof(Bare_valid_consent) => benchmarks.Bare_valid_consent,
        nameof(Ent_valid_consent) => benchmarks.Ent_valid_consent,
        nameof(Ent_valid_consent_read) => benchmarks.Ent_valid_consent_read,
        nameof(CookiePolicy_valid_consent) => benchmarks.CookiePolicy_valid_consent,
        nameof(Bare_three_cookies) => benchmarks.Bare_three_cookies,
        nameof(Ent_three_cookies) => benchmarks.Ent_three_cookies,
        nameof(CookiePolicy_three_cookies) => benchmarks.CookiePolicy_three_cookies,
        nameof(Bare_five_allowed) => benchmarks.Bare_five_allowed,
        nameof(Ent_five_allowed) => benchmarks.Ent_five_allowed,
        _ => throw new ArgumentException($"Unknown scenario '{name}'.", nameof(name)),
    };

    private static void Expect(InProcessServer server, int setCookies, string what)
    {
        var count = server.ServeAsync().AsTask().GetAwaiter().GetResult();
        if (count != setCookies)
        {
            throw new InvalidOperationException($"Expected {setCookies} Set-Cookie ({what}), got {count}: {server.Context.Response.Headers.SetCookie}");
        }
    }
}
