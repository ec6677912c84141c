using Ent.Consent.Cli.Scanning;

namespace Ent.Consent.Cli.Tests;

/// <summary>How a scan judges an exempt audience cookie's lifetime, including when the machine's clock moves mid-pass.</summary>
public sealed class ScanAnalyzerTests
{
    private static readonly DateTimeOffset ObservedAt = new(2026, 12, 1, 2, 58, 42, TimeSpan.Zero);
    private static readonly ConsentPolicy Policy = PolicyFile.Load(Repository.PortalSettings, development: false);

    [Fact]
    public void An_audience_cookie_90_s_past_13_months_from_the_pass_is_a_violation_on_a_steady_clock()
    {
        var report = Analyze(ObservedAt.AddMonths(13).AddSeconds(91), clockShift: TimeSpan.Zero);

        Assert.Contains(report.Violations, static v => v.Rule == ScanAnalyzer.ExemptLifetime && v.Name == "ent_audience");
        Assert.Empty(report.Warnings);
    }

    [Fact]
    public void The_same_cookie_is_not_a_violation_when_the_clock_was_stepped_back_during_the_pass_and_the_report_says_so()
    {
        // The browser stamped the cookie before a 100 s step back; the pass's end is then read from the stepped clock.
        var report = Analyze(ObservedAt.AddMonths(13).AddSeconds(91), clockShift: TimeSpan.FromSeconds(-100));

        Assert.DoesNotContain(report.Violations, static v => v.Rule == ScanAnalyzer.ExemptLifetime);
        Assert.Contains(report.Warnings, static w => w.Contains("clock moved by -100 s", StringComparison.Ordinal));
    }

    [Fact]
    public void A_clock_step_widens_the_slack_by_its_size_only()
    {
        // 400 days, what a careless writer asks for, stays a violation whatever the clock did.
        var report = Analyze(ObservedAt.AddDays(400), clockShift: TimeSpan.FromSeconds(-100));

        Assert.Contains(report.Violations, static v => v.Rule == ScanAnalyzer.ExemptLifetime && v.Name == "ent_audience");
    }

    [Fact]
    public void A_site_whose_Date_header_lags_gets_that_lag_as_slack_and_a_warning_but_400_days_stay_a_violation()
    {
        // The browser counts Expires from the Date header: one 100 s behind lengthens a correctly capped cookie by 100 s.
        var capped = Analyze(ObservedAt.AddMonths(13).AddSeconds(91), clockShift: TimeSpan.Zero, dateLag: TimeSpan.FromSeconds(100));
        var careless = Analyze(ObservedAt.AddDays(400), clockShift: TimeSpan.Zero, dateLag: TimeSpan.FromSeconds(100));

        Assert.DoesNotContain(capped.Violations, static v => v.Rule == ScanAnalyzer.ExemptLifetime);
        Assert.Contains(capped.Warnings, static w => w.Contains("Date header lagged the machine's clock by up to 100 s", StringComparison.Ordinal));
        var violation = Assert.Single(careless.Violations, static v => v.Rule == ScanAnalyzer.ExemptLifetime);
        Assert.Contains("seen at 2026-12-01T02:58:42Z", violation.Message, StringComparison.Ordinal);
        Assert.Contains("it may expire at 2028-01-01T02:58:42Z at the latest (160 s allowed for clocks)", violation.Message, StringComparison.Ordinal);
    }

    private static ScanReport Analyze(DateTimeOffset expires, TimeSpan clockShift, TimeSpan dateLag = default)
    {
        var cookie = new ObservedCookie("ent_audience", "127.0.0.1", "/", expires, HttpOnly: true, Secure: false, ObservedAt);
        var pass = new PassObservation(ScanPass.RefuseAll, ["http://127.0.0.1/"], "ent-consent", [cookie], [], [], clockShift, dateLag);
        return ScanAnalyzer.Analyze(new Uri("http://127.0.0.1/"), ObservedAt, "appsettings.json", Policy, [pass]);
    }
}
