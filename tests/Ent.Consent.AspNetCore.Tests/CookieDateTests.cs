using Ent.Consent.AspNetCore.Cookies;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>Cookie dates read as browsers read them (RFC 6265 §5.1.1), not as .NET's HTTP date parser does.</summary>
public sealed class CookieDateTests
{
    [Theory]
    [InlineData("Thu, 01 Jan 1970 00:00:00 GMT", "1970-01-01T00:00:00Z", true)]
    [InlineData("Sun, 01 Jan 50 00:00:00 GMT", "2050-01-01T00:00:00Z", false)]
    [InlineData("Fri, 01 Jan 99 00:00:00 GMT", "1999-01-01T00:00:00Z", false)]
    [InlineData("Sunday, 06-Nov-94 08:49:37 GMT", "1994-11-06T08:49:37Z", false)]
    [InlineData("Sun Nov  6 08:49:37 1994", "1994-11-06T08:49:37Z", true)]
    [InlineData("6 NOVEMBER 2050 8:9:7", "2050-11-06T08:09:07Z", true)]
    [InlineData("Wed, 31 Dec 2025 23:59:59 +0100", "2025-12-31T23:59:59Z", true)]
    public void A_date_is_read_as_a_browser_reads_it(string text, string expected, bool fourDigitYear)
    {
        Assert.True(CookieDate.TryParse(text, out var date, out var full));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), date);
        Assert.Equal(fourDigitYear, full);
    }

    [Theory]
    [InlineData("")]
    [InlineData("2050-01-01")]
    [InlineData("Thu, 31 Feb 2030 00:00:00 GMT")]
    [InlineData("Thu, 01 Jan 1600 00:00:00 GMT")]
    [InlineData("Thu, 01 Jan 2030 24:00:00 GMT")]
    [InlineData("Thu, 01 Jan 2030")]
    [InlineData("tomorrow")]
    public void A_date_a_browser_ignores_is_not_read(string text)
        => Assert.False(CookieDate.TryParse(text, out _, out _));
}
