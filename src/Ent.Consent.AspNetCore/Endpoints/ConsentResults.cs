using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Ent.Consent.AspNetCore.Endpoints;

/// <summary>
/// <c>200</c>, the consent state as JSON through the source-generated contract (never the host's JSON options, which
/// could rename its fields), and never stored by a cache: the state is one visitor's.
/// </summary>
internal sealed class ConsentStateHttpResult : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ConsentStateDocument>, IContentTypeHttpResult
{
    private readonly JsonHttpResult<ConsentStateDocument> _json;

    public ConsentStateHttpResult(ConsentStateDocument document)
    {
        _json = TypedResults.Json(document, ConsentJsonContext.Default.ConsentStateDocument);
    }

    public int? StatusCode => StatusCodes.Status200OK;

    public ConsentStateDocument? Value => _json.Value;

    object? IValueHttpResult.Value => Value;

    public string? ContentType => "application/json; charset=utf-8";

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        httpContext.Response.Headers.CacheControl = "no-store";
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        return _json.ExecuteAsync(httpContext);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(ConsentStateDocument), ["application/json"]));
    }
}

/// <summary>
/// <c>303 See Other</c> back to the page of a form choice (a local URL, already checked), without a body and never
/// stored by a cache. <see cref="RedirectHttpResult"/> has no 303.
/// </summary>
internal sealed class SeeOtherHttpResult : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult
{
    public SeeOtherHttpResult(string location)
    {
        Location = location;
    }

    public string Location { get; }

    public int? StatusCode => StatusCodes.Status303SeeOther;

    public Task ExecuteAsync(HttpContext httpContext)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        var response = httpContext.Response;
        response.Headers.CacheControl = "no-store";
        response.StatusCode = StatusCodes.Status303SeeOther;
        response.Headers.Location = Location;
        return Task.CompletedTask;
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status303SeeOther));
    }
}
