using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore.Diagnostics;

/// <summary>
/// Once every hosted service has started (the web server included, so every <c>Map*</c> call has reached the endpoint
/// data source), checks that Ent.Consent's endpoints are mapped where its other parts expect them. Mistakes that break
/// a legal duty (a visitor who cannot refuse or withdraw, a DPO who cannot export proofs) stop the host: without the
/// check they only show as a 404, 405 or 500 on a page nobody watches. Mistakes a host may make on purpose are logged
/// as warnings.
/// </summary>
internal sealed partial class EndpointMappingCheck(
    IServiceProvider services,
    IOptions<EntConsentOptions> options,
    ILogger<EndpointMappingCheck> logger) : IHostedLifecycleService
{
    public async Task StartedAsync(CancellationToken cancellationToken)
    {
        // A host without routing (a worker that only runs retention) has no endpoints to check.
        if (services.GetService<EndpointDataSource>() is not { } dataSource)
        {
            return;
        }

        var errors = await FindErrorsAsync(dataSource.Endpoints).ConfigureAwait(false);
        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Ent.Consent is not mapped correctly:" + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", errors));
        }
    }

    internal async Task<List<string>> FindErrorsAsync(IReadOnlyList<Endpoint> endpoints)
    {
        var errors = new List<string>();
        var prefix = options.Value.PathPrefix.Value ?? string.Empty;
        var widgetAdded = services.GetService<EntConsentWidgetMarker>() is not null;
        var consent = Routes(endpoints, EntConsentEndpointKind.Consent);
        var widget = Routes(endpoints, EntConsentEndpointKind.Widget);

        if (consent.Count == 0)
        {
            if (widgetAdded)
            {
                // Every banner button would post into a 405: nobody could refuse, accept or withdraw.
                errors.Add($"The consent widget posts choices to '{prefix}', but no consent endpoint is mapped: call app.MapEntConsent().");
            }
            else
            {
                // A host may record choices its own way (IConsentFeature); say so, do not stop it.
                NoConsentEndpoint(logger);
            }
        }
        else if (widgetAdded && !consent.Any(route => SamePath(route, prefix)))
        {
            errors.Add($"The consent endpoint is mapped at '{consent[0]}' but the widget posts to EntConsentOptions.PathPrefix '{prefix}': call app.MapEntConsent() on the application, not inside a route group, or set PathPrefix to that path.");
        }

        if (widgetAdded && widget.Count == 0)
        {
            // The preference centre and the cookie page would answer 404: withdrawal at any time would be impossible.
            errors.Add($"The consent widget is added but its script, stylesheet, preference centre and cookie page are not mapped: call app.MapEntConsentWidget() (it serves them under '{prefix}').");
        }
        else if (widget.Count > 0 && !widget.All(route => route.StartsWith(prefix + "/", StringComparison.OrdinalIgnoreCase)))
        {
            errors.Add($"The widget's endpoints are mapped at '{widget[0]}' but its pages link under EntConsentOptions.PathPrefix '{prefix}': call app.MapEntConsentWidget() on the application, not inside a route group.");
        }

        foreach (var policyName in endpoints
            .Select(static e => e.Metadata.GetMetadata<EntConsentEndpointMetadata>())
            .Where(static m => m?.Kind == EntConsentEndpointKind.Proofs && m.AuthorizationPolicy is not null)
            .Select(static m => m!.AuthorizationPolicy!)
            .Distinct(StringComparer.Ordinal))
        {
            // The proof endpoints would answer 500 to the DPO, typically found out during an audit.
            var addPolicy = $"builder.Services.AddAuthorization(o => o.AddPolicy(\"{policyName}\", p => p.RequireRole(\"…\")))";
            var provider = services.GetService<IAuthorizationPolicyProvider>();
            var policy = provider is null ? null : await provider.GetPolicyAsync(policyName).ConfigureAwait(false);
            if (policy is null)
            {
                errors.Add($"MapEntConsentProofs requires the authorization policy '{policyName}', which is not registered: call {addPolicy}.");
            }
            else if (policy.AuthenticationSchemes.Count == 0
                && (services.GetService<IAuthenticationSchemeProvider>() is not { } schemes || await schemes.GetDefaultChallengeSchemeAsync().ConfigureAwait(false) is null))
            {
                errors.Add($"MapEntConsentProofs requires the authorization policy '{policyName}', but no authentication scheme can challenge an anonymous request: call builder.Services.AddAuthentication(defaultScheme) with your sign-in scheme.");
            }
        }

        return errors;
    }

    private static List<string> Routes(IReadOnlyList<Endpoint> endpoints, EntConsentEndpointKind kind)
        => endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<EntConsentEndpointMetadata>()?.Kind == kind)
            .Select(static e => "/" + (e.RoutePattern.RawText ?? string.Empty).Trim('/'))
            .ToList();

    private static bool SamePath(string route, string prefix)
        => string.Equals(route, prefix, StringComparison.OrdinalIgnoreCase);

    [LoggerMessage(EventId = 130, Level = LogLevel.Warning, Message = "No Ent.Consent consent endpoint is mapped, so visitors cannot record a choice through HTTP. Call app.MapEntConsent() unless the application records choices itself.")]
    private static partial void NoConsentEndpoint(ILogger logger);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
