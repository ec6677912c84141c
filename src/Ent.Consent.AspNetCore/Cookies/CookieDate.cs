namespace Ent.Consent.AspNetCore.Cookies;

/// <summary>
/// Reads a cookie's <c>Expires</c> date the way browsers do (RFC 6265 §5.1.1), not the way .NET's HTTP date parser
/// does: the two disagree on two-digit years (<c>01 Jan 50</c> is 2050 to a browser, 1950 to .NET), and a filter that
/// reads a date differently from the browser can be walked past.
/// </summary>
internal static class CookieDate
{
    /// <summary>
    /// The date a browser reads in <paramref name="text"/>, or false when a browser ignores the attribute.
    /// <paramref name="fourDigitYear"/> tells whether the year was written in full: only then do all browsers agree.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> text, out DateTimeOffset date, out bool fourDigitYear)
    {
        date = default;
        fourDigitYear = false;
        int hour = -1, minute = -1, second = -1, day = -1, month = -1, year = -1, yearDigits = 0;
        var i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && IsDelimiter(text[i]))
            {
                i++;
            }

            var start = i;
            while (i < text.Length && !IsDelimiter(text[i]))
            {
                i++;
            }

            var token = text[start..i];
            if (token.IsEmpty)
            {
                continue;
            }

            // A failed match leaves the field unset: each of the four is taken from the first token that fits it.
            if (hour < 0 && TryTime(token, out var h, out var m, out var sec))
            {
                (hour, minute, second) = (h, m, sec);
            }
            else if (day < 0 && TryDigits(token, 1, 2, out var d, out _))
            {
                day = d;
            }
            else if (month < 0 && TryMonth(token, out var mo))
            {
                month = mo;
            }
            else if (year < 0 && TryDigits(token, 2, 4, out var y, out var digits))
            {
                (year, yearDigits) = (y, digits);
            }
        }

        if (hour < 0 || day < 0 || month < 0 || year < 0)
        {
            return false;
        }

        year += year switch
        {
            >= 70 and <= 99 => 1900,
            >= 0 and <= 69 => 2000,
            _ => 0,
        };
        if (day is < 1 or > 31 || year < 1601 || year > 9999 || hour > 23 || minute > 59 || second > 59 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        date = new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero);
        fourDigitYear = yearDigits == 4;
        return true;
    }

    // delimiter = %x09 / %x20-2F / %x3B-40 / %x5B-60 / %x7B-7E
    private static bool IsDelimiter(char c)
        => c == '\t' || c is (>= ' ' and <= '/') or (>= ';' and <= '@') or (>= '[' and <= '`') or (>= '{' and <= '~');

    // 1*maxDigits DIGIT, then optionally a non-digit and anything.
    private static bool TryDigits(ReadOnlySpan<char> token, int minDigits, int maxDigits, out int value, out int digits)
    {
        value = 0;
        digits = 0;
        while (digits < token.Length && char.IsAsciiDigit(token[digits]))
        {
            digits++;
        }

        if (digits < minDigits || digits > maxDigits)
        {
            return false;
        }

        foreach (var c in token[..digits])
        {
            value = (value * 10) + (c - '0');
        }

        return true;
    }

    // hms-time = time-field ":" time-field ":" time-field, time-field = 1*2DIGIT; then optionally non-digit *OCTET.
    private static bool TryTime(ReadOnlySpan<char> token, out int hour, out int minute, out int second)
    {
        hour = minute = second = -1;
        Span<int> fields = stackalloc int[3];
        var position = 0;
        for (var f = 0; f < 3; f++)
        {
            var digits = 0;
            var value = 0;
            while (position < token.Length && char.IsAsciiDigit(token[position]) && digits < 3)
            {
                value = (value * 10) + (token[position] - '0');
                position++;
                digits++;
            }

            if (digits is < 1 or > 2)
            {
                return false;
            }

            fields[f] = value;
            if (f < 2)
            {
                if (position >= token.Length || token[position] != ':')
                {
                    return false;
                }

                position++;
            }
        }

        if (position < token.Length && char.IsAsciiDigit(token[position]))
        {
            return false;
        }

        (hour, minute, second) = (fields[0], fields[1], fields[2]);
        return true;
    }

    private static bool TryMonth(ReadOnlySpan<char> token, out int month)
    {
        month = -1;
        if (token.Length < 3)
        {
            return false;
        }

        month = token[..3] switch
        {
            var m when m.Equals("jan", StringComparison.OrdinalIgnoreCase) => 1,
            var m when m.Equals("feb", StringComparison.OrdinalIgnoreCase) => 2,
            var m when m.Equals("mar", StringComparison.OrdinalIgnoreCase) => 3,
            var m when m.Equals("apr", StringComparison.OrdinalIgnoreCase) => 4,
            var m when m.Equals("may", StringComparison.OrdinalIgnoreCase) => 5,
            var m when m.Equals("jun", StringComparison.OrdinalIgnoreCase) => 6,
            var m when m.Equals("jul", StringComparison.OrdinalIgnoreCase) => 7,
            var m when m.Equals("aug", StringComparison.OrdinalIgnoreCase) => 8,
            var m when m.Equals("sep", StringComparison.OrdinalIgnoreCase) => 9,
            var m when m.Equals("oct", StringComparison.OrdinalIgnoreCase) => 10,
            var m when m.Equals("nov", StringComparison.OrdinalIgnoreCase) => 11,
            var m when m.Equals("dec", StringComparison.OrdinalIgnoreCase) => 12,
            _ => -1,
        };
        return month > 0;
    }
}
