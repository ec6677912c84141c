using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.Tests.Durations;

public class RegulatoryDurationsTests
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0) => new(year, month, day, hour, minute, 0, TimeSpan.Zero);

    [Fact]
    public void The_regulatory_figures_are_13_25_6_and_13_months()
    {
        Assert.Equal(CalendarPeriod.FromMonths(13), RegulatoryDurations.ExemptAudienceCookieMaxLifetime);
        Assert.Equal(CalendarPeriod.FromMonths(25), RegulatoryDurations.ExemptAudienceDataMaxRetention);
        Assert.Equal(CalendarPeriod.FromMonths(6), RegulatoryDurations.DefaultChoiceValidity);
        Assert.Equal(CalendarPeriod.FromMonths(13), RegulatoryDurations.MaxChoiceValidity);
    }

    [Theory]
    [InlineData(2025, 3, 15, 2026, 4, 15)]
    [InlineData(2025, 1, 31, 2026, 2, 28)]
    [InlineData(2027, 1, 31, 2028, 2, 29)]
    [InlineData(2025, 3, 31, 2026, 4, 30)]
    [InlineData(2025, 4, 30, 2026, 5, 30)]
    [InlineData(2025, 5, 31, 2026, 6, 30)]
    [InlineData(2025, 7, 31, 2026, 8, 31)]
    [InlineData(2025, 12, 31, 2027, 1, 31)]
    [InlineData(2024, 2, 29, 2025, 3, 29)]
    [InlineData(2023, 2, 28, 2024, 3, 28)]
    public void Exempt_cookie_deadline_is_13_calendar_months_after_the_first_deposit(int year, int month, int day, int toYear, int toMonth, int toDay)
    {
        var firstDeposit = Utc(year, month, day, 9, 41);

        Assert.Equal(Utc(toYear, toMonth, toDay, 9, 41), RegulatoryDurations.ExemptAudienceCookieDeadline(firstDeposit));
    }

    [Fact]
    public void Exempt_cookie_may_live_until_the_day_before_the_13_month_boundary_but_not_the_day_after()
    {
        var firstDeposit = Utc(2025, 1, 31, 10);
        var deadline = RegulatoryDurations.ExemptAudienceCookieDeadline(firstDeposit);

        var dayBefore = Utc(2026, 2, 27, 10);
        var dayAfter = Utc(2026, 3, 1, 10);

        Assert.Equal(dayBefore, RegulatoryDurations.CapExemptAudienceCookieExpiry(firstDeposit, dayBefore));
        Assert.Equal(deadline, RegulatoryDurations.CapExemptAudienceCookieExpiry(firstDeposit, deadline));
        Assert.Equal(Utc(2026, 2, 28, 10), RegulatoryDurations.CapExemptAudienceCookieExpiry(firstDeposit, dayAfter));
    }

    [Fact]
    public void Leap_day_first_deposit_plus_12_months_is_28_February_and_plus_13_months_is_29_March()
    {
        var leapDay = Utc(2024, 2, 29, 12);

        Assert.Equal(Utc(2025, 2, 28, 12), CalendarPeriod.FromMonths(12).AddTo(leapDay));
        Assert.Equal(Utc(2025, 3, 29, 12), RegulatoryDurations.ExemptAudienceCookieDeadline(leapDay));
        Assert.Equal(Utc(2025, 3, 28, 12), RegulatoryDurations.CapExemptAudienceCookieExpiry(leapDay, Utc(2025, 3, 28, 12)));
        Assert.Equal(Utc(2025, 3, 29, 12), RegulatoryDurations.CapExemptAudienceCookieExpiry(leapDay, Utc(2025, 3, 30, 12)));
    }

    [Fact]
    public void Exempt_cookie_expiry_does_not_move_on_revisit()
    {
        var time = new FakeTimeProvider(Utc(2025, 1, 31, 8));
        var firstDeposit = time.GetUtcNow();
        var expiries = new List<DateTimeOffset?>();

        // The tracker asks for "13 months from now" on every visit; the cap keeps the first deposit's deadline.
        for (var visit = 0; visit < 12; visit++)
        {
            var requested = RegulatoryDurations.ExemptAudienceCookieMaxLifetime.AddTo(time.GetUtcNow());
            expiries.Add(RegulatoryDurations.CapExemptAudienceCookieExpiry(firstDeposit, requested));
            time.Advance(TimeSpan.FromDays(33));
        }

        Assert.All(expiries, expiry => Assert.Equal(Utc(2026, 2, 28, 8), expiry));
    }

    [Fact]
    public void Exempt_cookie_keeps_a_shorter_requested_expiry()
    {
        var firstDeposit = Utc(2025, 6, 1);

        Assert.Equal(Utc(2025, 6, 1, 0, 30), RegulatoryDurations.CapExemptAudienceCookieExpiry(firstDeposit, Utc(2025, 6, 1, 0, 30)));
    }

    [Fact]
    public void Session_cookie_stays_a_session_cookie_unless_asked_to_cap_it()
    {
        var firstDeposit = Utc(2025, 6, 1);

        Assert.Null(RegulatoryDurations.CapExemptAudienceCookieExpiry(firstDeposit, null));
        Assert.Equal(Utc(2026, 7, 1), RegulatoryDurations.CapExemptAudienceCookieExpiry(firstDeposit, null, capSessionCookies: true));
    }

    [Theory]
    [InlineData(2026, 6, 15, 2024, 5, 15)]
    [InlineData(2026, 2, 27, 2024, 1, 27)]
    [InlineData(2026, 3, 29, 2024, 2, 29)]
    [InlineData(2027, 3, 28, 2025, 2, 28)]
    public void Exempt_data_cutoff_is_25_calendar_months_before_now(int year, int month, int day, int toYear, int toMonth, int toDay)
    {
        Assert.Equal(Utc(toYear, toMonth, toDay, 14), RegulatoryDurations.ExemptAudienceDataCutoff(Utc(year, month, day, 14)));
    }

    [Fact]
    public void Exempt_data_collected_at_a_month_end_that_a_shorter_month_clamps_is_not_kept_past_its_25_months()
    {
        // Data of 29 February 2024 at 23:00 reaches its 25 months on 29 March 2026 at 23:00: on 31 March 2026 it must
        // already be gone, so the cutoff is 1 March 2024 and not "31 March 2026 - 25 months" = 29 February 2024.
        var now = Utc(2026, 3, 31, 12);

        var cutoff = RegulatoryDurations.ExemptAudienceDataCutoff(now);

        Assert.Equal(Utc(2024, 3, 1), cutoff);
        Assert.True(RegulatoryDurations.ExemptAudienceDataMaxRetention.AddTo(Utc(2024, 2, 29, 23)) < now);
    }

    [Fact]
    public void Exempt_data_collected_on_the_last_days_of_a_long_month_ages_out_on_the_last_day_of_a_short_one()
    {
        // 29, 30 and 31 January 2024 all reach 25 months on 28 February 2026 (clamped), at their own time of day.
        var now = Utc(2026, 2, 28, 14);

        var cutoff = RegulatoryDurations.ExemptAudienceDataCutoff(now);

        Assert.Equal(Utc(2024, 1, 31, 14), cutoff);
        Assert.True(RegulatoryDurations.ExemptAudienceDataMaxRetention.AddTo(Utc(2024, 1, 30, 13)) < now);
    }

    [Fact]
    public void Exempt_data_at_or_after_the_cutoff_is_younger_than_25_months_and_the_cutoff_is_as_late_as_possible()
    {
        var retention = RegulatoryDurations.ExemptAudienceDataMaxRetention;
        for (var now = Utc(2026, 1, 1, 13, 15); now < Utc(2030, 1, 1); now = now.AddHours(23))
        {
            var cutoff = RegulatoryDurations.ExemptAudienceDataCutoff(now);

            Assert.True(retention.AddTo(cutoff.AddTicks(-1)) < now, $"now {now:O}: the instant before the cutoff {cutoff:O} is not yet 25 months old.");
            for (var offsetMinutes = 0; offsetMinutes <= 6 * 24 * 60; offsetMinutes += 97)
            {
                var collectedAt = cutoff.AddMinutes(offsetMinutes);
                Assert.True(retention.AddTo(collectedAt) >= now, $"now {now:O}: data of {collectedAt:O}, after the cutoff {cutoff:O}, is over 25 months old.");
            }
        }
    }
}
