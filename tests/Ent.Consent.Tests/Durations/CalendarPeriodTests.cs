using System.ComponentModel;
using System.Globalization;

namespace Ent.Consent.Tests.Durations;

public class CalendarPeriodTests
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour = 0) => new(year, month, day, hour, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData("P13M", 13, 0, 0)]
    [InlineData("P1Y1M", 13, 0, 0)]
    [InlineData("P25M", 25, 0, 0)]
    [InlineData("P30D", 0, 30, 0)]
    [InlineData("P2W", 0, 14, 0)]
    [InlineData("P1W3D", 0, 10, 0)]
    [InlineData("PT12H", 0, 0, 12 * 3600)]
    [InlineData("PT30M", 0, 0, 30 * 60)]
    [InlineData("PT1H1M1S", 0, 0, 3661)]
    [InlineData("P1Y2M3DT4H5M6S", 14, 3, (4 * 3600) + (5 * 60) + 6)]
    [InlineData("P0D", 0, 0, 0)]
    [InlineData("p13m", 13, 0, 0)]
    [InlineData(" P13M ", 13, 0, 0)]
    public void Parse_reads_each_designator(string text, int months, int days, int seconds)
    {
        var period = CalendarPeriod.Parse(text);

        Assert.Equal(months, period.Months);
        Assert.Equal(days, period.Days);
        Assert.Equal(TimeSpan.FromSeconds(seconds), period.Time);
    }

    [Theory]
    [InlineData("P13M", "P1Y1M")]
    [InlineData("P1Y1M")]
    [InlineData("P2Y1M")]
    [InlineData("P25M", "P2Y1M")]
    [InlineData("P30D")]
    [InlineData("P2W", "P14D")]
    [InlineData("PT12H")]
    [InlineData("PT36H", "P1DT12H")]
    [InlineData("P1DT24H", "P2D")]
    [InlineData("PT1H1M1S")]
    [InlineData("P1Y2M3DT4H5M6S")]
    [InlineData("P0D")]
    [InlineData("P12M", "P1Y")]
    public void Format_is_canonical_and_parses_back_to_the_same_period(string text, string? canonical = null)
    {
        var period = CalendarPeriod.Parse(text);

        var formatted = period.ToString();

        Assert.Equal(canonical ?? text, formatted);
        Assert.Equal(period, CalendarPeriod.Parse(formatted));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("P")]
    [InlineData("P1")]
    [InlineData("PT")]
    [InlineData("P1DT")]
    [InlineData("P1MT")]
    [InlineData("13M")]
    [InlineData("-P13M")]
    [InlineData("P-13M")]
    [InlineData("P+13M")]
    [InlineData("P13M13M")]
    [InlineData("P1Y1Y")]
    [InlineData("PT1H1H")]
    [InlineData("P1DT1H1H")]
    [InlineData("P1M1Y")]
    [InlineData("P1D1M")]
    [InlineData("PT1S1H")]
    [InlineData("P1H")]
    [InlineData("P1S")]
    [InlineData("PT1D")]
    [InlineData("PT1Y")]
    [InlineData("P1TT1H")]
    [InlineData("P1.5M")]
    [InlineData("P1,5M")]
    [InlineData("P13X")]
    [InlineData("P13 M")]
    [InlineData("P1Y 1M")]
    [InlineData("P9999999M")]
    [InlineData("P99999999999999999999Y")]
    [InlineData("13 months")]
    public void Parse_rejects_what_is_not_an_ISO_8601_period(string text)
    {
        Assert.False(CalendarPeriod.TryParse(text, CultureInfo.InvariantCulture, out _));
        var error = Assert.Throws<FormatException>(() => CalendarPeriod.Parse(text));
        Assert.Contains("ISO 8601", error.Message);
    }

    [Fact]
    public void Parse_rejects_null()
    {
        Assert.False(CalendarPeriod.TryParse((string?)null, CultureInfo.InvariantCulture, out _));
        Assert.Throws<ArgumentNullException>(() => CalendarPeriod.Parse(null!));
    }

    [Fact]
    public void Negative_parts_are_refused_when_created_in_code()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CalendarPeriod.FromMonths(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalendarPeriod.FromDays(-1));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalendarPeriod.FromTime(TimeSpan.FromHours(-1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => CalendarPeriod.Create(0, 0, TimeSpan.FromSeconds(-1)));
    }

    [Fact]
    public void Whole_days_of_a_time_become_days_so_equal_lengths_are_equal_periods()
    {
        Assert.Equal(CalendarPeriod.FromDays(2), CalendarPeriod.FromTime(TimeSpan.FromHours(48)));
        Assert.Equal(CalendarPeriod.FromDays(2), CalendarPeriod.Create(0, 1, TimeSpan.FromHours(24)));
        Assert.Equal(CalendarPeriod.Parse("P1DT12H"), CalendarPeriod.Create(0, 0, TimeSpan.FromHours(36)));
        Assert.Equal("P1DT12H", CalendarPeriod.Create(0, 0, TimeSpan.FromHours(36)).ToString());
    }

    [Fact]
    public void A_time_finer_than_a_second_is_refused_because_the_ISO_form_could_not_carry_it()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CalendarPeriod.FromTime(TimeSpan.FromMilliseconds(1500)));
    }

    [Fact]
    public void Equal_periods_have_equal_hash_codes_and_operators_agree()
    {
        var a = CalendarPeriod.Parse("P1Y1M");
        var b = CalendarPeriod.FromMonths(13);

        Assert.True(a == b);
        Assert.False(a != b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.True(a.Equals((object)b));
        Assert.NotEqual(CalendarPeriod.FromMonths(1), CalendarPeriod.FromDays(30));
    }

    [Theory]
    [InlineData(2025, 1, 31, 1, 2025, 2, 28)]
    [InlineData(2024, 1, 31, 1, 2024, 2, 29)]
    [InlineData(2025, 1, 31, 13, 2026, 2, 28)]
    [InlineData(2027, 1, 31, 13, 2028, 2, 29)]
    [InlineData(2025, 3, 31, 1, 2025, 4, 30)]
    [InlineData(2025, 3, 31, 13, 2026, 4, 30)]
    [InlineData(2025, 5, 31, 13, 2026, 6, 30)]
    [InlineData(2025, 4, 30, 1, 2025, 5, 30)]
    [InlineData(2025, 8, 31, 13, 2026, 9, 30)]
    [InlineData(2025, 12, 31, 2, 2026, 2, 28)]
    [InlineData(2024, 2, 29, 12, 2025, 2, 28)]
    [InlineData(2024, 2, 29, 13, 2025, 3, 29)]
    [InlineData(2024, 2, 29, 48, 2028, 2, 29)]
    [InlineData(2025, 2, 28, 12, 2026, 2, 28)]
    [InlineData(2023, 2, 28, 12, 2024, 2, 28)]
    public void Adding_months_is_calendar_correct_at_month_ends_and_leap_days(int year, int month, int day, int months, int toYear, int toMonth, int toDay)
    {
        var start = new DateTimeOffset(year, month, day, 15, 30, 0, TimeSpan.FromHours(1));

        var end = CalendarPeriod.FromMonths(months).AddTo(start);

        Assert.Equal(new DateTimeOffset(toYear, toMonth, toDay, 15, 30, 0, TimeSpan.FromHours(1)), end);
    }

    [Fact]
    public void Adding_a_mixed_period_adds_months_then_days_then_time()
    {
        // Months first: 30 January 2025 + 1 month = 28 February, + 1 day = 1 March (days first would give 28 February).
        Assert.Equal(Utc(2025, 3, 1, 2), CalendarPeriod.Parse("P1M1DT2H").AddTo(Utc(2025, 1, 30)));
        Assert.Equal(Utc(2024, 3, 1, 2), CalendarPeriod.Parse("P1M1DT2H").AddTo(Utc(2024, 1, 30)));
    }

    [Theory]
    [InlineData("P13M", "P13M", true)]
    [InlineData("P12M", "P13M", true)]
    [InlineData("P1Y1M", "P13M", true)]
    [InlineData("P1Y", "P13M", true)]
    [InlineData("P14M", "P13M", false)]
    [InlineData("P2Y", "P13M", false)]
    [InlineData("P25M", "P25M", true)]
    [InlineData("P2Y1M", "P25M", true)]
    [InlineData("P26M", "P25M", false)]
    [InlineData("P0D", "P13M", true)]
    public void IsWithin_compares_whole_months_by_count(string period, string limit, bool within)
    {
        Assert.Equal(within, CalendarPeriod.Parse(period).IsWithin(CalendarPeriod.Parse(limit)));
    }

    [Theory]
    // The shortest 13 calendar months last 393 days (31 January of a common year to 28 February).
    [InlineData("P393D", "P13M", true)]
    [InlineData("P394D", "P13M", false)]
    [InlineData("P396D", "P13M", false)]
    [InlineData("P400D", "P13M", false)]
    [InlineData("P365D", "P13M", true)]
    [InlineData("PT30M", "P13M", true)]
    [InlineData("P1D", "P13M", true)]
    [InlineData("P12M28D", "P13M", true)]
    [InlineData("P12M29D", "P13M", false)]
    [InlineData("P12M1D", "P13M", true)]
    [InlineData("P13MT1S", "P13M", false)]
    [InlineData("P13M1D", "P13M", false)]
    [InlineData("P12MT23H", "P13M", true)]
    [InlineData("P24M", "P25M", true)]
    [InlineData("P24M28D", "P25M", true)]
    [InlineData("P758D", "P25M", true)]
    [InlineData("P759D", "P25M", false)]
    [InlineData("P762D", "P25M", false)]
    [InlineData("P1M", "P31D", true)]
    [InlineData("P1M", "P30D", false)]
    [InlineData("P1M", "P28D", false)]
    [InlineData("P28D", "P1M", true)]
    [InlineData("P29D", "P1M", false)]
    [InlineData("P30D", "P1M", false)]
    [InlineData("P1DT1H", "P1DT1H", true)]
    [InlineData("P1DT1H", "P1D", false)]
    public void IsWithin_holds_for_every_start_date_for_mixed_periods(string period, string limit, bool within)
    {
        Assert.Equal(within, CalendarPeriod.Parse(period).IsWithin(CalendarPeriod.Parse(limit)));
    }

    [Theory]
    [InlineData("P393D", "P13M")]
    [InlineData("P12M28D", "P13M")]
    [InlineData("P12MT23H", "P13M")]
    [InlineData("P24M28D", "P25M")]
    [InlineData("P28D", "P1M")]
    public void A_period_IsWithin_accepts_never_ends_after_the_limit_from_any_start_of_a_400_year_cycle(string period, string limit)
    {
        var p = CalendarPeriod.Parse(period);
        var l = CalendarPeriod.Parse(limit);
        Assert.True(p.IsWithin(l));
        for (var start = Utc(2000, 1, 1); start < Utc(2400, 1, 1); start = start.AddDays(1))
        {
            Assert.True(p.AddTo(start) <= l.AddTo(start), $"{period} from {start:yyyy-MM-dd} ends after {limit}.");
        }
    }

    [Theory]
    [InlineData("P394D", "P13M", 2025, 1, 31)]
    [InlineData("P12M29D", "P13M", 2025, 1, 31)]
    [InlineData("P29D", "P1M", 2025, 1, 31)]
    [InlineData("P762D", "P25M", 2024, 1, 31)]
    public void A_period_IsWithin_refuses_ends_after_the_limit_from_some_start(string period, string limit, int year, int month, int day)
    {
        var p = CalendarPeriod.Parse(period);
        var l = CalendarPeriod.Parse(limit);

        Assert.False(p.IsWithin(l));
        Assert.True(p.AddTo(Utc(year, month, day)) > l.AddTo(Utc(year, month, day)));
    }

    [Theory]
    [InlineData("P999999Y1D", "P13M", false)]
    [InlineData("P999999Y", "P999999Y1D", true)]
    [InlineData("P999999D", "P999999Y", true)]
    [InlineData("P999999Y", "P999999D", false)]
    [InlineData("PT999999H", "P13M", false)]
    public void IsWithin_answers_for_periods_far_beyond_the_calendar_instead_of_throwing(string period, string limit, bool within)
    {
        Assert.Equal(within, CalendarPeriod.Parse(period).IsWithin(CalendarPeriod.Parse(limit)));
    }

    [Fact]
    public void Binds_from_configuration_strings_through_its_type_converter()
    {
        var converter = TypeDescriptor.GetConverter(typeof(CalendarPeriod));

        Assert.True(converter.CanConvertFrom(typeof(string)));
        Assert.Equal(CalendarPeriod.FromMonths(13), converter.ConvertFromInvariantString("P13M"));
        Assert.Equal("P1Y1M", converter.ConvertToInvariantString(CalendarPeriod.FromMonths(13)));
        Assert.Throws<FormatException>(() => converter.ConvertFromInvariantString("13 months"));
    }
}
