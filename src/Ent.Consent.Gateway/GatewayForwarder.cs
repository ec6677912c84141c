using Ent.Consent.Gateway.Html;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Configuration;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace Ent.Consent.Gateway;

/// <summary>
/// Sends every request outside the gateway's own prefix to the portal with YARP's <see cref="IHttpForwarder"/>. The
/// gateway has one destination and one route, so it needs none of the reverse proxy's routing, load balancing or
/// health tracking: a proxied request skips endpoint routing and the middleware only the gateway's own endpoints use
/// (rate limiting, antiforgery, authorization), and goes from <c>UseEntConsent</c> straight to the portal.
/// </summary>
internal sealed class GatewayForwarder : IDisposable
{
    private readonly IHttpForwarder _forwarder;
    private readonly HttpMessageInvoker _client;
    private readonly HttpTransformer _transformer;
    private readonly ForwarderRequestConfig _requestConfig;
    private readonly string _destination;

    public GatewayForwarder(
        IHttpForwarder forwarder,
        ITransformBuilder transforms,
        IOptions<GatewayOptions> options,
        HtmlResponseTransform html,
        GatewaySubjectCookie subjectCookie)
    {
        var gateway = options.Value;
        _forwarder = forwarder;
        _destination = gateway.Upstream!;
        _requestConfig = new ForwarderRequestConfig { ActivityTimeout = gateway.UpstreamTimeout };
        _client = new UpstreamClientFactory(gateway).CreateClient(new ForwarderHttpClientContext { NewConfig = HttpClientConfig.Empty });
        var upstream = new Uri(_destination);
        _transformer = transforms.Create(context =>
        {
            // YARP's defaults stay: X-Forwarded-For, -Proto, -Host and -Prefix, the portal's own host name unless told.
            context.AddOriginalHost(gateway.ForwardOriginalHost);
            context.AddRequestTransform(static context =>
            {
                AcceptEncoding.Restrict(context.ProxyRequest);
                return ValueTask.CompletedTask;
            });
            context.AddResponseTransform(context =>
            {
                UpstreamLocation.Rewrite(context.HttpContext, upstream);
                return ValueTask.CompletedTask;
            });
            if (gateway.SubjectResponseHeader is { } subjectHeader)
            {
                context.AddResponseTransform(context =>
                {
                    // The portal names (or signs out) its user: kept in the gateway's cookie, never shown to the browser.
                    var headers = context.HttpContext.Response.Headers;
                    if (headers.TryGetValue(subjectHeader, out var named))
                    {
                        headers.Remove(subjectHeader);
                        var subject = named.Count == 1 && !string.IsNullOrWhiteSpace(named[0]) ? named[0]!.Trim() : null;
                        headers.Append(HeaderNames.SetCookie, subjectCookie.Header(context.HttpContext, subject));
                    }

                    return ValueTask.CompletedTask;
                });
            }

            context.AddResponseTransform(html.ApplyAsync);
        });
    }

    /// <summary>Forwards the request; a portal that cannot answer gets the gateway's 502 (or 504) instead.</summary>
    public async Task ForwardAsync(HttpContext context)
    {
        var error = await _forwarder.SendAsync(context, _destination, _client, _requestConfig, _transformer).ConfigureAwait(false);
        if (error != ForwarderError.None)
        {
            await UpstreamFailure.HandleAsync(context).ConfigureAwait(false);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>YARP's client for a proxy (no cookies, redirects, decompression or proxy), with the gateway's limits.</summary>
    private sealed class UpstreamClientFactory(GatewayOptions gateway) : ForwarderHttpClientFactory
    {
        protected override void ConfigureHandler(ForwarderHttpClientContext context, SocketsHttpHandler handler)
        {
            base.ConfigureHandler(context, handler);
            handler.ConnectTimeout = gateway.ConnectTimeout;
            handler.MaxResponseHeadersLength = gateway.MaxResponseHeadersKilobytes;
        }
    }
}
