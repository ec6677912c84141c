using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text;

namespace Ent.Consent;

/// <summary>
/// A calendar period such as 13 months or 30 days, written in ISO 8601 (<c>P13M</c>, <c>P30D</c>, <c>P1Y1M</c>,
/// <c>PT12H</c>). Months are calendar months: adding one month to 31 January gives the last day of February.
/// </summary>
/// <remarks>
/// A <see cref="TimeSpan"/> cannot express "13 months" because months differ in length; the regulatory limits are
/// stated in months, so they are kept as months and only turned into instants when added to a start date.
/// </remarks>
[TypeConverter(typeof(CalendarPeriodTypeConverter))]
public readonly struct CalendarPeriod : IEquatable<CalendarPeriod>, ISpanParsable<CalendarPeriod>
{
    private CalendarPeriod(int months, int days, TimeSpan time)
    {
        Months = months;
        Days = days;
        Time = time;
    }

    /// <summary>The number of calendar months (years are stored as 12 months).</summary>
    public int Months { get; }

    /// <summary>The number of calendar days added after the months.</summary>
    public int Days { get; }

    /// <summary>The time-of-day part (hours, minutes, seconds) added after the days.</summary>
    public TimeSpan Time { get; }

    /// <summary>Whether the period is zero.</summary>
    public bool IsZero => Months == 0 && Days == 0 && Time == TimeSpan.Zero;

    /// <summary>A period of whole calendar months.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative.</exception>
    public static CalendarPeriod FromMonths(int months) => Create(months, 0, TimeSpan.Zero);

    /// <summary>A period of whole days.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The count is negative.</exception>
    public static CalendarPeriod FromDays(int days) => Create(0, days, TimeSpan.Zero);

    /// <summary>A period of a fixed duration (hours, minutes, seconds); whole days are kept as days.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative or has a fraction of a second.</exception>
    public static CalendarPeriod FromTime(TimeSpan time) => Create(0, 0, time);

    /// <summary>
    /// A period of months, then days, then a time. Whole days of <paramref name="time"/> are moved into the days, so
    /// that equal periods compare equal and the ISO form stays canonical (<c>PT36H</c> is <c>P1DT12H</c>).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// A part is negative, the days overflow, or the time has a fraction of a second (the ISO form written by
    /// <see cref="ToString"/> counts whole seconds, so it could not be read back).
    /// </exception>
    public static CalendarPeriod Create(int months, int days, TimeSpan time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(months);
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        ArgumentOutOfRangeException.ThrowIfLessThan(time, TimeSpan.Zero);
        if (time.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(time), time, "A period counts whole seconds.");
        }

        var totalDays = (long)days + time.Days;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(totalDays, int.MaxValue, nameof(days));
        return new CalendarPeriod(months, (int)totalDays, time - TimeSpan.FromDays(time.Days));
    }

    /// <summary>
    /// Adds the period to <paramref name="start"/>: months first (calendar-correct, the day of month is clamped to
    /// the month's length), then days, then time.
    /// </summary>
    public DateTimeOffset AddTo(DateTimeOffset start) => start.AddMonths(Months).AddDays(Days).Add(Time);

    /// <summary>
    /// The retention cutoff at <paramref name="now"/>: the earliest instant from which everything, added this period
    /// (<see cref="AddTo"/>), ends at or after <paramref name="now"/>. Data taken before it has been kept for the
    /// whole period and must go; data taken at or after it has not. Returned in UTC.
    /// </summary>
    /// <remarks>
    /// Not <c>now - period</c>: month arithmetic clamps month ends, so on 31 March 2026 "minus 25 months" gives
    /// 29 February 2024, yet data of 29 February 2024 reached its 25 months on 29 March 2026. Counted on the UTC
    /// calendar, so that one instant gives one cutoff whatever offset it is written with.
    /// </remarks>
    public DateTimeOffset CutoffAt(DateTimeOffset now)
    {
        // AddTo(t) >= now exactly when t plus the months reaches now minus the fixed-length days and time.
        var target = now.ToUniversalTime().AddDays(-Days).Subtract(Time);
        if (Months == 0)
        {
            return target;
        }

        var back = target.AddMonths(-Months);
        var backMonthLength = DateTime.DaysInMonth(back.Year, back.Month);
        if (target.Day > backMonthLength)
        {
            // The month back is shorter and was clamped: all of it ends before now, so keep from the next month.
            return new DateTimeOffset(back.Year, back.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1);
        }

        var targetMonthLength = DateTime.DaysInMonth(target.Year, target.Month);
        if (target.Day == targetMonthLength && backMonthLength > targetMonthLength && target.TimeOfDay > TimeSpan.Zero)
        {
            // Now falls on the last day of a short month, onto which the longer month's last days are all clamped:
            // the data of those days taken earlier in the day than now has already run its period (at midnight
            // exactly, none has).
            return new DateTimeOffset(back.Year, back.Month, backMonthLength, 0, 0, 0, TimeSpan.Zero).Add(target.TimeOfDay);
        }

        return back;
    }

    /// <summary>
    /// Whether this period ends no later than <paramref name="limit"/> whatever the start date: <c>P12M28D</c> is
    /// within <c>P13M</c>, <c>P394D</c> is not (31 January + 13 months is only 393 days later).
    /// </summary>
    /// <remarks>
    /// The answer is exact. Clear cases are decided from the parts or from the shortest and longest possible lengths;
    /// close ones by adding both periods to every day of a 400-year Gregorian cycle (the calendar repeats after it, and
    /// the time of day does not change the comparison). Periods too long for the calendar to add are compared by
    /// their bounds, answering "no" when the bounds cannot tell.
    /// </remarks>
    public bool IsWithin(CalendarPeriod limit)
    {
        if (Months <= limit.Months && Days <= limit.Days && Time <= limit.Time)
        {
            return true;
        }

        if (Months >= limit.Months && Days >= limit.Days && Time >= limit.Time)
        {
            return false; // Longer in some part and shorter in none: later from every start.
        }

        if (MaximumDays() <= limit.MinimumDays())
        {
            return true;
        }

        if (MinimumDays() > limit.MaximumDays())
        {
            return false;
        }

        return EndsNoLaterFromEveryStart(limit);
    }

    /// <summary>The longest this period can last (every month counted as 31 days).</summary>
    /// <exception cref="OverflowException">The period is longer than a <see cref="TimeSpan"/> can hold.</exception>
    public TimeSpan MaximumLength() => TimeSpan.FromDays(Months * 31d) + TimeSpan.FromDays(Days) + Time;

    /// <summary>The shortest this period can last, whatever the start date.</summary>
    /// <exception cref="OverflowException">The period is longer than a <see cref="TimeSpan"/> can hold.</exception>
    public TimeSpan MinimumLength() => TimeSpan.FromDays(MinimumMonthsDays(Months)) + TimeSpan.FromDays(Days) + Time;

    // Lengths in days as doubles: they cannot overflow, whatever the parts.
    private double MaximumDays() => (Months * 31d) + Days + Time.TotalDays;

    private double MinimumDays() => MinimumMonthsDays(Months) + Days + Time.TotalDays;

    private const int CycleMonths = 400 * 12;

    private const int CycleDays = 146_097;

    // Month lengths over two 400-year cycles from January 2000, as running totals: a run of months is a subtraction.
    private static readonly int[] MonthLengths = Enumerable.Range(0, 2 * CycleMonths)
        .Select(static i => DateTime.DaysInMonth(2000 + (i / 12), (i % 12) + 1))
        .ToArray();

    private static readonly long[] MonthStarts = MonthLengths.Aggregate(new List<long> { 0 }, static (starts, length) =>
    {
        starts.Add(starts[^1] + length);
        return starts;
    }).ToArray();

    private static double MinimumMonthsDays(int months)
        => ((double)(months / CycleMonths) * CycleDays) + ShortestRun(months % CycleMonths);

    private static long ShortestRun(int months)
    {
        // The shortest run of N calendar months starts on the last day of a month (day-of-month clamping can only
        // shorten a run, most from the last day); the calendar repeats every 400 years, so every month end of one
        // cycle is tried: the month lengths it spans, minus the clamp at its end.
        if (months == 0)
        {
            return 0;
        }

        var shortest = long.MaxValue;
        for (var start = 0; start < CycleMonths; start++)
        {
            var length = MonthStarts[start + months] - MonthStarts[start] - Math.Max(0, MonthLengths[start] - MonthLengths[start + months]);
            shortest = Math.Min(shortest, length);
        }

        return shortest;
    }

    private bool EndsNoLaterFromEveryStart(CalendarPeriod limit)
    {
        // Whole 400-year cycles common to both periods shift both ends alike, so they are taken out of both first.
        var commonCycles = Math.Min(Months, limit.Months) / CycleMonths;
        var commonDayCycles = Math.Min(Days, limit.Days) / CycleDays;
        var period = new CalendarPeriod(Months - (commonCycles * CycleMonths), Days - (commonDayCycles * CycleDays), Time);
        var bound = new CalendarPeriod(limit.Months - (commonCycles * CycleMonths), limit.Days - (commonDayCycles * CycleDays), limit.Time);
        var first = new DateTimeOffset(1, 1, 1, 0, 0, 0, TimeSpan.Zero);
        try
        {
            for (var start = first; start < first.AddYears(400); start = start.AddDays(1))
            {
                if (period.AddTo(start) > bound.AddTo(start))
                {
                    return false;
                }
            }

            return true;
        }
        catch (ArgumentOutOfRangeException)
        {
            return false; // Beyond year 9999: the bounds could not tell, so the answer errs on the side of "no".
        }
    }

    /// <summary>The ISO 8601 form, for example <c>P13M</c>, <c>P1Y1M</c> or <c>P1DT12H</c>.</summary>
    public override string ToString()
    {
        if (IsZero)
        {
            return "P0D";
        }

        var builder = new StringBuilder("P");
        if (Months / 12 > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{Months / 12}Y");
        }

        if (Months % 12 > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{Months % 12}M");
        }

        if (Days > 0)
        {
            builder.Append(CultureInfo.InvariantCulture, $"{Days}D");
        }

        if (Time > TimeSpan.Zero)
        {
            builder.Append('T');
            if (Time.Hours > 0)
            {
                builder.Append(CultureInfo.InvariantCulture, $"{Time.Hours}H");
            }

            if (Time.Minutes > 0)
            {
                builder.Append(CultureInfo.InvariantCulture, $"{Time.Minutes}M");
            }

            if (Time.Seconds > 0)
            {
                builder.Append(CultureInfo.InvariantCulture, $"{Time.Seconds}S");
            }
        }

        return builder.ToString();
    }

    /// <summary>Parses an ISO 8601 period (<c>P13M</c>, <c>P1Y1M</c>, <c>P30D</c>, <c>PT12H</c>, <c>P2W</c>).</summary>
    /// <exception cref="FormatException">The text is not such a period.</exception>
    public static CalendarPeriod Parse(string s) => Parse(s, CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public static CalendarPeriod Parse(string s, IFormatProvider? provider)
    {
        ArgumentNullException.ThrowIfNull(s);
        return Parse(s.AsSpan(), provider);
    }

    /// <inheritdoc />
    public static CalendarPeriod Parse(ReadOnlySpan<char> s, IFormatProvider? provider)
    {
        return TryParse(s, provider, out var result)
            ? result
            : throw new FormatException($"'{s}' is not an ISO 8601 period such as P13M, P1Y1M, P30D or PT12H.");
    }

    /// <inheritdoc />
    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out CalendarPeriod result)
    {
        return TryParse(s.AsSpan(), provider, out result);
    }

    /// <inheritdoc />
    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out CalendarPeriod result)
    {
        result = default;
        s = s.Trim();
        if (s.Length < 3 || (s[0] != 'P' && s[0] != 'p'))
        {
            return false;
        }

        long months = 0, days = 0;
        var time = TimeSpan.Zero;
        var inTime = false;
        var sawPart = false;
        var lastRank = -1;
        var i = 1;
        while (i < s.Length)
        {
            if (s[i] is 'T' or 't')
            {
                if (inTime)
                {
                    return false;
                }

                inTime = true;
                i++;
                continue;
            }

            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == start || i == s.Length || i - start > 6)
            {
                return false;
            }

            var value = long.Parse(s[start..i], NumberStyles.None, CultureInfo.InvariantCulture);
            var designator = char.ToUpperInvariant(s[i]);
            i++;
            // Each designator may appear once and in ISO order: Y M W D T H M S.
            var rank = (inTime, designator) switch
            {
                (false, 'Y') => 0,
                (false, 'M') => 1,
                (false, 'W') => 2,
                (false, 'D') => 3,
                (true, 'H') => 4,
                (true, 'M') => 5,
                (true, 'S') => 6,
                _ => -1,
            };
            if (rank <= lastRank)
            {
                return false;
            }

            lastRank = rank;
            sawPart = true;
            switch (rank)
            {
                case 0: months += value * 12; break;
                case 1: months += value; break;
                case 2: days += value * 7; break;
                case 3: days += value; break;
                case 4: time += TimeSpan.FromHours(value); break;
                case 5: time += TimeSpan.FromMinutes(value); break;
                case 6: time += TimeSpan.FromSeconds(value); break;
            }
        }

        // "P1DT" has a time designator with no time after it.
        if (!sawPart || (inTime && lastRank < 4) || months > int.MaxValue || days > int.MaxValue)
        {
            return false;
        }

        // Normalise whole days held in the time part, so P1DT24H and P2D compare equal.
        days += time.Days;
        time -= TimeSpan.FromDays(time.Days);
        if (days > int.MaxValue)
        {
            return false;
        }

        result = new CalendarPeriod((int)months, (int)days, time);
        return true;
    }

    /// <inheritdoc />
    public bool Equals(CalendarPeriod other) => Months == other.Months && Days == other.Days && Time == other.Time;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is CalendarPeriod other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Months, Days, Time);

    /// <summary>Whether two periods have the same parts.</summary>
    public static bool operator ==(CalendarPeriod left, CalendarPeriod right) => left.Equals(right);

    /// <summary>Whether two periods differ in any part.</summary>
    public static bool operator !=(CalendarPeriod left, CalendarPeriod right) => !left.Equals(right);
}

/// <summary>Lets configuration binding read <see cref="CalendarPeriod"/> values from strings such as "P13M".</summary>
internal sealed class CalendarPeriodTypeConverter : TypeConverter
{
    public override bool CanConvertFrom(ITypeDescriptorContext? context, Type sourceType)
        => sourceType == typeof(string) || base.CanConvertFrom(context, sourceType);

    public override object? ConvertFrom(ITypeDescriptorContext? context, CultureInfo? culture, object value)
        => value is string text ? CalendarPeriod.Parse(text, CultureInfo.InvariantCulture) : base.ConvertFrom(context, culture, value);

    public override bool CanConvertTo(ITypeDescriptorContext? context, Type? destinationType)
        => destinationType == typeof(string) || base.CanConvertTo(context, destinationType);

    public override object? ConvertTo(ITypeDescriptorContext? context, CultureInfo? culture, object? value, Type destinationType)
        => destinationType == typeof(string) && value is CalendarPeriod period ? period.ToString() : base.ConvertTo(context, culture, value, destinationType);
}
