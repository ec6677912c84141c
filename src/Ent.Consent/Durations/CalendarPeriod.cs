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

    /// <summary>A period of a fixed duration (hours, minutes, seconds).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The duration is negative.</exception>
    public static CalendarPeriod FromTime(TimeSpan time)
    {
        // Whole days of a TimeSpan are kept as days so that the ISO form stays canonical.
        return Create(0, time.Days, time - TimeSpan.FromDays(time.Days));
    }

    /// <summary>A period of months, then days, then a time of day.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A part is negative.</exception>
    public static CalendarPeriod Create(int months, int days, TimeSpan time)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(months);
        ArgumentOutOfRangeException.ThrowIfNegative(days);
        ArgumentOutOfRangeException.ThrowIfLessThan(time, TimeSpan.Zero);
        return new CalendarPeriod(months, days, time);
    }

    /// <summary>
    /// Adds the period to <paramref name="start"/>: months first (calendar-correct, the day of month is clamped to
    /// the month's length), then days, then time.
    /// </summary>
    public DateTimeOffset AddTo(DateTimeOffset start) => start.AddMonths(Months).AddDays(Days).Add(Time);

    /// <summary>
    /// Whether this period ends no later than <paramref name="limit"/> whatever the start date.
    /// </summary>
    /// <remarks>
    /// Periods made only of months compare by months. Mixed periods compare their longest possible length (31-day
    /// months) against the shortest possible length of the limit, so the answer is never "yes" by luck of the
    /// calendar.
    /// </remarks>
    public bool IsWithin(CalendarPeriod limit)
    {
        if (Days == 0 && Time == TimeSpan.Zero && limit.Days == 0 && limit.Time == TimeSpan.Zero)
        {
            return Months <= limit.Months;
        }

        return MaximumLength() <= limit.MinimumLength();
    }

    /// <summary>The longest this period can last (every month counted as 31 days).</summary>
    public TimeSpan MaximumLength() => TimeSpan.FromDays((Months * 31d) + Days) + Time;

    /// <summary>The shortest this period can last, whatever the start date.</summary>
    public TimeSpan MinimumLength()
    {
        // The shortest run of N calendar months, with day-of-month clamping, starts on 31 January of a common year
        // or is otherwise bounded below by 28 + 30 * (N - 1) days; computing it exactly over a 400-year cycle is
        // cheap and leaves no room for error.
        return MinimumMonthsLength(Months) + TimeSpan.FromDays(Days) + Time;
    }

    private static TimeSpan MinimumMonthsLength(int months)
    {
        if (months == 0)
        {
            return TimeSpan.Zero;
        }

        var shortest = TimeSpan.MaxValue;
        // Month lengths repeat every 400 years; the extreme lengths appear within any 8-year window.
        for (var year = 2000; year < 2008; year++)
        {
            for (var month = 1; month <= 12; month++)
            {
                var start = new DateTimeOffset(year, month, DateTime.DaysInMonth(year, month), 0, 0, 0, TimeSpan.Zero);
                var length = start.AddMonths(months) - start;
                if (length < shortest)
                {
                    shortest = length;
                }
            }
        }

        return shortest;
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

        if (!sawPart || months > int.MaxValue || days > int.MaxValue)
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
