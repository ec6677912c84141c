namespace Ent.Consent.AspNetCore.Diagnostics;

/// <summary>What an Ent.Consent endpoint is, so <see cref="EndpointMappingCheck"/> can find it among the host's.</summary>
internal enum EntConsentEndpointKind
{
    Consent,
    Widget,
    Proofs,
}

/// <summary>Marks the endpoints the <c>Map*</c> extensions add; the check reads it back from the endpoint data source.</summary>
internal sealed record EntConsentEndpointMetadata(EntConsentEndpointKind Kind, string? AuthorizationPolicy = null);

/// <summary>Registered by the widget's <c>AddWidget</c>: the check then requires the endpoints the widget links to.</summary>
internal sealed class EntConsentWidgetMarker;
