using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Ent.Consent.Widget;

/// <summary>
/// The banner, the preferences dialog, the policy's script and the guard's and script's data blocks, rendered once
/// per set of inputs that shape them, with the per-request values (antiforgery token, return URL, cookie page URL;
/// allowed list, deadline, state, reload list) spliced in. The output is byte for byte what <see cref="WidgetRenderer"/>
/// writes: a template is the renderer's own output cut where the request's values go.
/// </summary>
internal static class WidgetTemplates
{
    // Per policy, so a replaced policy's templates go with it; a few cultures × path bases × choices, bounded anyway.
    private const int MaxPerPolicy = 128;

    private static readonly ConditionalWeakTable<ConsentPolicy, ConcurrentDictionary<BannerKey, Template>> Banners = [];

    private static readonly ConditionalWeakTable<ConsentPolicy, ConcurrentDictionary<PolicyScriptKey, PolicyScript>> PolicyScripts = [];

    private static readonly ConditionalWeakTable<ConsentPolicy, ConcurrentDictionary<(string Culture, ConsentWidgetTheme Theme, string ConsentUrl), Template>> ManageButtons = [];

    private static readonly ConditionalWeakTable<ConsentPolicy, ConcurrentDictionary<string, AssetTagOpenings>> AssetTagsByUrl = [];

    // The verified-cookie cache hands a returning visitor's requests the same ConsentState: its JSON is kept with it
    // (or with the policy while there is no choice), for the answers it was written with.
    private static readonly ConditionalWeakTable<object, ChoiceJson> Choices = [];

    private const string NoDeadline = ",\"d\":null";
    private const string NoReload = ",\"reload\":[]";

    // Letters and digits only, so the HTML encoder leaves them as they are; random, so no policy text holds one.
    private static readonly string Marker = "ecslot" + Guid.NewGuid().ToString("N");

    private enum Slot
    {
        Token = 't',
        ReturnUrl = 'r',
        CookiePageUrl = 'c',
    }

    /// <summary>What <c>policy.js</c> depends on besides the policy.</summary>
    private readonly record struct PolicyScriptKey(string Culture, string ConsentUrl, string FieldName, string? HeaderName, bool Drop, bool Verbose);

    /// <summary>What the banner or dialog HTML depends on besides the policy and the spliced values.</summary>
    private readonly record struct BannerKey(bool Dialog, string Culture, ConsentWidgetTheme Theme, string ConsentUrl, string FieldName, bool Pending, bool FollowsAccount, string Allowed);

    /// <summary><see cref="WidgetRenderer.Banner"/>: the first layer, in every page while a choice is pending.</summary>
    public static string Banner(WidgetRequest request) => Render(request, dialog: false);

    /// <summary><see cref="WidgetRenderer.PreferencesDialog"/>: the dialog <c>GET {prefix}/dialog</c> serves.</summary>
    public static string Dialog(WidgetRequest request) => Render(request, dialog: true);

    private static string Render(WidgetRequest request, bool dialog)
    {
        // The banner does not show the toggles: one template per culture and path whatever the choice.
        var key = new BannerKey(dialog, request.Culture.Name, request.Theme, request.ConsentUrl, request.AntiforgeryFieldName, request.Pending, request.FollowsAccount,
            dialog ? AllowedFlags(request) : request.ShowsJointConsentNotice ? "m" : "-");
        var templates = Banners.GetValue(request.Policy, static _ => new ConcurrentDictionary<BannerKey, Template>());
        if (!templates.TryGetValue(key, out var template))
        {
            var marked = request.WithValues(Marker + (char)Slot.Token, Marker + (char)Slot.ReturnUrl, Marker + (char)Slot.CookiePageUrl);
            template = Template.Parse(dialog ? WidgetRenderer.PreferencesDialog(marked) : WidgetRenderer.Banner(marked));
            if (templates.Count >= MaxPerPolicy)
            {
                templates.Clear();
            }

            templates[key] = template;
        }

        return template.Fill(
            WidgetRenderer.Encode(request.AntiforgeryToken),
            WidgetRenderer.Encode(request.ReturnUrl),
            WidgetRenderer.Encode(request.CookiePageUrl));
    }

    /// <summary><see cref="WidgetRenderer.ManageButton"/> as parts around the encoded return URL, the one value that differs per page.</summary>
    public static string[] ManageButtonParts(WidgetRequest request)
    {
        var templates = ManageButtons.GetValue(request.Policy, static _ => new());
        var key = (request.Culture.Name, request.Theme, request.ConsentUrl);
        if (!templates.TryGetValue(key, out var template))
        {
            template = Template.Parse(WidgetRenderer.ManageButton(request.WithValues(request.AntiforgeryToken, Marker + (char)Slot.ReturnUrl, request.CookiePageUrl)));
            if (templates.Count >= MaxPerPolicy)
            {
                templates.Clear();
            }

            templates[key] = template;
        }

        return template.Parts(string.Empty, WidgetRenderer.Encode(request.ReturnUrl), string.Empty);
    }

    /// <summary>The widget's asset tags up to their nonce, per policy and consent URL (<see cref="WidgetRenderer.AssetTagOpenings"/>).</summary>
    public static AssetTagOpenings AssetTags(WidgetRequest request)
    {
        var tags = AssetTagsByUrl.GetValue(request.Policy, static _ => new(StringComparer.Ordinal));
        if (!tags.TryGetValue(request.ConsentUrl, out var openings))
        {
            openings = WidgetRenderer.AssetTagOpenings(request);
            if (tags.Count >= MaxPerPolicy)
            {
                tags.Clear();
            }

            tags[request.ConsentUrl] = openings;
        }

        return openings;
    }

    /// <summary>The policy's script for this request's culture and consent path, rendered once (<see cref="WidgetRenderer.PolicyData"/>).</summary>
    public static PolicyScript PolicyScript(WidgetRequest request)
    {
        var scripts = PolicyScripts.GetValue(request.Policy, static _ => new());
        var key = new PolicyScriptKey(request.Culture.Name, request.ConsentUrl, request.AntiforgeryFieldName, request.AntiforgeryHeaderName, request.DropUndeclaredCookies, request.Development);
        if (!scripts.TryGetValue(key, out var script))
        {
            script = Widget.PolicyScript.Create(request);
            if (scripts.Count >= MaxPerPolicy)
            {
                scripts.Clear();
            }

            scripts[key] = script;
        }

        return script;
    }

    /// <summary>The guard's data block as <see cref="WidgetRenderer.Guard"/> serialises it, from the choice's stored JSON.</summary>
    public static JsonParts GuardJson(WidgetRequest request)
    {
        // Only a page that may run an exempt tracker starts a deposit cycle (ADR 0005), as WidgetRenderer.Guard.
        var choice = Choice(request);
        var deadline = choice.ExemptAllowed ? request.ExemptAudienceDeadline()?.ToUnixTimeMilliseconds() : null;
        return new JsonParts("{\"a\":", choice.Allowed, deadline is { } value ? ",\"d\":" + value.ToString(System.Globalization.CultureInfo.InvariantCulture) : NoDeadline, "}");
    }

    /// <summary>The script's data block as <see cref="WidgetRenderer.Config"/> serialises it: the state and the reload list.</summary>
    public static JsonParts ConfigJson(WidgetRequest request)
    {
        // The services this page's enforced policy cannot let in without a new page: per page, usually none.
        List<string>? reload = null;
        foreach (var service in request.Policy.ChoosableServices)
        {
            if (!request.IsAllowed(service.Id) && request.NeedsNewPageToAllow(service.Id))
            {
                (reload ??= []).Add(service.Id);
            }
        }

        return new JsonParts("{\"state\":", Choice(request).State, reload is null ? NoReload : ",\"reload\":" + JsonSerializer.Serialize(reload, WidgetJsonContext.Default.ListString), "}");
    }

    /// <summary>
    /// The state's JSON and the guard's allowed list for this request: kept for its choice while the server's answers
    /// (allowed, waiting for guardians, pending) are the ones they were written for, written again otherwise.
    /// </summary>
    private static ChoiceJson Choice(WidgetRequest request)
    {
        if (request.ChoiceJson is ChoiceJson looked)
        {
            return looked;
        }

        var choice = LookUpChoice(request);
        request.ChoiceJson = choice;
        return choice;
    }

    private static ChoiceJson LookUpChoice(WidgetRequest request)
    {
        var services = request.Policy.Services;
        Span<byte> answers = services.Count <= 256 ? stackalloc byte[services.Count] : new byte[services.Count];
        for (var i = 0; i < answers.Length; i++)
        {
            var id = services[i].Id;
            answers[i] = (byte)((request.IsAllowed(id) ? 1 : 0) | (request.IsWaitingForGuardians(id) ? 2 : 0));
        }

        var owner = (object?)request.State ?? request.Policy;
        if (Choices.TryGetValue(owner, out var known) && known.Matches(request.Policy, request.Pending, answers))
        {
            return known;
        }

        var written = new ChoiceJson(
            request.Policy,
            request.Pending,
            answers.ToArray(),
            JsonSerializer.Serialize(WidgetRenderer.State(request), WidgetJsonContext.Default.ConsentStateDocument),
            JsonSerializer.Serialize(WidgetRenderer.AllowedServices(request), WidgetJsonContext.Default.ListString),
            WidgetRenderer.ExemptAllowed(request));
        Choices.AddOrUpdate(owner, written);
        return written;
    }

    private sealed class ChoiceJson(ConsentPolicy policy, bool pending, byte[] answers, string state, string allowed, bool exemptAllowed)
    {
        /// <summary>The state in the shape of <c>GET {prefix}</c>.</summary>
        public string State { get; } = state;

        /// <summary>The guard's list of allowed choosable services.</summary>
        public string Allowed { get; } = allowed;

        public bool ExemptAllowed { get; } = exemptAllowed;

        public bool Matches(ConsentPolicy requestPolicy, bool requestPending, ReadOnlySpan<byte> requestAnswers)
            => ReferenceEquals(policy, requestPolicy) && pending == requestPending && requestAnswers.SequenceEqual(answers);
    }

    // The dialog's toggles are checked from IsAllowed for every service but the essential ones.
    private static string AllowedFlags(WidgetRequest request)
    {
        var services = request.Policy.Services;
        // First the joint-consent notice of a minor, then per service: allowed, off, or waiting for the guardians.
        return string.Create(services.Count + 1, request, static (span, request) =>
        {
            var services = request.Policy.Services;
            span[0] = request.ShowsJointConsentNotice ? 'm' : '-';
            for (var i = 1; i < span.Length; i++)
            {
                var service = services[i - 1];
                span[i] = service.Category == ServiceCategory.Essential ? '-' : request.IsAllowed(service.Id) ? '1' : request.IsWaitingForGuardians(service.Id) ? 'w' : '0';
            }
        });
    }

    private sealed class Template(string[] parts, Slot[] slots)
    {
        private readonly string[] _parts = parts;
        private readonly Slot[] _slots = slots;

        public static Template Parse(string html)
        {
            var parts = new List<string>();
            var slots = new List<Slot>();
            var start = 0;
            int found;
            while ((found = html.IndexOf(Marker, start, StringComparison.Ordinal)) >= 0)
            {
                parts.Add(html[start..found]);
                slots.Add((Slot)html[found + Marker.Length]);
                start = found + Marker.Length + 1;
            }

            parts.Add(html[start..]);
            return new Template([.. parts], [.. slots]);
        }

        public string Fill(string token, string returnUrl, string cookiePageUrl)
        {
            var length = 0;
            foreach (var part in _parts)
            {
                length += part.Length;
            }

            foreach (var slot in _slots)
            {
                length += Value(slot, token, returnUrl, cookiePageUrl).Length;
            }

            return string.Create(length, (this, token, returnUrl, cookiePageUrl), static (span, state) =>
            {
                var (template, token, returnUrl, cookiePageUrl) = state;
                var at = 0;
                for (var i = 0; i < template._slots.Length; i++)
                {
                    template._parts[i].CopyTo(span[at..]);
                    at += template._parts[i].Length;
                    var value = Value(template._slots[i], token, returnUrl, cookiePageUrl);
                    value.CopyTo(span[at..]);
                    at += value.Length;
                }

                template._parts[^1].CopyTo(span[at..]);
            });
        }

        /// <summary>The parts with the values between them, for <see cref="HtmlParts"/>: nothing joined.</summary>
        public string[] Parts(string token, string returnUrl, string cookiePageUrl)
        {
            var parts = new string[_parts.Length + _slots.Length];
            for (var i = 0; i < _slots.Length; i++)
            {
                parts[2 * i] = _parts[i];
                parts[(2 * i) + 1] = Value(_slots[i], token, returnUrl, cookiePageUrl);
            }

            parts[^1] = _parts[^1];
            return parts;
        }

        private static string Value(Slot slot, string token, string returnUrl, string cookiePageUrl) => slot switch
        {
            Slot.Token => token,
            Slot.ReturnUrl => returnUrl,
            _ => cookiePageUrl,
        };
    }
}

/// <summary>A data block's JSON as four strings: up to the first value, the two per-request values, the closing brace.</summary>
internal readonly record struct JsonParts(string Head, string First, string Second, string Tail)
{
    public override string ToString() => string.Concat(Head, First, Second, Tail);
}

/// <summary>The widget's asset tags, each up to where its nonce attribute goes (<see cref="WidgetRenderer.AssetTagOpenings"/>).</summary>
internal sealed record AssetTagOpenings(string GuardOpen, string SignalsOpen, string StyleOpen, string ScriptOpen);
