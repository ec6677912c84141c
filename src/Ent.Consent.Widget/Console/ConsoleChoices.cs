namespace Ent.Consent.Widget.Console;

/// <summary>One bar of a chart: a day or a week (starting Monday) of one service.</summary>
internal sealed record ChoiceBucket(DateOnly Start, long Granted, long Refused, long Withdrawn)
{
    public long Total => Granted + Refused + Withdrawn;
}

/// <summary>One service's figures over the filtered period.</summary>
internal sealed record ServiceChoices(string ServiceId, IReadOnlyList<ChoiceBucket> Buckets, long Granted, long Refused, long Withdrawn, long RefusedBySignal)
{
    /// <summary>Grants over all decisions, or null when nobody decided.</summary>
    public double? AcceptanceRate => Granted + Refused + Withdrawn is var total and > 0 ? (double)Granted / total : null;

    /// <summary>Refusals and withdrawals made by the browser's privacy signal over all of them, or null without any.</summary>
    public double? SignalShare => Refused + Withdrawn is var total and > 0 ? (double)RefusedBySignal / total : null;
}

/// <summary>Turns the store's per-day rows into per-service series (every day or week of the period, zeros included).</summary>
internal static class ConsoleChoices
{
    public static IReadOnlyList<ServiceChoices> Build(IReadOnlyList<ConsentChoiceCount> counts, ConsoleFilter filter)
    {
        var result = new List<ServiceChoices>();
        foreach (var service in counts.GroupBy(static c => c.ServiceId, StringComparer.Ordinal).OrderBy(static g => g.Key, StringComparer.Ordinal))
        {
            var buckets = new SortedDictionary<DateOnly, (long G, long R, long W)>();
            for (var day = BucketOf(filter.From, filter.ByWeek); day <= filter.To; day = day.AddDays(filter.ByWeek ? 7 : 1))
            {
                buckets[day] = default;
            }

            long signal = 0;
            foreach (var count in service)
            {
                var key = BucketOf(count.Day, filter.ByWeek);
                var current = buckets.GetValueOrDefault(key);
                buckets[key] = (current.G + count.Granted, current.R + count.Refused, current.W + count.Withdrawn);
                if (count.Channel == ConsentChannel.PrivacySignal)
                {
                    signal += count.Refused + count.Withdrawn;
                }
            }

            var list = buckets.Select(static b => new ChoiceBucket(b.Key, b.Value.G, b.Value.R, b.Value.W)).ToList();
            result.Add(new ServiceChoices(service.Key, list, list.Sum(static b => b.Granted), list.Sum(static b => b.Refused), list.Sum(static b => b.Withdrawn), signal));
        }

        return result;
    }

    private static DateOnly BucketOf(DateOnly day, bool byWeek)
        => byWeek ? day.AddDays(-(((int)day.DayOfWeek + 6) % 7)) : day;
}
