using System.Collections.Frozen;
using System.Globalization;

namespace Ent.Consent.Widget;

/// <summary>
/// The language the widget's texts come out in for a request, and the little grammar that is not a policy text: how
/// lists are joined, the colon, cookie lifetimes in words ("13 mois", "13 شهرًا", "13 miz"). Found like
/// <see cref="LocalizedText.Resolve"/>: the request's UI culture, its parents, then French; so <c>lang</c> and
/// <c>dir</c> always name the language actually shown.
/// </summary>
internal sealed class WidgetLanguage
{
    // Units in order: year, month, day, hour, minute, second.
    private static readonly FrozenDictionary<string, Grammar> Grammars = new Dictionary<string, Grammar>(StringComparer.OrdinalIgnoreCase)
    {
        ["fr"] = new(", ", " et ", "\u00a0: ", Simple(["an", "ans"], ["mois", "mois"], ["jour", "jours"], ["heure", "heures"], ["minute", "minutes"], ["seconde", "secondes"])),
        ["en"] = new(", ", " and ", ": ", Simple(["year", "years"], ["month", "months"], ["day", "days"], ["hour", "hours"], ["minute", "minutes"], ["second", "seconds"])),
        ["de"] = new(", ", " und ", ": ", Simple(["Jahr", "Jahre"], ["Monat", "Monate"], ["Tag", "Tage"], ["Stunde", "Stunden"], ["Minute", "Minuten"], ["Sekunde", "Sekunden"])),
        ["es"] = new(", ", " y ", ": ", Simple(["año", "años"], ["mes", "meses"], ["día", "días"], ["hora", "horas"], ["minuto", "minutos"], ["segundo", "segundos"])),
        ["it"] = new(", ", " e ", ": ", Simple(["anno", "anni"], ["mese", "mesi"], ["giorno", "giorni"], ["ora", "ore"], ["minuto", "minuti"], ["secondo", "secondi"])),
        ["pt"] = new(", ", " e ", ": ", Simple(["ano", "anos"], ["mês", "meses"], ["dia", "dias"], ["hora", "horas"], ["minuto", "minutos"], ["segundo", "segundos"])),
        ["oc"] = new(", ", " e ", ": ", Simple(["an", "ans"], ["mes", "meses"], ["jorn", "jorns"], ["ora", "oras"], ["minuta", "minutas"], ["segonda", "segondas"])),
        ["br"] = new(", ", " ha ", ": ", Breton),
        ["ar"] = new("، ", " و", ": ", Arabic),
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly Grammar _grammar;

    private WidgetLanguage(string name, Grammar grammar)
    {
        Name = name;
        _grammar = grammar;
        IsRightToLeft = CultureInfo.GetCultureInfo(name).TextInfo.IsRightToLeft;
    }

    /// <summary>The language tag for <c>lang</c>: the culture name the texts were found under ("fr", "ar", "fr-CA").</summary>
    public string Name { get; }

    /// <summary>Whether the language is written right to left (Arabic): the widget's roots then carry <c>dir="rtl"</c>.</summary>
    public bool IsRightToLeft { get; }

    /// <summary>The value of <c>dir</c>.</summary>
    public string Direction => IsRightToLeft ? "rtl" : "ltr";

    /// <summary>The colon between a label and its value, with French's non-breaking space before it.</summary>
    public string Colon => _grammar.Colon;

    /// <summary>The language <paramref name="reference"/> is shown in for <paramref name="culture"/>.</summary>
    public static WidgetLanguage For(CultureInfo culture, LocalizedText reference)
    {
        for (var current = culture; !string.IsNullOrEmpty(current.Name); current = current.Parent)
        {
            if (reference.ContainsKey(current.Name))
            {
                return Create(current);
            }
        }

        // Resolve falls back to French when there is a French text, else to any text.
        if (reference.ContainsKey(LocalizedText.DefaultCulture) || reference.Count == 0)
        {
            return Create(CultureInfo.GetCultureInfo(LocalizedText.DefaultCulture));
        }

        return Create(CultureInfo.GetCultureInfo(reference.Keys.First()));
    }

    /// <summary>"a, b et c" in the language.</summary>
    public string Join(IReadOnlyList<string> items) => items.Count switch
    {
        0 => string.Empty,
        1 => items[0],
        _ => string.Join(_grammar.Separator, items.Take(items.Count - 1)) + _grammar.And + items[^1],
    };

    /// <summary>A cookie lifetime in words: "1 an et 1 mois", "13 months", "13 شهرًا".</summary>
    public string Lifetime(CalendarPeriod period)
    {
        int[] counts = [period.Months / 12, period.Months % 12, period.Days, period.Time.Hours, period.Time.Minutes, period.Time.Seconds];
        var parts = new List<string>(counts.Length);
        for (var unit = 0; unit < counts.Length; unit++)
        {
            if (counts[unit] > 0)
            {
                parts.Add(_grammar.Count(counts[unit], unit));
            }
        }

        return parts.Count == 0 ? _grammar.Count(0, 2) : Join(parts);
    }

    private static WidgetLanguage Create(CultureInfo culture)
    {
        var grammar = Grammars.GetValueOrDefault(culture.Name) ?? Grammars.GetValueOrDefault(culture.TwoLetterISOLanguageName) ?? Grammars[LocalizedText.DefaultCulture];
        return new WidgetLanguage(culture.Name, grammar);
    }

    private static Func<int, int, string> Simple(params string[][] units)
        => (count, unit) => Number(count) + " " + units[unit][count == 1 ? 0 : 1];

    // Breton puts the noun in the singular after a number; after 2 ("daou"/"div") it takes the soft mutation.
    private static string Breton(int count, int unit)
    {
        string[][] units = [["bloaz", "vloaz"], ["miz", "viz"], ["deiz", "zeiz"], ["eur", "eur"], ["munut", "vunut"], ["eilenn", "eilenn"]];
        return Number(count) + " " + units[unit][count == 2 ? 1 : 0];
    }

    // Arabic: one and two are said by the noun (شهر واحد، شهران), 3 to 10 take the plural, 11 to 99 the accusative
    // singular (13 شهرًا), 0 and 100 and more the singular.
    private static string Arabic(int count, int unit)
    {
        string[][] units =
        [
            ["سنة واحدة", "سنتان", "سنوات", "سنةً", "سنة"],
            ["شهر واحد", "شهران", "أشهر", "شهرًا", "شهر"],
            ["يوم واحد", "يومان", "أيام", "يومًا", "يوم"],
            ["ساعة واحدة", "ساعتان", "ساعات", "ساعةً", "ساعة"],
            ["دقيقة واحدة", "دقيقتان", "دقائق", "دقيقةً", "دقيقة"],
            ["ثانية واحدة", "ثانيتان", "ثوانٍ", "ثانيةً", "ثانية"],
        ];
        var forms = units[unit];
        var hundreds = count % 100;
        return count switch
        {
            1 => forms[0],
            2 => forms[1],
            _ when count > 0 && hundreds is >= 3 and <= 10 => Number(count) + " " + forms[2],
            _ when hundreds is >= 11 and <= 99 => Number(count) + " " + forms[3],
            _ => Number(count) + " " + forms[4],
        };
    }

    private static string Number(int count) => count.ToString(CultureInfo.InvariantCulture);

    private sealed record Grammar(string Separator, string And, string Colon, Func<int, int, string> Count);
}
