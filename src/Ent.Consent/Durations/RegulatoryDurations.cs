namespace Ent.Consent;

/// <summary>
/// The durations the rules fix, named once so that every caller uses the same, tested arithmetic. See
/// <c>docs/regulation.md</c> §2 for the sources.
/// </summary>
public static class RegulatoryDurations
{
    /// <summary>
    /// 13 months: the longest an exempt audience-measurement cookie may live, counted from its <em>first</em>
    /// deposit and never extended by later visits (CNIL délibération 2020-091 art. 5; ENT SDET §4.10).
    /// </summary>
    public static CalendarPeriod ExemptAudienceCookieMaxLifetime { get; } = CalendarPeriod.FromMonths(13);

    /// <summary>
    /// 25 months: the longest data collected by exempt audience-measurement trackers may be kept (CNIL délibération
    /// 2020-091 art. 5; ENT SDET §4.10).
    /// </summary>
    public static CalendarPeriod ExemptAudienceDataMaxRetention { get; } = CalendarPeriod.FromMonths(25);

    /// <summary>
    /// 6 months: the CNIL's good practice for remembering a choice, consent and refusal alike, before asking again
    /// (CNIL recommendation 2020-092). The library's default validity.
    /// </summary>
    public static CalendarPeriod DefaultChoiceValidity { get; } = CalendarPeriod.FromMonths(6);

    /// <summary>
    /// 13 months: the outer cap for any consent validity and for the cookie that stores the choice (CNIL doctrine).
    /// No configuration can exceed it.
    /// </summary>
    public static CalendarPeriod MaxChoiceValidity { get; } = CalendarPeriod.FromMonths(13);

    /// <summary>
    /// The latest instant an exempt audience cookie first deposited at <paramref name="firstDeposit"/> may still
    /// exist: first deposit + 13 calendar months (31 January + 13 months = 28 or 29 February of the next year).
    /// </summary>
    public static DateTimeOffset ExemptAudienceCookieDeadline(DateTimeOffset firstDeposit)
        => ExemptAudienceCookieMaxLifetime.AddTo(firstDeposit);

    /// <summary>
    /// The expiry an exempt audience cookie may carry: what its writer asked for, but never past
    /// <see cref="ExemptAudienceCookieDeadline"/>. A session cookie (<paramref name="requested"/> null) is given the
    /// deadline only when <paramref name="capSessionCookies"/> is set; otherwise it stays a session cookie.
    /// </summary>
    public static DateTimeOffset? CapExemptAudienceCookieExpiry(DateTimeOffset firstDeposit, DateTimeOffset? requested, bool capSessionCookies = false)
    {
        var deadline = ExemptAudienceCookieDeadline(firstDeposit);
        if (requested is null)
        {
            return capSessionCookies ? deadline : null;
        }

        return requested.Value <= deadline ? requested : deadline;
    }

    /// <summary>
    /// The oldest instant from which data collected by exempt audience trackers may still be kept at
    /// <paramref name="now"/>: anything collected before it must be deleted, and anything collected at or after it is
    /// less than 25 months old.
    /// </summary>
    /// <remarks>
    /// Not simply <c>now - 25 months</c>: month arithmetic clamps month ends, so on 31 March 2026 that gives
    /// 29 February 2024, yet data of 29 February 2024 reached its 25 months on 29 March 2026. The cutoff is the
    /// earliest instant whose 25 months (<see cref="CalendarPeriod.AddTo"/>) all end at or after <paramref name="now"/>.
    /// </remarks>
    public static DateTimeOffset ExemptAudienceDataCutoff(DateTimeOffset now)
    {
        var months = ExemptAudienceDataMaxRetention.Months;
        var cutoff = now.AddMonths(-months);
        var nowMonthLength = DateTime.DaysInMonth(now.Year, now.Month);
        var cutoffMonthLength = DateTime.DaysInMonth(cutoff.Year, cutoff.Month);
        if (now.Day > cutoffMonthLength)
        {
            // Every day of the shorter month ends before now: keep from the first instant of the next month.
            return new DateTimeOffset(cutoff.Year, cutoff.Month, 1, 0, 0, 0, cutoff.Offset).AddMonths(1);
        }

        if (now.Day == nowMonthLength && cutoffMonthLength > nowMonthLength)
        {
            // Now is the last day of a short month, onto which the longer month's last days all fall: data of those
            // days collected earlier in the day than now is already 25 months old.
            return new DateTimeOffset(cutoff.Year, cutoff.Month, cutoffMonthLength, 0, 0, 0, cutoff.Offset).Add(now.TimeOfDay);
        }

        return cutoff;
    }
}
