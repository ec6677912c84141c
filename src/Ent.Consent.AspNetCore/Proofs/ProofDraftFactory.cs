using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Localization;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>Builds the proof of a choice from the request, keeping only what a proof needs.</summary>
internal static class ProofDraftFactory
{
    public static ConsentProofDraft Create(HttpContext context, ConsentState state, ConsentPolicy policy, string? tenant, string? subjectKey, bool recordIpPrefix, string? aboutSubjectKey = null)
    {
        // The language the widget spoke (it reads the same feature first), even where the culture was resolved
        // outside this request's flow.
        var culture = context.Features.Get<IRequestCultureFeature>()?.RequestCulture.UICulture ?? CultureInfo.CurrentUICulture;
        if (string.IsNullOrEmpty(culture.Name))
        {
            culture = CultureInfo.GetCultureInfo(LocalizedText.DefaultCulture);
        }

        return new ConsentProofDraft
        {
            ConsentId = state.ConsentId,
            SubjectKey = subjectKey,
            AboutSubjectKey = aboutSubjectKey,
            Tenant = tenant,
            Timestamp = state.GivenAt,
            Decisions = new Dictionary<string, ConsentDecision>(state.Decisions, StringComparer.Ordinal),
            PolicyVersion = state.PolicyVersion,
            TextsHash = policy.GetTextsHash(culture),
            Locale = culture.Name,
            Channel = state.Channel,
            UserAgentFamily = UserAgentFamily(context.Request.Headers.UserAgent.ToString()),
            IpPrefix = recordIpPrefix ? IpPrefix(context.Connection.RemoteIpAddress) : null,
        };
    }

    /// <summary>The browser family and major version ("Firefox 133"), or null; never the full string.</summary>
    public static string? UserAgentFamily(string userAgent)
    {
        if (string.IsNullOrEmpty(userAgent))
        {
            return null;
        }

        // Order matters: Edge and Opera also say "Chrome", Chrome also says "Safari".
        ReadOnlySpan<(string Token, string Family)> families =
        [
            ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Chromium/", "Chromium"), ("Version/", "Safari"),
        ];
        foreach (var (token, family) in families)
        {
            var at = userAgent.IndexOf(token, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var version = userAgent.AsSpan(at + token.Length);
            var length = 0;
            while (length < version.Length && length < 4 && char.IsAsciiDigit(version[length]))
            {
                length++;
            }

            return length == 0 ? family : family + " " + version[..length].ToString();
        }

        return "Other";
    }

    /// <summary>The /24 (IPv4) or /48 (IPv6) network of an address, in CIDR notation.</summary>
    public static string? IpPrefix(IPAddress? address)
    {
        if (address is null)
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var keep = address.AddressFamily == AddressFamily.InterNetwork ? 3 : 6;
        bytes.AsSpan(keep).Clear();
        return new IPAddress(bytes) + "/" + (keep * 8).ToString(CultureInfo.InvariantCulture);
    }
}
