using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Widget.Console;

/// <summary>The choices page's filter, read from its query string and checked before any query runs.</summary>
internal sealed record ConsoleFilter(DateOnly From, DateOnly To, string? Tenant, bool ByWeek)
{
    public const int MaxDays = 366;
    public const int DefaultDays = 30;
    public const int MaxTenantLength = 128;

    /// <summary>How many tenants the stores list at most (their <c>LIMIT</c>).</summary>
    public const int MaxTenantsListed = 1000;

    public ConsentStatisticsQuery ToQuery()
        => new(new DateTimeOffset(From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), new DateTimeOffset(To.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), Tenant);

    /// <summary>Reads the filter; <paramref name="error"/> says in plain words what is wrong.</summary>
    public static bool TryRead(IQueryCollection query, DateOnly today, IReadOnlyList<string> tenants, out ConsoleFilter filter, out string? error)
    {
        error = null;
        filter = new ConsoleFilter(today.AddDays(1 - DefaultDays), today, null, false);
        if (!TryDate(query, "from", filter.From, out var from, ref error) || !TryDate(query, "to", filter.To, out var to, ref error))
        {
            return false;
        }

        if (from > to)
        {
            error = $"'from' ({Iso(from)}) is after 'to' ({Iso(to)}).";
            return false;
        }

        if (to.DayNumber - from.DayNumber + 1 > MaxDays)
        {
            error = $"The period is {to.DayNumber - from.DayNumber + 1} days long; at most {MaxDays} are shown at once.";
            return false;
        }

        string? tenant = query["tenant"].ToString();
        if (tenant.Length == 0)
        {
            tenant = null;
        }
        else if (tenant.Length > MaxTenantLength || tenant.Any(char.IsControl))
        {
            error = $"'tenant' must be at most {MaxTenantLength} printable characters.";
            return false;
        }
        else if (tenants.Count < MaxTenantsListed && !tenants.Contains(tenant, StringComparer.Ordinal))
        {
            // A complete list names every tenant, so anything else is a typo; past the listed maximum any
            // well-formed tenant is asked for.
            error = $"The tenant '{Truncate(tenant)}' has no record in the ledger.";
            return false;
        }

        var by = query["by"].ToString();
        if (by.Length > 0 && by is not ("day" or "week"))
        {
            error = $"'by' must be 'day' or 'week', not '{Truncate(by)}'.";
            return false;
        }

        filter = new ConsoleFilter(from, to, tenant, by == "week");
        return true;
    }

    public static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static bool TryDate(IQueryCollection query, string name, DateOnly fallback, out DateOnly value, ref string? error)
    {
        value = fallback;
        var values = query[name];
        if (values.Count > 1)
        {
            error = $"'{name}' is given {values.Count} times.";
            return false;
        }

        var text = values.ToString();
        if (text.Length == 0)
        {
            return true;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out value) || value.Year < 2000 || value.Year > 9000)
        {
            error = $"'{name}' must be a date written yyyy-MM-dd (for example 2026-09-01), not '{Truncate(text)}'.";
            return false;
        }

        return true;
    }

    private static string Truncate(string text) => text.Length > 64 ? text[..64] + "…" : text;
}
