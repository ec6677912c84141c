using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Ent.Consent.Widget.Tests;

/// <summary>
/// Until Ent.Consent.AspNetCore's AddEntConsent / UseEntConsent / MapEntConsent land on this branch, this stands in for
/// the consent server: it follows docs/adr/0004-http-contract.md (cookie fields 1 to 7, GET/POST endpoints, form and
/// JSON posts with antiforgery) but does not sign the cookie. Test code only; <see cref="WidgetSite"/> is the one place
/// that switches to the real package.
/// </summary>
internal static class StandInConsentServer
{
    private const string Signature = "stand-in";

    public static void AddServices(IServiceCollection services, ConsentPolicy policy)
    {
        services.AddSingleton(policy);
        services.AddSingleton(TimeProvider.System);
        services.Replace(ServiceDescriptor.Singleton<IConsentStateReader, CookieStateReader>());
    }

    public static void Map(WebApplication app, string prefix)
    {
        app.MapGet(prefix, (HttpContext context) => WriteStateAsync(context, Read(context)));
        app.MapPost(prefix, PostAsync);
    }

    private static async Task PostAsync(HttpContext context)
    {
        var policy = context.RequestServices.GetRequiredService<ConsentPolicy>();
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var antiforgery = context.RequestServices.GetRequiredService<IAntiforgery>();
        if (!await antiforgery.IsRequestValidAsync(context))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var current = Read(context);
        string action;
        var changes = new Dictionary<string, ConsentDecision>(StringComparer.Ordinal);
        var channel = ConsentChannel.FirstLayer;
        var isForm = context.Request.HasFormContentType;
        string returnUrl = "/";
        if (isForm)
        {
            var form = await context.Request.ReadFormAsync();
            action = form["action"].ToString();
            foreach (var id in form["decide"])
            {
                changes[id!] = form["grant"].Contains(id) ? ConsentDecision.Granted : ConsentDecision.Denied;
            }

            channel = action == "save" ? ConsentChannel.PreferenceCentre : ConsentChannel.FirstLayer;
            returnUrl = LocalUrl.OrRoot(form["returnUrl"]);
        }
        else
        {
            using var json = await JsonDocument.ParseAsync(context.Request.Body);
            action = json.RootElement.GetProperty("action").GetString() ?? string.Empty;
            if (json.RootElement.TryGetProperty("services", out var services))
            {
                foreach (var service in services.EnumerateObject())
                {
                    changes[service.Name] = service.Value.GetBoolean() ? ConsentDecision.Granted : ConsentDecision.Denied;
                }
            }

            var preferenceCentre = json.RootElement.TryGetProperty("channel", out var c) && c.GetString() == "preferenceCentre";
            channel = preferenceCentre || action == "save" ? ConsentChannel.PreferenceCentre : ConsentChannel.FirstLayer;
        }

        var state = action switch
        {
            "accept-all" => ConsentState.ForAll(policy, ConsentDecision.Granted, channel, now),
            "refuse-all" => ConsentState.ForAll(policy, ConsentDecision.Denied, channel, now),
            _ => current is null ? ConsentState.Create(policy, changes, channel, now) : current.With(policy, changes, channel, now),
        };
        var decisions = string.Join('|', state.Decisions.Select(static d => d.Key + ":" + (d.Value == ConsentDecision.Granted ? "g" : "d")));
        var value = string.Join('.', "1", state.PolicyVersion, state.ConsentId, state.GivenAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            state.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ((int)state.Channel).ToString(CultureInfo.InvariantCulture), decisions, string.Empty, Signature);
        context.Response.Cookies.Append(policy.ConsentCookieName, value, new CookieOptions
        {
            Path = "/",
            SameSite = SameSiteMode.Lax,
            MaxAge = state.ExpiresAt - now,
        });
        if (isForm)
        {
            context.Response.StatusCode = StatusCodes.Status303SeeOther;
            context.Response.Headers.Location = returnUrl;
            return;
        }

        await WriteStateAsync(context, state);
    }

    private static Task WriteStateAsync(HttpContext context, ConsentState? state)
    {
        var policy = context.RequestServices.GetRequiredService<ConsentPolicy>();
        var request = new WidgetRequest
        {
            Policy = policy,
            State = state,
            Culture = CultureInfo.InvariantCulture,
            AntiforgeryToken = string.Empty,
            ReturnUrl = "/",
            ConsentUrl = string.Empty,
            CookiePageUrl = string.Empty,
        };
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(JsonSerializer.Serialize(WidgetRenderer.State(request), WidgetJsonContext.Default.WidgetState));
    }

    private static ConsentState? Read(HttpContext context)
    {
        var policy = context.RequestServices.GetRequiredService<ConsentPolicy>();
        var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        if (!context.Request.Cookies.TryGetValue(policy.ConsentCookieName, out var value))
        {
            return null;
        }

        var fields = value.Split('.');
        if (fields.Length != 9 || fields[0] != "1" || fields[1] != policy.Version || fields[8] != Signature)
        {
            return null;
        }

        var decisions = fields[6].Length == 0
            ? []
            : fields[6].Split('|').Select(static p => p.Split(':')).Select(static p => KeyValuePair.Create(p[0], p[1] == "g" ? ConsentDecision.Granted : ConsentDecision.Denied));
        var state = new ConsentState(fields[2], fields[1], DateTimeOffset.FromUnixTimeSeconds(long.Parse(fields[3], CultureInfo.InvariantCulture)),
            DateTimeOffset.FromUnixTimeSeconds(long.Parse(fields[4], CultureInfo.InvariantCulture)), (ConsentChannel)int.Parse(fields[5], CultureInfo.InvariantCulture), decisions);
        return state.IsValidFor(policy, now) ? state : null;
    }

    private sealed class CookieStateReader : IConsentStateReader
    {
        public ConsentView Read(HttpContext context)
            => new(context.RequestServices.GetRequiredService<ConsentPolicy>(), StandInConsentServer.Read(context), false);
    }
}
