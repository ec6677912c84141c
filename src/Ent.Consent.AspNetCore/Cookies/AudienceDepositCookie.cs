using System.Globalization;

namespace Ent.Consent.AspNetCore.Cookies;

/// <summary>
/// The first deposit time of the exempt audience cookies (see <c>docs/adr/0005-first-deposit-time.md</c>):
/// <c>1.{firstDepositUnixSeconds}.{mac}</c> in the cookie named <c>{ConsentCookieName}_audience</c>, which lives
/// exactly until the 13-month deadline it stands for.
/// </summary>
internal static class AudienceDepositCookie
{
    public const string NameSuffix = "_audience";

    public static string NameFor(string consentCookieName) => consentCookieName + NameSuffix;

    public static string Write(DateTimeOffset firstDeposit, ConsentCookieProtector protector)
    {
        var payload = "1." + firstDeposit.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return payload + "." + protector.Sign(payload);
    }

    /// <summary>
    /// The first deposit recorded in <paramref name="value"/>, if the value is genuine, not in the future and its
    /// 13-month deadline has not passed at <paramref name="now"/>.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<char> value, DateTimeOffset now, ConsentCookieProtector protector, out DateTimeOffset firstDeposit)
    {
        firstDeposit = default;
        if (value.Length is < 5 or > 300 || !value.StartsWith("1."))
        {
            return false;
        }

        var rest = value[2..];
        var dot = rest.IndexOf('.');
        if (dot <= 0 || dot > 12)
        {
            return false;
        }

        var digits = rest[..dot];
        if (digits[0] == '0' || !long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds > 253_402_300_799)
        {
            return false;
        }

        var instant = DateTimeOffset.FromUnixTimeSeconds(seconds);
        if (!IsCurrent(instant, now))
        {
            return false;
        }

        if (!protector.Verify(value[..(2 + dot)], rest[(dot + 1)..]))
        {
            return false;
        }

        firstDeposit = instant;
        return true;
    }

    /// <summary>
    /// Whether a first deposit read from a genuine cookie still holds at <paramref name="now"/>: not in the future,
    /// and its 13-month deadline not passed. Checked at every request, also for a value whose MAC was verified before.
    /// </summary>
    public static bool IsCurrent(DateTimeOffset firstDeposit, DateTimeOffset now)
        => firstDeposit <= now && RegulatoryDurations.ExemptAudienceCookieDeadline(firstDeposit) > now;
}
