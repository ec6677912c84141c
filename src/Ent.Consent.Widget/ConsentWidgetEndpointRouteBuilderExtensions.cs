using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.Widget;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps the widget's assets and pages under the consent prefix.</summary>
public static class ConsentWidgetEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps, under <see cref="EntConsentOptions.PathPrefix"/>: <c>GET widget.js</c>, <c>guard.js</c>, <c>signals.js</c> and <c>widget.css</c> (content-hashed
    /// URLs cached for a year, ETag, gzip), <c>GET policy.js?lang=…&amp;v=…</c> (the policy's rules, services and texts the
    /// scripts read, per policy and language, cached the same way), <c>GET preferences?returnUrl=…</c> (the preference centre as a page, the
    /// no-JavaScript "Personnaliser"), <c>GET dialog?returnUrl=…&amp;lang=…</c> (the same centre as the <c>&lt;dialog&gt;</c> the script
    /// fetches when opened) and <c>GET cookies</c> (the cookie information page).
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>AddEntConsent(…).AddWidget()</c> was not called.</exception>
    public static IEndpointConventionBuilder MapEntConsentWidget(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (endpoints.ServiceProvider.GetService<ConsentWidget>() is null)
        {
            throw new InvalidOperationException("Call builder.Services.AddEntConsent(…).AddWidget() before app.MapEntConsentWidget().");
        }

        var prefix = endpoints.ServiceProvider.GetRequiredService<IOptions<EntConsentOptions>>().Value.PathPrefix;
        var group = endpoints.MapGroup(prefix);
        group.WithMetadata(new EntConsentEndpointMetadata(EntConsentEndpointKind.Widget));
        group.MapGet("/" + WidgetAsset.Script.FileName, static context => WidgetEndpoints.WriteAssetAsync(context, WidgetAsset.Script));
        group.MapGet("/" + WidgetAsset.Guard.FileName, static context => WidgetEndpoints.WriteAssetAsync(context, WidgetAsset.Guard));
        group.MapGet("/" + WidgetAsset.Signals.FileName, static context => WidgetEndpoints.WriteAssetAsync(context, WidgetAsset.Signals));
        group.MapGet("/" + WidgetAsset.Style.FileName, static context => WidgetEndpoints.WriteAssetAsync(context, WidgetAsset.Style));
        group.MapGet("/" + PolicyScript.FileName, WidgetEndpoints.WritePolicyScriptAsync);
        group.MapGet("/preferences", WidgetEndpoints.WritePreferencesPageAsync);
        group.MapGet("/dialog", WidgetEndpoints.WriteDialogAsync);
        group.MapGet("/cookies", WidgetEndpoints.WriteCookiePageAsync);
        group.MapGet("/guardian/page", WidgetEndpoints.WriteGuardianPageAsync);
        return group;
    }
}
