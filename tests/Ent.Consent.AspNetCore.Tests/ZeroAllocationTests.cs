using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Enforcement;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>
/// A returning visitor costs Ent.Consent no allocation: one context and one set of server features reused from
/// request to request, as Kestrel reuses them on a connection.
/// </summary>
public sealed class ZeroAllocationTests
{
    [Theory]
    [InlineData("")]
    [InlineData("; vid_pref=p; vid_session=s; _pk_id.1.ab12=v; ent_consent_audience=d")]
    public void A_valid_consent_cookie_and_no_Set_Cookie_allocate_nothing_per_request(string allowedCookies)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddEntConsent(static o =>
        {
            TestPolicy.Configure(o.Policy);
            o.SubjectKey = "a-test-subject-key-of-at-least-32-characters";
        });
        using var provider = services.BuildServiceProvider();
        var runtime = provider.GetRequiredService<ConsentRuntime>();
        var policy = provider.GetRequiredService<ConsentPolicy>();
        var state = ConsentState.Create(policy, [KeyValuePair.Create("videos", ConsentDecision.Granted)], ConsentChannel.FirstLayer, DateTimeOffset.UtcNow.AddMinutes(-1));
        // With allowed cookies beside it, the request-side sweep reads every name and must expire none.
        var cookieHeader = "portal_session=s1; ent_consent=" + ConsentCookie.Write(state, null, runtime.ConsentCookieSigner) + allowedCookies;
        var app = new ApplicationBuilder(provider);
        app.UseEntConsent();
        app.Run(static context => context.GetConsent().IsAllowed("videos") ? Task.CompletedTask : throw new InvalidOperationException("The consent cookie was not accepted."));
        var server = new ReusedConnection(app.Build(), provider, cookieHeader);

        for (var i = 0; i < 2_000; i++)
        {
            server.Serve();
        }

        // The smallest of three runs: a background JIT tier-up may allocate once on this thread.
        var allocated = long.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1_000; i++)
            {
                server.Serve();
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, allocated);
        Assert.Equal(0, server.SetCookieCount);
    }

    [Fact]
    public void Joint_consent_adds_no_allocation_to_a_signed_in_adults_request()
    {
        // A signed-in user already costs the claim reads (subject id, minor flag); joint consent adds nothing to that.
        var off = AllocatedPerThousandSignedInRequests(JointConsentRule.Off);
        var on = AllocatedPerThousandSignedInRequests(JointConsentRule.EveryGuardian);

        Assert.Equal(off, on);
    }

    private static long AllocatedPerThousandSignedInRequests(JointConsentRule rule)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddEntConsent(o =>
        {
            TestPolicy.Configure(o.Policy);
            o.SubjectKey = "a-test-subject-key-of-at-least-32-characters";
            o.MinorClaimType = "ent_minor";
            o.Policy.JointConsent = rule;
        });
        // The minor's guardians and their decisions are read on a minor's request only: none of it runs here.
        services.AddSingleton<IConsentProofStore>(new FakeProofStore());
        services.AddSingleton<IGuardianDirectory>(new InMemoryGuardianDirectory([(new GuardedMinor("pupil", "Pupil"), ["adult"])]));
        using var provider = services.BuildServiceProvider();
        var runtime = provider.GetRequiredService<ConsentRuntime>();
        var policy = provider.GetRequiredService<ConsentPolicy>();
        var state = ConsentState.Create(policy, [KeyValuePair.Create("videos", ConsentDecision.Granted)], ConsentChannel.FirstLayer, DateTimeOffset.UtcNow.AddMinutes(-1));
        var cookieHeader = "portal_session=s1; ent_consent=" + ConsentCookie.Write(state, null, runtime.ConsentCookieSigner);
        var app = new ApplicationBuilder(provider);
        app.UseEntConsent();
        app.Run(static context => context.GetConsent().IsAllowed("videos") ? Task.CompletedTask : throw new InvalidOperationException("The consent cookie was not accepted."));
        var adult = new System.Security.Claims.ClaimsPrincipal(new System.Security.Claims.ClaimsIdentity(
            [new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, "adult")], "Test"));
        var server = new ReusedConnection(app.Build(), provider, cookieHeader, adult);

        for (var i = 0; i < 2_000; i++)
        {
            server.Serve();
        }

        var allocated = long.MaxValue;
        for (var run = 0; run < 3; run++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1_000; i++)
            {
                server.Serve();
            }

            allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
        }

        return allocated;
    }

    private sealed class ReusedConnection
    {
        private readonly RequestDelegate _pipeline;
        private readonly FeatureCollection _features = new();
        private readonly HttpRequestFeature _request = new();
        private readonly Response _response = new();
        private readonly DefaultHttpContext _context;
        private readonly string _cookieHeader;

        public ReusedConnection(RequestDelegate pipeline, IServiceProvider services, string cookieHeader, System.Security.Claims.ClaimsPrincipal? user = null)
        {
            if (user is not null)
            {
                _features.Set<Microsoft.AspNetCore.Http.Features.Authentication.IHttpAuthenticationFeature>(new HttpAuthenticationFeature { User = user });
            }

            _pipeline = pipeline;
            _cookieHeader = cookieHeader;
            _features.Set<IHttpRequestFeature>(_request);
            _features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
            _features.Set<IServiceProvidersFeature>(new RequestServicesFeature { RequestServices = services });
            _context = new DefaultHttpContext(_features);
        }

        public int SetCookieCount => _response.Headers.SetCookie.Count;

        public void Serve()
        {
            // What the server resets between requests.
            _features[typeof(IConsentFeature)] = null;
            _features[typeof(ITrackingConsentFeature)] = null;
            _features[typeof(IResponseCookiesFeature)] = null;
            _context.Uninitialize();
            _request.Method = "GET";
            _request.Path = "/";
            _request.Headers.Clear();
            _request.Headers.Host = "ent.portal.test";
            _request.Headers.Cookie = _cookieHeader;
            _response.Reset();
            _features.Set<IHttpResponseFeature>(_response);
            _context.Initialize(_features);
            var task = _pipeline(_context);
            if (!task.IsCompletedSuccessfully)
            {
                task.GetAwaiter().GetResult();
            }

            _response.Start();
        }
    }

    private sealed class HttpAuthenticationFeature : Microsoft.AspNetCore.Http.Features.Authentication.IHttpAuthenticationFeature
    {
        public System.Security.Claims.ClaimsPrincipal? User { get; set; }
    }

    private sealed class RequestServicesFeature : IServiceProvidersFeature
    {
        public IServiceProvider RequestServices { get; set; } = null!;
    }

    private sealed class Response : IHttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _onStarting = new(4);

        public int StatusCode { get; set; } = 200;

        public string? ReasonPhrase { get; set; }

        public IHeaderDictionary Headers { get; set; } = new HeaderDictionary();

        [Obsolete("Use IHttpResponseBodyFeature.")]
        public Stream Body { get; set; } = Stream.Null;

        public bool HasStarted { get; private set; }

        public void OnStarting(Func<object, Task> callback, object state) => _onStarting.Add((callback, state));

        public void OnCompleted(Func<object, Task> callback, object state)
        {
        }

        public void Reset()
        {
            _onStarting.Clear();
            Headers.Clear();
            HasStarted = false;
        }

        public void Start()
        {
            for (var i = _onStarting.Count - 1; i >= 0; i--)
            {
                _onStarting[i].Callback(_onStarting[i].State).GetAwaiter().GetResult();
            }

            HasStarted = true;
        }
    }
}
