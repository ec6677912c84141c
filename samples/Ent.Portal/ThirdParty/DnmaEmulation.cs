using System.Security.Cryptography;
using Microsoft.Net.Http.Headers;

namespace Ent.Portal.ThirdParty;

/// <summary>
/// Emulates the national audience scheme of ENTs (DNMA, Piano Analytics) without calling it: a local script that
/// sets <c>atid</c> and a <c>pa_vid</c> storage key from JavaScript, and a careless server component that appends
/// an HttpOnly <c>xtidc</c> cookie to every response through a raw <c>Set-Cookie</c> header. Both belong to the
/// consent-required service <c>dnma</c>: the widget keeps the script inert and Ent.Consent strips the header until
/// the service is granted, and expires both cookies when it is withdrawn.
/// </summary>
internal static class DnmaEmulation
{
    public const string ServiceId = "dnma";

    /// <summary>
    /// The service the DNMA script runs as: <c>dnma</c>, or <c>dnma-exempt</c> (Piano's exempt mode) when
    /// <c>Portal:DnmaService</c> says so and the policy includes that profile with its attestation.
    /// </summary>
    public static string ServiceIdOf(IConfiguration configuration) => configuration["Portal:DnmaService"] ?? ServiceId;
    public const string ScriptPath = "/thirdparty/dnma.js";
    public const string ServerCookieName = "xtidc";

    // 13 months written as seconds, the way a vendor tag writes it.
    private const int VendorMaxAgeSeconds = 34_128_000;

    private const string Script = """
        // Emulated national audience tag (DNMA): a visitor id in a first-party cookie and in local storage.
        (function () {
          "use strict";
          var match = document.cookie.match(/(?:^|;\s*)atid=([^;]+)/);
          var id = match ? match[1] : (window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Math.random()).slice(2));
          document.cookie = "atid=" + id + "; Max-Age=34128000; Path=/; SameSite=Lax";
          try { window.localStorage.setItem("pa_vid", id); } catch (e) { /* storage may be off */ }
          window.dnmaHits = (window.dnmaHits || 0) + 1;
        })();
        """;

    /// <summary>Serves the DNMA script: the real Piano Analytics SDK when configured (<see cref="PianoAnalytics"/>), else the emulation.</summary>
    public static void MapDnmaScript(this IEndpointRouteBuilder endpoints)
    {
        var piano = endpoints.ServiceProvider.GetService<PianoAnalytics>();
        endpoints.MapGet(ScriptPath, (HttpContext context) =>
        {
            context.Response.Headers.CacheControl = "no-cache";
            return piano is null
                ? Results.Text(Script, "text/javascript; charset=utf-8")
                : Results.Bytes(piano.Script, "text/javascript; charset=utf-8");
        });
        if (piano is not null)
        {
            endpoints.Map(PianoAnalytics.CollectPath + "/{**rest}", (HttpContext context) =>
            {
                piano.Hits.Enqueue(context.Request.Path + context.Request.QueryString);
                return Results.NoContent();
            });
        }
    }

    /// <summary>The careless component: a raw header on every response, whatever the user chose.</summary>
    public static IApplicationBuilder UseCarelessDnmaServerTag(this IApplicationBuilder app)
        => app.Use((context, next) =>
        {
            var visitorId = context.Request.Cookies[ServerCookieName] is { Length: 32 } existing
                ? existing
                : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            context.Response.Headers.Append(HeaderNames.SetCookie,
                $"{ServerCookieName}={visitorId}; Max-Age={VendorMaxAgeSeconds}; Path=/; HttpOnly; SameSite=Lax");
            return next(context);
        });
}
