using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Ent.Consent.Widget;

/// <summary>
/// The banner and preferences dialog rendered once per set of inputs that shape them, with the per-request values
/// (antiforgery token, return URL, cookie page URL) spliced into the stored HTML. The output is byte for byte what
/// <see cref="WidgetRenderer"/> writes: the template is its own output, with markers where the request's values go.
/// </summary>
internal static class WidgetTemplates
{
    // Per policy, so a replaced policy's templates go with it; a few cultures × path bases × choices, bounded anyway.
    private const int MaxPerPolicy = 128;

    private static readonly ConditionalWeakTable<ConsentPolicy, ConcurrentDictionary<BannerKey, Template>> Banners = [];

    // Letters and digits only, so the HTML encoder leaves them as they are; random, so no policy text holds one.
    private static readonly string Marker = "ecslot" + Guid.NewGuid().ToString("N");

    private enum Slot
    {
        Token = 't',
        ReturnUrl = 'r',
        CookiePageUrl = 'c',
    }

    /// <summary>What the banner and dialog HTML depends on besides the policy and the spliced values.</summary>
    private readonly record struct BannerKey(string Culture, ConsentWidgetTheme Theme, string ConsentUrl, string FieldName, bool Pending, string Allowed);

    /// <summary><see cref="WidgetRenderer.Banner"/> followed by <see cref="WidgetRenderer.PreferencesDialog"/>.</summary>
    public static string BannerAndDialog(WidgetRequest request)
    {
        var key = new BannerKey(request.Culture.Name, request.Theme, request.ConsentUrl, request.AntiforgeryFieldName, request.Pending, AllowedFlags(request));
        var templates = Banners.GetValue(request.Policy, static _ => new ConcurrentDictionary<BannerKey, Template>());
        if (!templates.TryGetValue(key, out var template))
        {
            var marked = request.WithValues(Marker + (char)Slot.Token, Marker + (char)Slot.ReturnUrl, Marker + (char)Slot.CookiePageUrl);
            template = Template.Parse(WidgetRenderer.Banner(marked) + WidgetRenderer.PreferencesDialog(marked));
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

    // The dialog's toggles are checked from IsAllowed for every service but the essential ones.
    private static string AllowedFlags(WidgetRequest request)
    {
        var services = request.Policy.Services;
        return string.Create(services.Count, request, static (span, request) =>
        {
            var services = request.Policy.Services;
            for (var i = 0; i < span.Length; i++)
            {
                var service = services[i];
                span[i] = service.Category == ServiceCategory.Essential ? '-' : request.IsAllowed(service.Id) ? '1' : '0';
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

        private static string Value(Slot slot, string token, string returnUrl, string cookiePageUrl) => slot switch
        {
            Slot.Token => token,
            Slot.ReturnUrl => returnUrl,
            _ => cookiePageUrl,
        };
    }
}
