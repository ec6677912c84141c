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

    private static ScanReport Analyze(DateTimeOffset expires, TimeSpan clockShift)
    {
        var cookie = new ObservedCookie("ent_audience", "127.0.0.1", "/", expires, HttpOnly: true, Secure: false, ObservedAt);
        var pass = new PassObservation(ScanPass.RefuseAll, ["http://127.0.0.1/"], "ent-consent", [cookie], [], [], clockShift);
        return ScanAnalyzer.Analyze(new Uri("http://127.0.0.1/"), ObservedAt, "appsettings.json", Policy, [pass]);
    }
}
