namespace Ent.Consent.Tests.Durations;

public class CalendarPeriodCutoffTests
{
    private static readonly CalendarPeriod TwentyFiveMonths = CalendarPeriod.FromMonths(25);

    [Fact]
    public void On_31_March_data_of_29_February_two_years_back_is_past_its_25_months()
    {
        // 29 February 2024 14:00 + 25 months = 29 March 2026 14:00: gone by 31 March, as is the rest of that day.
        var cutoff = TwentyFiveMonths.CutoffAt(Utc(2026, 3, 31, 14));

        Assert.Equal(Utc(2024, 3, 1), cutoff);
        Assert.True(TwentyFiveMonths.AddTo(Utc(2024, 2, 29, 23, 59)) < Utc(2026, 3, 31, 14));
    }

    [Theory]
    [InlineData("P1Y", 2025, 2, 28, 14, 2024, 2, 29, 14)] // 29 Feb 2024 + 1 year is clamped to 28 Feb 2025.
    [InlineData("P1Y", 2025, 3, 1, 0, 2024, 3, 1, 0)]
    [InlineData("P25M", 2026, 3, 29, 10, 2024, 2, 29, 10)]
    [InlineData("P25M", 2026, 3, 30, 10, 2024, 3, 1, 0)]
    [InlineData("P13M", 2025, 2, 28, 14, 2024, 1, 31, 14)] // 29-31 January 2024 + 13 months all fall on 28 Feb 2025.
    [InlineData("P13M", 2025, 2, 28, 0, 2024, 1, 28, 0)] // At midnight none of them is over yet.
    [InlineData("P1M", 2024, 2, 29, 8, 2024, 1, 31, 8)]
    [InlineData("P1M", 2024, 3, 31, 8, 2024, 3, 1, 0)]
    public void Cutoff_at_month_ends_and_leap_days_keeps_nothing_past_its_period(string period, int year, int month, int day, int hour, int cutYear, int cutMonth, int cutDay, int cutHour)
    {
        Assert.Equal(Utc(cutYear, cutMonth, cutDay, cutHour), CalendarPeriod.Parse(period).CutoffAt(Utc(year, month, day, hour)));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(-5)]
    [InlineData(14)]
    public void An_instant_written_with_another_offset_gives_the_same_cutoff(int offsetHours)
    {
        // 31 March 2026 22:30 UTC is already 1 April in Paris and still 31 March in New York.
        var utc = new DateTimeOffset(2026, 3, 31, 22, 30, 0, TimeSpan.Zero);
        var local = utc.ToOffset(TimeSpan.FromHours(offsetHours));

        Assert.Equal(TwentyFiveMonths.CutoffAt(utc), TwentyFiveMonths.CutoffAt(local));
        Assert.Equal(RegulatoryDurations.ExemptAudienceDataCutoff(utc), RegulatoryDurations.ExemptAudienceDataCutoff(local));
        Assert.Equal(TimeSpan.Zero, TwentyFiveMonths.CutoffAt(local).Offset);
    }

    [Theory]
    [InlineData("P25M")]
    [InlineData("P13M")]
    [InlineData("P5Y")]
    [InlineData("P1M10DT5H")]
    [InlineData("P30D")]
    [InlineData("PT12H")]
    public void Everything_from_the_cutoff_on_is_within_its_period_and_the_instant_before_it_is_not(string text)
    {
        var period = CalendarPeriod.Parse(text);
        TimeSpan[] timesOfDay = [TimeSpan.Zero, new(14, 0, 0), TimeSpan.FromDays(1) - TimeSpan.FromTicks(1)];
        for (var day = Utc(2027, 1, 1); day < Utc(2029, 1, 1); day = day.AddDays(1))
        {
            foreach (var timeOfDay in timesOfDay)
            {
                var now = day + timeOfDay;
                var cutoff = period.CutoffAt(now);

                Assert.True(period.AddTo(cutoff.AddTicks(-1)) < now, $"{text} at {now:O}: the cutoff {cutoff:O} could be earlier.");
                for (var later = cutoff; later < cutoff.AddDays(4); later = later.AddMinutes(353))
                {
                    Assert.True(period.AddTo(later) >= now, $"{text} at {now:O}: data of {later:O}, after the cutoff {cutoff:O}, is past its period.");
                }

                foreach (var endOfDay in new[] { cutoff.Date.AddDays(1).AddTicks(-1), cutoff.Date.AddDays(2).AddTicks(-1) })
                {
                    var instant = new DateTimeOffset(endOfDay, TimeSpan.Zero);
                    Assert.True(instant < cutoff || period.AddTo(instant) >= now, $"{text} at {now:O}: data of {instant:O} is past its period.");
                }
            }
        }
    }

    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0, int minute = 0)
        => new(year, month, day, hour, minute, 0, TimeSpan.Zero);
}
