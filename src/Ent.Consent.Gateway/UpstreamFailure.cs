using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;
using Yarp.ReverseProxy.Forwarder;

namespace Ent.Consent.Gateway;

/// <summary>
/// What the browser gets when the portal cannot be reached, times out or answers badly: 502 (504 for a timeout) with a
/// short page in French for a browser, <c>application/problem+json</c> for anything else, never a stack trace.
/// </summary>
internal static class UpstreamFailure
{
    /// <summary>Answers for the portal when forwarding failed and nothing was sent yet.</summary>
    public static Task HandleAsync(HttpContext context)
    {
        var error = context.GetForwarderErrorFeature();
        if (error is null || error.Error == ForwarderError.None || context.Response.HasStarted)
        {
            return Task.CompletedTask;
        }

        // The browser went away: nobody to answer.
        if (error.Error is ForwarderError.RequestCanceled or ForwarderError.RequestBodyCanceled or ForwarderError.UpgradeRequestCanceled)
        {
            return Task.CompletedTask;
        }

        var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Ent.Consent.Gateway.Upstream");
        GatewayLog.UpstreamFailed(logger, error.Error.ToString(), error.Exception);
        var timeout = error.Error is ForwarderError.RequestTimedOut;
        var status = timeout ? StatusCodes.Status504GatewayTimeout : StatusCodes.Status502BadGateway;
        return WriteAsync(context, status, timeout
            ? "Le portail n'a pas répondu à temps. Réessayez dans un instant."
            : "Le portail est momentanément injoignable. Réessayez dans un instant.");
    }

    public static Task WriteAsync(HttpContext context, int status, string detail)
    {
        var response = context.Response;
        response.Clear();
        response.StatusCode = status;
        response.Headers.CacheControl = "no-store";
        var title = status == StatusCodes.Status504GatewayTimeout ? "Gateway Timeout" : "Bad Gateway";
        if (WantsHtml(context.Request))
        {
            response.ContentType = "text/html; charset=utf-8";
            var encoded = System.Net.WebUtility.HtmlEncode(detail);
            return response.WriteAsync(
                $"<!DOCTYPE html><html lang=\"fr\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{status} {title}</title></head>"
                + $"<body><main><h1>Portail indisponible</h1><p>{encoded}</p><p><a href=\"\">Réessayer</a></p></main></body></html>");
        }

        response.ContentType = "application/problem+json";
        return response.WriteAsync(JsonSerializer.Serialize(
            new ProblemBody("https://tools.ietf.org/html/rfc9110#section-15.6." + (status == 504 ? "5" : "3"), title, status, detail),
            GatewayJsonContext.Default.ProblemBody));
    }

    private static bool WantsHtml(HttpRequest request)
    {
        var accept = request.Headers.Accept.ToString();
        return accept.Contains("text/html", StringComparison.OrdinalIgnoreCase);
    }
}

internal sealed record ProblemBody(string Type, string Title, int Status, string Detail);

internal sealed record HealthBody(string Status, string Upstream, string ProofStore);

[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
[System.Text.Json.Serialization.JsonSerializable(typeof(ProblemBody))]
[System.Text.Json.Serialization.JsonSerializable(typeof(HealthBody))]
internal sealed partial class GatewayJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
