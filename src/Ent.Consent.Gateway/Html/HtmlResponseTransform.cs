using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Compression;
using System.IO.Pipelines;
using System.Security.Cryptography;
using Ent.Consent.AspNetCore;
using Ent.Consent.Widget;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Transforms;

namespace Ent.Consent.Gateway.Html;

/// <summary>
/// The response side of the proxy for HTML pages: extends the portal's Content-Security-Policy (headers and a
/// <c>&lt;meta http-equiv&gt;</c> policy in the page), renders the widget
/// for this request (before the response starts: a pending visitor's banner form sets an antiforgery cookie; a
/// returning visitor's page carries no form that posts, no token, and the dialog is fetched when opened), then copies the body
/// itself, decoding gzip or Brotli, injecting, and encoding again the same way. Anything that is not an HTML page
/// is left to YARP's own copy, byte for byte.
/// </summary>
internal sealed class HtmlResponseTransform
{
    // What one read of the portal's body asks for: a page of up to 32 KB that has arrived is read, and injected, in one
    // go (a 20 KB page read 16 KB at a time was cut in two, and the injector joined the halves around the cut tag).
    private const int BufferSize = 32 * 1024;

    // An uncompressed page goes to the browser once this much has gathered, even while the portal keeps up.
    private const int SendSize = 32 * 1024;

    private readonly IConsentWidget _widget;
    private readonly GatewayRules _rules;
    private readonly GatewayOptions _options;
    private readonly string _prefix;
    private readonly ILogger _logger;
    private readonly RequestDelegate _localize;
    private readonly CultureInputs? _cultureInputs;

    // The culture resolved for each Accept-Language value of requests with no other input to localization: browsers
    // send a handful of distinct values, and resolving one took more than the widget's own rendering of the page.
    private readonly ConcurrentDictionary<string, IRequestCultureFeature> _cultureByAcceptLanguage = new(StringComparer.Ordinal);

    public HtmlResponseTransform(IConsentWidget widget, GatewayRules rules, IOptions<GatewayOptions> options, IOptions<RequestLocalizationOptions> localization, ILoggerFactory loggerFactory)
    {
        _widget = widget;
        _rules = rules;
        _options = options.Value;
        _prefix = _options.PathPrefix;
        _logger = loggerFactory.CreateLogger<HtmlResponseTransform>();
        // ASP.NET Core's own request localization with nothing after it: it leaves the request's culture as a feature,
        // which the widget reads. Run here, for the pages that get the widget, rather than on every proxied request.
        _localize = new RequestLocalizationMiddleware(static _ => Task.CompletedTask, localization, loggerFactory).Invoke;
        _cultureInputs = CultureInputs.Of(localization.Value);
    }

    public async ValueTask ApplyAsync(ResponseTransformContext context)
    {
        var upstream = context.ProxyResponse;
        var http = context.HttpContext;
        var response = http.Response;
        if (upstream is null || !IsInjectable(http, upstream, out var coding, out var charset))
        {
            return;
        }

        if (http.Features.Get<IRequestCultureFeature>() is null)
        {
            await LocalizeAsync(http).ConfigureAwait(false);
        }

        var nonce = GatewayNonce.Create(http);
        var origin = http.Request.Scheme + "://" + http.Request.Host.Value;
        ExtendPolicies(response.Headers, HeaderNames.ContentSecurityPolicy, nonce, origin);
        ExtendPolicies(response.Headers, HeaderNames.ContentSecurityPolicyReportOnly, nonce, origin);

        var asciiOnly = !PageText.IsUtf8(charset);
        var widget = _widget.RenderParts(http, nonce);
        using var parts = InjectionParts.Render(widget.HeadTags, widget.Banner, widget.ManageButton, widget.ScriptTags, asciiOnly);
        var blocker = _rules.IsEmpty ? null : new ContentBlocker(_rules, http.GetConsent(), new Placeholders(_widget, http).Of, asciiOnly);

        // The body changes: its length is unknown until the end, and the upstream's validators no longer describe it.
        response.ContentLength = null;
        response.Headers.Remove(HeaderNames.ETag);
        response.Headers.Remove(HeaderNames.AcceptRanges);
        response.Headers.Remove(HeaderNames.ContentMD5);
        // The page now carries this visitor's consent state and a nonce of its own: no shared cache may serve it to others.
        response.Headers.CacheControl = PrivateCacheControl.From(response.Headers.CacheControl);
        context.SuppressResponseBody = true;

        var injector = new HtmlInjector(parts, blocker, _options.MaxTagBytes, _logger, policy => ContentSecurityPolicyExtender.Extend(policy, nonce, origin, _prefix));
        await CopyAsync(context, upstream, coding, injector).ConfigureAwait(false);
        if (blocker is { Blocked: > 0 })
        {
            GatewayLog.ContentBlocked(_logger, blocker.Blocked, http.Request.Path);
        }
    }

    /// <summary>
    /// Gives the request its culture feature, which the widget reads, as ASP.NET Core's request localization resolves
    /// it. When the request's Accept-Language is its only input (no culture in the query string nor cookie), the
    /// result for that value is resolved once and reused: the same value always resolves to the same culture.
    /// </summary>
    private async ValueTask LocalizeAsync(HttpContext http)
    {
        var acceptLanguage = _cultureInputs?.OnlyAcceptLanguage(http.Request);
        if (acceptLanguage is null)
        {
            await _localize(http).ConfigureAwait(false);
            return;
        }

        if (_cultureByAcceptLanguage.TryGetValue(acceptLanguage, out var known))
        {
            http.Features.Set(known);
            return;
        }

        await _localize(http).ConfigureAwait(false);
        // Bounded: a client sending a new value with every request gets each resolved, and fills nothing.
        if (_cultureByAcceptLanguage.Count < CultureInputs.MaxRemembered && http.Features.Get<IRequestCultureFeature>() is { } resolved)
        {
            _cultureByAcceptLanguage.TryAdd(acceptLanguage, resolved);
        }
    }

    /// <summary>
    /// What the request localization reads, when its providers are ASP.NET Core's own three (query string, cookie,
    /// Accept-Language); null for any other provider, whose inputs the gateway cannot know.
    /// </summary>
    private sealed class CultureInputs
    {
        public const int MaxRemembered = 256;
        private const int MaxHeaderLength = 256;

        private string[] _queryKeys = [];
        private string[] _cookieNames = [];

        public static CultureInputs? Of(RequestLocalizationOptions options)
        {
            var inputs = new CultureInputs();
            foreach (var provider in options.RequestCultureProviders)
            {
                switch (provider)
                {
                    case QueryStringRequestCultureProvider query when provider.GetType() == typeof(QueryStringRequestCultureProvider):
                        inputs._queryKeys = [.. inputs._queryKeys, query.QueryStringKey, query.UIQueryStringKey];
                        break;
                    case CookieRequestCultureProvider cookie when provider.GetType() == typeof(CookieRequestCultureProvider):
                        inputs._cookieNames = [.. inputs._cookieNames, cookie.CookieName];
                        break;
                    case AcceptLanguageHeaderRequestCultureProvider when provider.GetType() == typeof(AcceptLanguageHeaderRequestCultureProvider):
                        break;
                    default:
                        return null;
                }
            }

            return inputs;
        }

        /// <summary>The request's Accept-Language ("" when absent) when nothing else can choose its culture; otherwise null.</summary>
        /// <remarks>
        /// The query string and cookies are searched as text, without parsing them: a name found anywhere (in a value,
        /// or as the end of a longer name) only sends the request through request localization.
        /// </remarks>
        public string? OnlyAcceptLanguage(HttpRequest request)
        {
            if (request.QueryString.Value is { Length: > 0 } query && ContainsAny(query, _queryKeys, StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }

            foreach (var cookie in request.Headers.Cookie)
            {
                if (cookie is not null && ContainsAny(cookie, _cookieNames, StringComparison.Ordinal))
                {
                    return null;
                }
            }

            var header = request.Headers.AcceptLanguage;
            return header.Count switch
            {
                0 => string.Empty,
                1 when header[0]!.Length <= MaxHeaderLength => header[0],
                _ => null,
            };
        }

        private static bool ContainsAny(string text, string[] names, StringComparison comparison)
        {
            foreach (var name in names)
            {
                if (text.Contains(name, comparison))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>
    /// The widget's server-rendered placeholders (they work without JavaScript: a form and a link), rendered when the
    /// page turns out to hold content of that service, once per service and page. Most pages hold none, so most pages
    /// render none. Rendering after the response started is safe: when the banner, rendered before, stored this
    /// request's antiforgery cookie or the request carries one, the placeholder's form reuses its token; otherwise (a
    /// returning visitor's page carries no token) its button leads to the preferences page without script, and the
    /// script fetches a token with the dialog before posting.
    /// </summary>
    private sealed class Placeholders(IConsentWidget widget, HttpContext http)
    {
        private Dictionary<string, string>? _rendered;

        public string Of(string serviceId)
        {
            _rendered ??= new Dictionary<string, string>(StringComparer.Ordinal);
            if (!_rendered.TryGetValue(serviceId, out var html))
            {
                html = widget.RenderPlaceholder(http, serviceId).ToString()!;
                _rendered[serviceId] = html;
            }

            return html;
        }
    }

    private async Task CopyAsync(ResponseTransformContext context, HttpResponseMessage upstream, string coding, HtmlInjector injector)
    {
        var http = context.HttpContext;
        var cancellation = context.CancellationToken;
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        // The injector writes into this buffer, then the page goes out from it: to the response, or through a stream that encodes again.
        using var output = new PooledBufferWriter(SendSize + BufferSize);
        try
        {
            await using var raw = await upstream.Content.ReadAsStreamAsync(cancellation).ConfigureAwait(false);
            if (coding is "" or "identity")
            {
                await CopyIdentityAsync(raw, http.Response, buffer, output, injector, cancellation).ConfigureAwait(false);
                return;
            }

            // Re-encoded as the portal chose (the browser asked for it); the fastest level, flushed per chunk, keeps
            // the CPU cost near a plain copy while a school network still gets a page five times smaller.
            await using Stream source = coding switch
            {
                "gzip" => new GZipStream(raw, CompressionMode.Decompress),
                _ => new BrotliStream(raw, CompressionMode.Decompress),
            };
            await using Stream sink = coding switch
            {
                "gzip" => new GZipStream(http.Response.Body, CompressionLevel.Fastest, leaveOpen: true),
                _ => new BrotliStream(http.Response.Body, CompressionLevel.Fastest, leaveOpen: true),
            };
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellation).ConfigureAwait(false)) > 0)
            {
                injector.Process(buffer.AsSpan(0, read), output);
                if (output.WrittenCount > 0)
                {
                    await sink.WriteAsync(output.WrittenMemory, cancellation).ConfigureAwait(false);
                    output.Clear();
                    await sink.FlushAsync(cancellation).ConfigureAwait(false);
                }
            }

            injector.Complete(output);
            if (output.WrittenCount > 0)
            {
                await sink.WriteAsync(output.WrittenMemory, cancellation).ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (http.Response.HasStarted && exception is not OperationCanceledException)
        {
            // Too late for a 502: the status line is gone. Cut the connection so the browser sees a broken page, not a short one.
            GatewayLog.BodyFailed(_logger, exception);
            http.Abort();
        }
        catch (OperationCanceledException) when (http.RequestAborted.IsCancellationRequested || http.Response.HasStarted)
        {
            http.Abort();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// An uncompressed page: injected into <paramref name="output"/> and handed to the response in one write (one
    /// lock and one chunk in Kestrel, where writing the injector's runs straight into the response pipe took both per
    /// 4 KB block), whenever the portal makes the gateway wait (so the browser gets what has come while the portal is
    /// slow) or 32 KB have gathered: a page that arrives at once leaves in one send, with its length.
    /// </summary>
    private static async Task CopyIdentityAsync(Stream source, HttpResponse response, byte[] buffer, PooledBufferWriter output, HtmlInjector injector, CancellationToken cancellation)
    {
        var sink = response.BodyWriter;
        var read = await source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellation).ConfigureAwait(false);
        while (read > 0)
        {
            injector.Process(buffer.AsSpan(0, read), output);
            // The buffer is free again once processed: the injector keeps what it holds back.
            var next = source.ReadAsync(buffer.AsMemory(0, BufferSize), cancellation);
            if (!next.IsCompleted || output.WrittenCount >= SendSize)
            {
                try
                {
                    await sink.WriteAsync(output.WrittenMemory, cancellation).ConfigureAwait(false);
                    output.Clear();
                }
                catch
                {
                    // The pending read fills the pooled buffer: it must be over before the buffer goes back to the pool.
                    await WhenOver(next).ConfigureAwait(false);
                    throw;
                }
            }

            read = await next.ConfigureAwait(false);
        }

        injector.Complete(output);
        if (!response.HasStarted)
        {
            // Nothing sent yet: the whole page is here, so it goes with its length rather than in chunks.
            response.ContentLength = output.WrittenCount;
        }

        await sink.WriteAsync(output.WrittenMemory, cancellation).ConfigureAwait(false);
    }

    private static async Task WhenOver(ValueTask<int> read)
    {
        try
        {
            await read.ConfigureAwait(false);
        }
        catch
        {
            // The flush's failure is the one reported.
        }
    }

    private bool IsInjectable(HttpContext http, HttpResponseMessage upstream, out string coding, out string? charset)
    {
        coding = string.Empty;
        charset = null;
        var status = http.Response.StatusCode;
        // A redirect's body is never shown: no widget rendered (nor antiforgery token made) for it.
        if (HttpMethods.IsHead(http.Request.Method) || status is < 200 or 204 or 206 or (>= 300 and < 400) || http.Features.Get<IConsentFeature>() is null)
        {
            return false;
        }

        // Most proxied responses are not pages: a look at the media type's first characters, before a full parse.
        var contentType = http.Response.ContentType.AsSpan().TrimStart();
        if (!contentType.StartsWith("text/html", StringComparison.OrdinalIgnoreCase)
            || !MediaTypeHeaderValue.TryParse(http.Response.ContentType, out var type) || !type.MediaType.Equals("text/html", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        charset = type.Charset.HasValue ? type.Charset.Value : null;
        if (!PageText.IsAsciiCompatible(charset))
        {
            GatewayLog.UnsupportedCharset(_logger, charset!);
            return false;
        }

        var encodings = upstream.Content.Headers.ContentEncoding;
        if (encodings.Count > 1)
        {
            GatewayLog.UnsupportedEncoding(_logger, string.Join(", ", encodings));
            return false;
        }

        coding = encodings.Count == 0 ? string.Empty : encodings.First().ToLowerInvariant();
        if (coding is not ("" or "identity" or "gzip" or "br"))
        {
            GatewayLog.UnsupportedEncoding(_logger, coding);
            return false;
        }

        return true;
    }

    private void ExtendPolicies(IHeaderDictionary headers, string name, string nonce, string origin)
    {
        var values = headers[name];
        if (values.Count == 0)
        {
            return;
        }

        var extended = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            extended[i] = ContentSecurityPolicyExtender.Extend(values[i] ?? string.Empty, nonce, origin, _prefix);
        }

        headers[name] = extended;
    }
}

/// <summary>The nonce of the page being injected, shared with the consent-aware policy of <c>UseEntConsent</c>.</summary>
internal static class GatewayNonce
{
    private const int NonceBytes = 18;

    private static readonly object Key = new();

    // Random bytes drawn 256 nonces at a time: the system generator costs a call into OpenSSL (and a getpid) per draw,
    // which showed in a page's profile even at 64. Each thread's bytes are handed out once and never again.
    [ThreadStatic]
    private static byte[]? t_random;

    [ThreadStatic]
    private static int t_used;

    public static string Create(HttpContext context)
    {
        var random = t_random;
        if (random is null || t_used == random.Length)
        {
            random = t_random ??= new byte[NonceBytes * 256];
            RandomNumberGenerator.Fill(random);
            t_used = 0;
        }

        // base64url: nothing the HTML encoder escapes, so the attribute reads exactly as the policy's 'nonce-…'.
        var nonce = System.Buffers.Text.Base64Url.EncodeToString(random.AsSpan(t_used, NonceBytes));
        t_used += NonceBytes;
        context.Items[Key] = nonce;
        return nonce;
    }

    public static string? Of(HttpContext context) => context.Items.TryGetValue(Key, out var nonce) ? nonce as string : null;
}
