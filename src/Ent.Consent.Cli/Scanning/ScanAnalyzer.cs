using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ent.Consent.Cli.Scanning;

/// <summary>Classifies what the passes saw against a policy and names every rule broken.</summary>
internal static class ScanAnalyzer
{
    public const string BeforeChoice = "consent-required-before-choice";
    public const string AfterRefusal = "consent-required-after-refusal";
    public const string ExemptLifetime = "exempt-cookie-over-13-months";
    public const string Undeclared = "undeclared";

    // The browser counts an expiry from when it got the response, to the second, and shifts it by the response's
    // Date header: a minute covers that.
    private static readonly TimeSpan LifetimeSlack = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan ClockShiftWorthSaying = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DateLagWorthSaying = TimeSpan.FromSeconds(5);

    public static ScanReport Analyze(Uri site, DateTimeOffset scannedAt, string policyName, ConsentPolicy policy, IReadOnlyList<PassObservation> passes)
    {
        var findings = new List<ScanFinding>();
        var violations = new List<ScanViolation>();
        var warnings = new List<string>();
        foreach (var pass in passes.Where(static p => p.Pass != ScanPass.NoChoice && p.Banner is null))
        {
            warnings.Add($"Pass {Wire(pass.Pass)}: no consent banner button was found, so the pass ran without a choice.");
        }

        foreach (var pass in passes.Where(static p => p.Banner?.EndsWith("(still shown after pressing)", StringComparison.Ordinal) == true))
        {
            warnings.Add($"Pass {Wire(pass.Pass)}: the banner was still shown after its button was pressed; the choice may not have been taken.");
        }

        foreach (var pass in passes.Where(static p => p.ClockShift.Duration() >= ClockShiftWorthSaying))
        {
            warnings.Add($"Pass {Wire(pass.Pass)}: the machine's clock moved by {pass.ClockShift.TotalSeconds:0} s against its monotonic clock during the pass; cookie lifetimes were judged with that much more slack.");
        }

        foreach (var pass in passes.Where(static p => p.ServerDateLag >= DateLagWorthSaying))
        {
            warnings.Add($"Pass {Wire(pass.Pass)}: the site's Date header lagged the machine's clock by up to {pass.ServerDateLag.TotalSeconds:0} s; browsers lengthen cookie lifetimes by that lag, so they were judged with that much more slack.");
        }

        // Cookies: one finding per name and domain, with every pass that saw it.
        foreach (var group in passes.SelectMany(static p => p.Cookies.Select(c => (p.Pass, Cookie: c, Slack: LifetimeSlack + p.ClockShift.Duration() + (p.ServerDateLag > TimeSpan.Zero ? p.ServerDateLag : TimeSpan.Zero)))).GroupBy(static x => (x.Cookie.Name, x.Cookie.Domain)))
        {
            var (name, domain) = group.Key;
            var classification = policy.Classifier.Classify(name, domain.TrimStart('.'));
            var seen = group.Select(static x => x.Pass).Distinct().Order().ToArray();
            // The longest lifetime seen is the one that matters for the cap.
            var longest = group.MaxBy(static x => x.Cookie.Expires is { } e ? (e - x.Cookie.ObservedAt).Ticks : long.MinValue);
            var cookie = longest.Cookie;
            double? days = cookie.Expires is { } expires ? Math.Round((expires - cookie.ObservedAt).TotalDays, 1) : null;
            findings.Add(new ScanFinding("cookie", name, domain, classification.Service?.Id, classification.Category, classification.IsKnown, seen, cookie.Expires, days, cookie.HttpOnly));
            AddConsentViolations(violations, "cookie", name, classification.Category, classification.IsKnown, seen);
            if (classification.Category == ServiceCategory.ExemptAudience)
            {
                foreach (var (pass, observed, slack) in group)
                {
                    // Set during this pass, so its first deposit was no earlier than the pass: its deadline is no later.
                    var deadline = RegulatoryDurations.ExemptAudienceCookieDeadline(observed.ObservedAt);
                    if (observed.Expires is { } e && e > deadline + slack)
                    {
                        violations.Add(new ScanViolation(ExemptLifetime, "cookie", name, pass,
                            $"Exempt audience cookie '{name}' expires {Instant(e)} ({days} days), past the 13-month cap ({RegulatoryDurations.ExemptAudienceCookieMaxLifetime}): seen at {Instant(observed.ObservedAt)}, so deposited no later, it may expire at {Instant(deadline)} at the latest ({slack.TotalSeconds:0} s allowed for clocks)."));
                        break;
                    }
                }
            }
        }

        foreach (var group in passes.SelectMany(static p => p.StorageKeys.Select(k => (p.Pass, Key: k))).GroupBy(static x => (x.Key.Area, x.Key.Key)))
        {
            var (service, isKnown) = Match(policy, static s => s.StorageKeys, key => MatchesName(group.Key.Key, key));
            var category = service?.Category ?? ServiceCategory.ConsentRequired;
            var seen = group.Select(static x => x.Pass).Distinct().Order().ToArray();
            findings.Add(new ScanFinding(group.Key.Area, group.Key.Key, group.First().Key.Origin, service?.Id, category, isKnown, seen, null, null, null));
            AddConsentViolations(violations, group.Key.Area, group.Key.Key, category, isKnown, seen);
        }

        foreach (var group in passes.SelectMany(static p => p.ThirdPartyHosts.Select(h => (p.Pass, Host: h))).GroupBy(static x => x.Host, StringComparer.OrdinalIgnoreCase))
        {
            var (service, isKnown) = Match(policy, static s => s.Hosts, declared => MatchesHost(group.Key, declared));
            var category = service?.Category ?? ServiceCategory.ConsentRequired;
            var seen = group.Select(static x => x.Pass).Distinct().Order().ToArray();
            findings.Add(new ScanFinding("host", group.Key, null, service?.Id, category, isKnown, seen, null, null, null));
            AddConsentViolations(violations, "host", group.Key, category, isKnown, seen);
        }

        findings.Sort(static (a, b) => (a.Kind, a.Name).CompareTo((b.Kind, b.Name)));
        return new ScanReport(site, scannedAt, policyName, policy.Version, passes, findings, violations, warnings, DraftServices(site, findings));
    }

    private static string Instant(DateTimeOffset instant)
        => instant.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public static string Wire(ScanPass pass) => pass switch
    {
        ScanPass.NoChoice => "no-choice",
        ScanPass.RefuseAll => "refuse-all",
        _ => "accept-all",
    };

    private static void AddConsentViolations(List<ScanViolation> violations, string kind, string name, ServiceCategory category, bool isKnown, IReadOnlyList<ScanPass> seen)
    {
        var what = kind == "cookie" ? "Cookie" : kind == "host" ? "Third-party host" : $"{kind} key";
        if (!isKnown)
        {
            violations.Add(new ScanViolation(Undeclared, kind, name, null, $"{what} '{name}' is declared by no service of the policy, so it counts as consent-required."));
        }

        if (category != ServiceCategory.ConsentRequired)
        {
            return;
        }

        if (seen.Contains(ScanPass.NoChoice))
        {
            violations.Add(new ScanViolation(BeforeChoice, kind, name, ScanPass.NoChoice, $"{what} '{name}' needs consent but was there before any choice."));
        }

        if (seen.Contains(ScanPass.RefuseAll))
        {
            violations.Add(new ScanViolation(AfterRefusal, kind, name, ScanPass.RefuseAll, $"{what} '{name}' needs consent but was there after \"refuse all\"."));
        }
    }

    private static (ServiceDefinition? Service, bool IsKnown) Match(ConsentPolicy policy, Func<ServiceDefinition, IReadOnlyList<string>> declared, Func<string, bool> matches)
    {
        // The strictest category wins, as the classifier does for cookies.
        ServiceDefinition? best = null;
        foreach (var service in policy.Services)
        {
            if (declared(service).Any(matches) && (best is null || Strictness(service.Category) > Strictness(best.Category)))
            {
                best = service;
            }
        }

        return (best, best is not null);
    }

    private static int Strictness(ServiceCategory category) => category switch
    {
        ServiceCategory.Essential => 0,
        ServiceCategory.ExemptAudience => 1,
        _ => 2,
    };

    private static bool MatchesName(string name, string declared)
        => declared.EndsWith('*') ? name.StartsWith(declared[..^1], StringComparison.Ordinal) : string.Equals(name, declared, StringComparison.Ordinal);

    private static bool MatchesHost(string host, string declared)
    {
        declared = declared.TrimStart('.');
        return string.Equals(host, declared, StringComparison.OrdinalIgnoreCase)
            || host.EndsWith("." + declared, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A <c>Services</c> array for appsettings.json declaring what no service declares, one service per site; to be completed by hand.</summary>
    private static string? DraftServices(Uri site, List<ScanFinding> findings)
    {
        var undeclared = findings.Where(static f => !f.IsDeclared).ToList();
        if (undeclared.Count == 0)
        {
            return null;
        }

        var services = new JsonArray();
        foreach (var group in undeclared.GroupBy(f => SiteOf(site, f)).OrderBy(static g => g.Key, StringComparer.Ordinal))
        {
            var cookies = new JsonArray();
            foreach (var cookie in group.Where(static f => f.Kind == "cookie"))
            {
                var declaration = new JsonObject { ["Name"] = cookie.Name };
                if (cookie.Domain is { } domain && !IsSameSite(site, domain))
                {
                    declaration["Domain"] = domain;
                }

                declaration["Lifetime"] = cookie.LifetimeDays is { } days ? IsoLifetime(days) : null;
                declaration["HttpOnly"] = cookie.HttpOnly ?? false;
                cookies.Add(declaration);
            }

            var service = new JsonObject
            {
                ["Id"] = Slug(group.Key),
                ["Name"] = new JsonObject { ["fr"] = $"À compléter ({group.Key})", ["en"] = $"To complete ({group.Key})" },
                ["Provider"] = "À compléter",
                ["Purpose"] = "À compléter: essential, audience-measurement, video, social, maps, advertising or one of Purposes",
                ["Category"] = "ConsentRequired",
                ["Cookies"] = cookies,
                ["StorageKeys"] = new JsonArray([.. group.Where(static f => f.Kind is "localStorage" or "sessionStorage").Select(static f => (JsonNode)JsonValue.Create(f.Name)!)]),
                ["Hosts"] = new JsonArray([.. group.Where(static f => f.Kind == "host").Select(static f => (JsonNode)JsonValue.Create(f.Name)!)]),
                ["Source"] = $"ent-consent scan of {site} on {DateTimeOffset.UtcNow:yyyy-MM-dd}",
            };
            services.Add(service);
        }

        return services.ToJsonString(new JsonSerializerOptions(CliConsole.Json) { WriteIndented = true });
    }

    private static string SiteOf(Uri site, ScanFinding finding)
    {
        var host = finding.Kind switch
        {
            "host" => finding.Name,
            "cookie" => finding.Domain?.TrimStart('.') ?? site.Host,
            _ => Uri.TryCreate(finding.Domain, UriKind.Absolute, out var origin) ? origin.Host : site.Host,
        };
        return IsSameSite(site, host) ? site.Host : host;
    }

    private static bool IsSameSite(Uri site, string domain)
    {
        domain = domain.TrimStart('.');
        return string.Equals(domain, site.Host, StringComparison.OrdinalIgnoreCase) || site.Host.EndsWith("." + domain, StringComparison.OrdinalIgnoreCase);
    }

    private static string Slug(string host)
    {
        var chars = host.ToLowerInvariant().Select(static c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray();
        var slug = new string(chars).Trim('-');
        return slug.Length > 64 ? slug[..64] : slug;
    }

    private static string IsoLifetime(double days)
    {
        // Rounded up, so the draft never declares less than what was seen.
        if (days <= 31)
        {
            return string.Create(CultureInfo.InvariantCulture, $"P{Math.Max(1, (int)Math.Ceiling(days))}D");
        }

        return string.Create(CultureInfo.InvariantCulture, $"P{(int)Math.Ceiling(days / 30.4375)}M");
    }
}
