using System.Globalization;

namespace Ent.Consent.Widget;

/// <summary>Writes a cookie lifetime in words ("13 mois", "1 year and 1 month"), in French or English.</summary>
internal static class LifetimeText
{
    public static bool IsEnglish(CultureInfo culture) => culture.TwoLetterISOLanguageName == "en";

    public static string Format(CalendarPeriod period, CultureInfo culture)
    {
        var english = IsEnglish(culture);
        var parts = new List<string>(4);
        Add(parts, period.Months / 12, english ? "year" : "an", english ? "years" : "ans");
        Add(parts, period.Months % 12, english ? "month" : "mois", english ? "months" : "mois");
        Add(parts, period.Days, english ? "day" : "jour", english ? "days" : "jours");
        Add(parts, period.Time.Hours, english ? "hour" : "heure", english ? "hours" : "heures");
        Add(parts, period.Time.Minutes, "minute", "minutes");
        Add(parts, period.Time.Seconds, english ? "second" : "seconde", english ? "seconds" : "secondes");
        if (parts.Count == 0)
        {
            return english ? "0 days" : "0 jour";
        }

        var and = english ? " and " : " et ";
        return parts.Count == 1 ? parts[0] : string.Join(", ", parts.Take(parts.Count - 1)) + and + parts[^1];
    }

    private static void Add(List<string> parts, int count, string one, string many)
    {
        if (count > 0)
        {
            parts.Add(count.ToString(CultureInfo.InvariantCulture) + " " + (count == 1 ? one : many));
        }
    }
}
