using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Ent.Consent.Benchmarks;

/// <summary>
/// Runs one request through a built pipeline the way Kestrel does, without sockets: one context reused from
/// request to request, with state that persists between them (<c>IPersistentStateFeature</c>), <c>OnStarting</c> callbacks fired (last registered first) when the application is done.
/// The request and response headers are Kestrel's own collections (a field per known header such as <c>Cookie</c>
/// and <c>Set-Cookie</c>), not <see cref="HeaderDictionary"/>, whose case-insensitive hashing on every access
/// charged each header a middleware reads more than Kestrel does.
/// </summary>
internal sealed class InProcessServer
{
    private static readonly Type KestrelRequestHeaders = KestrelType("Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpRequestHeaders");
    private static readonly Type KestrelResponseHeaders = KestrelType("Microsoft.AspNetCore.Server.Kestrel.Core.Internal.Http.HttpResponseHeaders");

    private static readonly Type[] RequestScopedFeatures =
    [
        typeof(Ent.Consent.AspNetCore.IConsentFeature),
        typeof(ITrackingConsentFeature),
        typeof(IResponseCookiesFeature),
        typeof(IRequestCookiesFeature),
        typeof(IQueryFeature),
        typeof(IItemsFeature),
    ];

    private readonly RequestDelegate _pipeline;
    private readonly ServerFeatureCollection _features = new();
    private readonly HttpRequestFeature _request = new() { Headers = NewKestrelHeaders(KestrelRequestHeaders, reuseHeaderValues: true) };
    private readonly StartingResponseFeature _response = new();
    private readonly DefaultHttpContext _context;
    private readonly string? _cookieHeader;

    public InProcessServer(IServiceProvider services, Action<IApplicationBuilder> configure, RequestDelegate page, string? cookieHeader, System.Security.Claims.ClaimsPrincipal? user = null)
    {
        var app = new ApplicationBuilder(services);
        configure(app);
        app.Run(page);
        _pipeline = app.Build();
        _cookieHeader = cookieHeader;
        _features.Set<IHttpRequestFeature>(_request);
        _features.Set<IHttpResponseFeature>(_response);
        _features.Set<IHttpResponseBodyFeature>(new StreamResponseBodyFeature(Stream.Null));
        _features.Set<IServiceProvidersFeature>(new RequestServicesFeature(services));
        _features.Set<IPersistentStateFeature>(new PersistentStateFeature());
        if (user is not null)
        {
            // A signed-in user, as the authentication middleware leaves it on the request.
            _features.Set<Microsoft.AspNetCore.Http.Features.Authentication.IHttpAuthenticationFeature>(new AuthenticationFeature { User = user });
        }

        _context = new DefaultHttpContext(_features);
    }

    public HttpContext Context => _context;

    /// <summary>Serves one request and returns the response's <c>Set-Cookie</c> count once the headers have left.</summary>
    public async ValueTask<int> ServeAsync()
    {
        foreach (var type in RequestScopedFeatures)
        {
            _features[type] = null;
        }

        _context.Uninitialize();
        _request.Method = "GET";
        _request.Scheme = "https";
        _request.Path = "/";
        _request.Headers.Clear();
        _request.Headers.Host = BenchmarkPortal.Host;
        if (_cookieHeader is not null)
        {
            _request.Headers.Cookie = _cookieHeader;
        }

        _response.Reset();
        // As Kestrel does between requests: the server's own response feature again, whoever wrapped it.
        _features.Set<IHttpResponseFeature>(_response);
        _context.Initialize(_features);
        await _pipeline(_context).ConfigureAwait(false);
        await _response.StartAsync().ConfigureAwait(false);
        return _response.Headers.SetCookie.Count;
    }

    private static Type KestrelType(string name)
        => typeof(Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions).Assembly.GetType(name, throwOnError: true)!;

    // Kestrel's header collections are internal; their constructors take optional arguments.
    private static IHeaderDictionary NewKestrelHeaders(Type type, bool? reuseHeaderValues = null)
    {
        object?[] arguments = reuseHeaderValues is { } reuse ? [reuse, null] : [null];
        return (IHeaderDictionary)Activator.CreateInstance(type, System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic, null, arguments, null)!;
    }

    private sealed class AuthenticationFeature : Microsoft.AspNetCore.Http.Features.Authentication.IHttpAuthenticationFeature
    {
        public System.Security.Claims.ClaimsPrincipal? User { get; set; }
    }

    private sealed class RequestServicesFeature(IServiceProvider services) : IServiceProvidersFeature
    {
        public IServiceProvider RequestServices { get; set; } = services;
    }

    // Kestrel's state kept with its pooled context from request to request.
    private sealed class PersistentStateFeature : IPersistentStateFeature
    {
        public IDictionary<object, object?> State { get; } = new Dictionary<object, object?>();
    }

    private sealed class StartingResponseFeature : IHttpResponseFeature
    {
        private readonly List<(Func<object, Task> Callback, object State)> _onStarting = new(4);

        public int StatusCode { get; set; } = StatusCodes.Status200OK;

        public string? ReasonPhrase { get; set; }

        public IHeaderDictionary Headers { get; set; } = NewKestrelHeaders(KestrelResponseHeaders);

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
            StatusCode = StatusCodes.Status200OK;
            HasStarted = false;
        }

        public async Task StartAsync()
        {
            for (var i = _onStarting.Count - 1; i >= 0; i--)
            {
                var (callback, state) = _onStarting[i];
                await callback(state).ConfigureAwait(false);
            }

            HasStarted = true;
        }
    }
}
