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
    /// less than 25 months old. See <see cref="CalendarPeriod.CutoffAt"/> for month ends and time zones.
    /// </summary>
    public static DateTimeOffset ExemptAudienceDataCutoff(DateTimeOffset now) => ExemptAudienceDataMaxRetention.CutoffAt(now);
}
