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
    /// Maps, under <see cref="ConsentWidgetOptions.ConsentPath"/>: <c>GET widget.js</c> and <c>widget.css</c> (content-hashed
    /// URLs cached for a year, ETag, gzip), <c>GET preferences?returnUrl=…</c> (the preference centre as a page, the
    /// no-JavaScript "Personnaliser") and <c>GET cookies</c> (the cookie information page).
    /// </summary>
    public static IEndpointConventionBuilder MapEntConsentWidget(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<ConsentWidgetOptions>>().Value;
        var group = endpoints.MapGroup(options.ConsentPath);
        group.MapGet("/" + WidgetAsset.Script.FileName, static context => WidgetEndpoints.WriteAssetAsync(context, WidgetAsset.Script));
        group.MapGet("/" + WidgetAsset.Style.FileName, static context => WidgetEndpoints.WriteAssetAsync(context, WidgetAsset.Style));
        group.MapGet("/preferences", WidgetEndpoints.WritePreferencesPageAsync);
        group.MapGet("/cookies", WidgetEndpoints.WriteCookiePageAsync);
        return group;
    }
}
