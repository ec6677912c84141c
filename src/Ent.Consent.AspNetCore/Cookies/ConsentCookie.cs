using System.Globalization;
using System.Text;

namespace Ent.Consent.AspNetCore.Cookies;

/// <summary>
/// A verified consent cookie: the choice and, when given by a signed-in user, the binding of that user's keyed hash
/// to the choice's consent id (<see cref="Subjects.SubjectHasher.Bind"/>; empty when given by an anonymous visitor). The format is <c>docs/adr/0004-http-contract.md</c>:
/// <c>1.{policyVersion}.{consentId}.{givenAt}.{expiresAt}.{channel}.{decisions}.{subject}.{mac}</c>.
/// </summary>
internal sealed class ConsentCookie
{
    private const int FieldCount = 9;
    private const int MaxLength = 4096;
    private const int ConsentIdLength = 22;
    private const int SubjectLength = 22;
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");
    private static readonly System.Buffers.SearchValues<char> ServiceIdCharacters = System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyz0123456789-");
    private const long MaxUnixSeconds = 253_402_300_799; // 9999-12-31T23:59:59Z

    public ConsentCookie(ConsentState state, string subjectBinding)
    {
        State = state;
        SubjectBinding = subjectBinding;
    }

    public ConsentState State { get; }

    /// <summary>The binding of the choice to the user who gave it, or empty. Not the user's hash: see ADR 0004.</summary>
    public string SubjectBinding { get; }

    /// <summary>
    /// The request consent built from this cookie the last time it was read, reused while the request's policy,
    /// tenant, subject and minor flag are the same: a returning visitor costs a lookup, not an allocation.
    /// </summary>
    public Enforcement.ConsentSnapshot? Snapshot { get; set; }

    /// <summary>The cookie's value: the fields of the contract and their MAC.</summary>
    public static string Write(ConsentState state, string? subjectBinding, ConsentCookieProtector protector)
    {
        var builder = new StringBuilder(128);
        builder.Append("1.").Append(state.PolicyVersion).Append('.').Append(state.ConsentId).Append('.')
            .Append(state.GivenAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append('.')
            .Append(state.ExpiresAt.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)).Append('.')
            .Append((int)state.Channel).Append('.');
        var first = true;
        foreach (var (serviceId, decision) in state.Decisions.OrderBy(static d => d.Key, StringComparer.Ordinal))
        {
            if (!first)
            {
                builder.Append('|');
            }

            builder.Append(serviceId).Append(':').Append(decision == ConsentDecision.Granted ? 'g' : 'd');
            first = false;
        }

        builder.Append('.').Append(subjectBinding ?? string.Empty);
        var payload = builder.ToString();
        return payload + "." + protector.Sign(payload);
    }

    /// <summary>
    /// Reads and verifies a cookie value against <paramref name="policy"/>: exact format, known choosable services
    /// (when made under this policy's version), coherent dates and a valid MAC. The version, expiry against the
    /// clock and the subject are the caller's checks, because they change from request to request while this result
    /// can be cached.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<char> value, ConsentPolicy policy, ConsentCookieProtector protector, out ConsentCookie? cookie)
    {
        cookie = null;
        if (value.IsEmpty || value.Length > MaxLength)
        {
            return false;
        }

        Span<Range> fields = stackalloc Range[FieldCount + 1];
        if (value.Split(fields, '.') != FieldCount)
        {
            return false;
        }

        var version = value[fields[1]];
        if (!value[fields[0]].SequenceEqual("1") || version.Length != 16 || version.ContainsAnyExcept(LowerHex))
        {
            return false;
        }

        // A choice made under another version is read too (an objection to exempt audience outlives a policy
        // change), but its decisions are only checked for spelling: that policy's services are not known here.
        var isCurrent = version.SequenceEqual(policy.Version);

        var consentId = value[fields[2]];
        if (consentId.Length != ConsentIdLength || !Base64UrlText.IsBase64UrlCharacters(consentId))
        {
            return false;
        }

        if (!TryReadUnixSeconds(value[fields[3]], out var givenAt) || !TryReadUnixSeconds(value[fields[4]], out var expiresAt))
        {
            return false;
        }

        if (expiresAt <= givenAt || expiresAt > RegulatoryDurations.MaxChoiceValidity.AddTo(givenAt))
        {
            return false;
        }

        var channelField = value[fields[5]];
        if (channelField.Length != 1 || channelField[0] < '0' || channelField[0] > '3')
        {
            return false;
        }

        if (!TryReadDecisions(value[fields[6]], isCurrent ? policy : null, out var decisions))
        {
            return false;
        }

        var subject = value[fields[7]];
        if (!subject.IsEmpty && (subject.Length != SubjectLength || !Base64UrlText.IsBase64UrlCharacters(subject)))
        {
            return false;
        }

        var macStart = fields[8].Start.GetOffset(value.Length);
        if (!protector.Verify(value[..(macStart - 1)], value[fields[8]]))
        {
            return false;
        }

        var state = new ConsentState(consentId.ToString(), isCurrent ? policy.Version : version.ToString(), givenAt, expiresAt, (ConsentChannel)(channelField[0] - '0'), decisions);
        cookie = new ConsentCookie(state, subject.ToString());
        return true;
    }

    private static bool TryReadUnixSeconds(ReadOnlySpan<char> text, out DateTimeOffset instant)
    {
        instant = default;
        // Canonical decimal only: no sign, no leading zero, no spaces; so one instant has one spelling.
        if (text.IsEmpty || text.Length > 12 || (text[0] == '0' && text.Length > 1))
        {
            return false;
        }

        long seconds = 0;
        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            seconds = (seconds * 10) + (c - '0');
        }

        if (seconds > MaxUnixSeconds)
        {
            return false;
        }

        instant = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return true;
    }

    private static bool TryReadDecisions(ReadOnlySpan<char> text, ConsentPolicy? policy, out List<KeyValuePair<string, ConsentDecision>> decisions)
    {
        decisions = [];
        if (text.IsEmpty)
        {
            return true;
        }

        string? previous = null;
        foreach (var range in text.Split('|'))
        {
            var entry = text[range];
            if (entry.Length < 3 || entry[^2] != ':')
            {
                return false;
            }

            var decision = entry[^1] switch
            {
                'g' => ConsentDecision.Granted,
                'd' => ConsentDecision.Denied,
                _ => ConsentDecision.NotAsked,
            };
            if (decision == ConsentDecision.NotAsked)
            {
                return false;
            }

            var serviceId = entry[..^2].ToString();
            // Written in ordinal order, each once: any other order or a repeat is not a cookie this library wrote.
            if (previous is not null && string.CompareOrdinal(previous, serviceId) >= 0)
            {
                return false;
            }

            if (policy is not null
                ? policy.FindService(serviceId) is not { Category: not ServiceCategory.Essential }
                : serviceId.Length > 64 || serviceId.AsSpan().ContainsAnyExcept(ServiceIdCharacters) || serviceId[0] == '-')
            {
                return false;
            }

            decisions.Add(KeyValuePair.Create(serviceId, decision));
            previous = serviceId;
        }

        return true;
    }
}
