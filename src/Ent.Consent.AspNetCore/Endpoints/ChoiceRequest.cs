using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Primitives;

namespace Ent.Consent.AspNetCore.Endpoints;

/// <summary>A choice as posted, checked against the policy; the readers say what is wrong otherwise.</summary>
internal sealed class ChoiceRequest
{
    private ChoiceRequest(string action, ConsentChannel channel, Dictionary<string, ConsentDecision> changes, string? returnUrl)
    {
        Action = action;
        Channel = channel;
        Changes = changes;
        ReturnUrl = returnUrl;
    }

    public const string AcceptAll = ConsentHttpNames.AcceptAll;
    public const string RefuseAll = ConsentHttpNames.RefuseAll;
    public const string Save = ConsentHttpNames.Save;

    public string Action { get; }

    public ConsentChannel Channel { get; }

    /// <summary>For <see cref="Save"/>: the decisions to change.</summary>
    public Dictionary<string, ConsentDecision> Changes { get; }

    /// <summary>For a form: where to go back to (already checked to be local).</summary>
    public string? ReturnUrl { get; }

    public ConsentState ApplyTo(ConsentState? previous, ConsentPolicy policy, DateTimeOffset now) => Action switch
    {
        AcceptAll => ConsentState.ForAll(policy, ConsentDecision.Granted, Channel, now),
        RefuseAll => ConsentState.ForAll(policy, ConsentDecision.Denied, Channel, now),
        _ => previous is not null && previous.IsValidFor(policy, now)
            ? previous.With(policy, Changes, Channel, now)
            : ConsentState.Create(policy, Changes, Channel, now),
    };

    public static ChoiceRequest? FromJson(ReadOnlySpan<byte> body, ConsentPolicy policy, out string? error)
    {
        ChoiceDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(body, ConsentJsonContext.Default.ChoiceDocument);
        }
        catch (JsonException exception)
        {
            error = "The body is not a valid choice: " + exception.Message;
            return null;
        }

        if (document is null)
        {
            error = "The body is empty: send {\"action\":\"accept-all\"|\"refuse-all\"|\"save\", \"services\":{…}}.";
            return null;
        }

        if (!TryReadAction(document.Action, out var action, out error) || !TryReadChannel(document.Channel, action, out var channel, out error))
        {
            return null;
        }

        var changes = new Dictionary<string, ConsentDecision>(StringComparer.Ordinal);
        if (action == Save)
        {
            if (document.Services is null || document.Services.Count == 0)
            {
                error = "'services' is required for 'save': an object mapping service ids to true (granted) or false (denied).";
                return null;
            }

            foreach (var (serviceId, granted) in document.Services)
            {
                if (!TryCheckService(serviceId, policy, out error))
                {
                    return null;
                }

                changes[serviceId] = granted ? ConsentDecision.Granted : ConsentDecision.Denied;
            }
        }

        return new ChoiceRequest(action, channel, changes, null);
    }

    public static ChoiceRequest? FromForm(ReadOnlySpan<byte> body, ConsentPolicy policy, out string? error)
    {
        var form = QueryHelpers.ParseQuery(System.Text.Encoding.UTF8.GetString(body));

        var returnUrl = LocalUrl.OrRoot(form.TryGetValue(ConsentHttpNames.ReturnUrl, out var url) ? url.ToString() : null);
        if (!TryReadAction(form.TryGetValue(ConsentHttpNames.Action, out var actionValue) && actionValue.Count == 1 ? actionValue[0] : actionValue.Count > 1 ? string.Empty : null, out var action, out error)
            || !TryReadChannel(form.TryGetValue(ConsentHttpNames.Channel, out var channelValue) ? channelValue.ToString() : null, action, out var channel, out error))
        {
            return null;
        }

        var changes = new Dictionary<string, ConsentDecision>(StringComparer.Ordinal);
        if (action == Save)
        {
            var decide = form.TryGetValue(ConsentHttpNames.Decide, out var shown) ? shown : StringValues.Empty;
            var grant = form.TryGetValue(ConsentHttpNames.Grant, out var granted) ? granted : StringValues.Empty;
            if (decide.Count == 0)
            {
                error = "'decide' is required for 'save': one field per service the form showed.";
                return null;
            }

            foreach (var serviceId in decide)
            {
                if (!TryCheckService(serviceId, policy, out error))
                {
                    return null;
                }

                changes[serviceId!] = ConsentDecision.Denied;
            }

            foreach (var serviceId in grant)
            {
                if (serviceId is null || !changes.ContainsKey(serviceId))
                {
                    error = $"'grant' names '{serviceId}', which is not among the 'decide' fields.";
                    return null;
                }

                changes[serviceId] = ConsentDecision.Granted;
            }
        }

        return new ChoiceRequest(action, channel, changes, returnUrl);
    }

    private static bool TryReadAction(string? value, out string action, out string? error)
    {
        action = value ?? string.Empty;
        error = null;
        if (value is AcceptAll or RefuseAll or Save)
        {
            return true;
        }

        error = value is null
            ? "'action' is required: accept-all, refuse-all or save."
            : $"'action' must be accept-all, refuse-all or save, not '{Truncate(value)}'.";
        return false;
    }

    private static bool TryReadChannel(string? value, string action, out ConsentChannel channel, out string? error)
    {
        error = null;
        channel = action == Save ? ConsentChannel.PreferenceCentre : ConsentChannel.FirstLayer;
        if (string.IsNullOrEmpty(value))
        {
            return true;
        }

        // A privacy signal is the browser's, never a posted channel.
        if (ConsentWireNames.TryParse(value, out ConsentChannel posted) && posted != ConsentChannel.PrivacySignal)
        {
            channel = posted;
            return true;
        }

        error = $"'channel' must be {ConsentWireNames.Of(ConsentChannel.FirstLayer)}, {ConsentWireNames.Of(ConsentChannel.PreferenceCentre)} or {ConsentWireNames.Of(ConsentChannel.Api)}, not '{Truncate(value)}'.";
        return false;
    }

    private static bool TryCheckService(string? serviceId, ConsentPolicy policy, out string? error)
    {
        error = null;
        var service = serviceId is null ? null : policy.FindService(serviceId);
        if (service is null)
        {
            error = $"Unknown service '{Truncate(serviceId)}'.";
            return false;
        }

        if (service.Category == ServiceCategory.Essential)
        {
            error = $"Service '{serviceId}' is essential: it is always active and not a choice.";
            return false;
        }

        return true;
    }

    private static string Truncate(string? value) => value is null ? string.Empty : value.Length <= 64 ? value : value[..64] + "…";
}
