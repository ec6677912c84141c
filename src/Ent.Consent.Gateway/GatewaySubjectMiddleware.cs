using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ent.Consent.Gateway;

/// <summary>
/// Tells <c>UseEntConsent</c> who is signed in, since the gateway does not know the portal's users: a trusted
/// <see cref="GatewayOptions.SubjectHeader"/> from an SSO front, else the value of the portal's session cookie
/// (<see cref="GatewayOptions.SessionCookie"/>). Either becomes the <c>NameIdentifier</c> of <c>HttpContext.User</c>,
/// which the library hashes with <c>EntConsent:SubjectKey</c> as it does any user id: no second hashing scheme.
/// An untrusted subject header never reaches the library nor the portal; the shared secret never reaches the portal.
/// </summary>
internal sealed class GatewaySubjectMiddleware
{
    private const string AuthenticationType = "Ent.Consent.Gateway";

    private readonly RequestDelegate _next;
    private readonly GatewayOptions _options;
    private readonly IPNetwork[] _trustedFronts;
    private readonly byte[]? _secret;
    private readonly ILogger _logger;

    private readonly GatewaySubjectCookie? _portalNamed;

    public GatewaySubjectMiddleware(RequestDelegate next, IOptions<GatewayOptions> options, GatewaySubjectCookie portalNamed, ILogger<GatewaySubjectMiddleware> logger)
    {
        _portalNamed = options.Value.SubjectResponseHeader is null ? null : portalNamed;
        _next = next;
        _options = options.Value;
        _trustedFronts = [.. _options.SubjectHeaderFrom.Select(GatewayOptionsValidator.ParseNetwork)];
        _secret = _options.SubjectSecret is { } secret ? Encoding.UTF8.GetBytes(secret) : null;
        _logger = logger;
    }

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Request.Headers;
        var subject = (string?)null;
        if (_options.SubjectHeader is { } header && headers.TryGetValue(header, out var claimed))
        {
            if (IsTrusted(context) && claimed.Count == 1 && !string.IsNullOrWhiteSpace(claimed[0]))
            {
                subject = claimed[0]!.Trim();
            }
            else
            {
                headers.Remove(header);
                GatewayLog.UntrustedSubjectHeader(_logger, header);
            }
        }

        headers.Remove(_options.SubjectSecretHeader);
        if (subject is null && _portalNamed?.Read(context.Request) is { } named)
        {
            subject = named;
        }

        if (subject is null && _options.SessionCookie is { } cookie && context.Request.Cookies[cookie] is { Length: > 0 } session)
        {
            // A session id is a secret of the portal: only its keyed hash ever leaves this request (in proofs).
            subject = "session:" + session;
        }

        if (subject is not null)
        {
            context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, subject)], AuthenticationType));
        }

        return _next(context);
    }

    private bool IsTrusted(HttpContext context)
    {
        var remote = context.Connection.RemoteIpAddress;
        if (remote is not null)
        {
            if (remote.IsIPv4MappedToIPv6)
            {
                remote = remote.MapToIPv4();
            }

            foreach (var network in _trustedFronts)
            {
                if (network.Contains(remote))
                {
                    return true;
                }
            }
        }

        if (_secret is null || !context.Request.Headers.TryGetValue(_options.SubjectSecretHeader, out var given) || given.Count != 1)
        {
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(given[0] ?? string.Empty);
        return bytes.Length == _secret.Length && CryptographicOperations.FixedTimeEquals(bytes, _secret);
    }
}
