using System.CommandLine;
using Ent.Consent.Cli.Scanning;
using Spectre.Console;

namespace Ent.Consent.Cli.Commands;

/// <summary><c>ent-consent scan &lt;url&gt;</c>: three visits in headless Chromium (no choice, refuse all, accept all).</summary>
internal static class ScanCommand
{
    public static Command Create(Func<ParseResult, CliConsole> io)
    {
        var url = new Argument<string>("url") { Description = "The site's first page (http or https)." };
        var pages = new Option<int>("--pages") { Description = "Same-origin pages visited per pass, the first one included.", DefaultValueFactory = static _ => 10, HelpName = "N" };
        var config = new Option<string>("--config") { Description = "An appsettings.json whose EntConsent:Policy section to classify against (default: every built-in service, exempt profiles counted as consent-required).", HelpName = "appsettings.json" };
        var development = new Option<bool>("--development") { Description = "Accept http: privacy links in --config, as a portal does in the Development environment." };
        var report = new Option<string>("--report") { Description = "Also write the report to this file: .md (Markdown), .html or .json by its extension.", HelpName = "file" };
        var browser = new Option<string>("--browser") { Description = "Chromium to drive (default: ENT_CONSENT_CHROMIUM, then /usr/bin/chromium, chromium-browser or google-chrome).", HelpName = "path" };
        var timeout = new Option<int>("--timeout") { Description = "Seconds a page may take to load.", DefaultValueFactory = static _ => 30, HelpName = "seconds" };
        var command = new Command("scan", "Visits a site three times in headless Chromium (no choice, refuse all, accept all, pressing the site's own banner), lists every cookie, storage key and third-party host, classifies them against the catalogue and flags violations. Exit 1 when there is any.")
        {
            url,
            pages,
            config,
            development,
            report,
            browser,
            timeout,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            var console = io(result);
            var text = result.GetRequiredValue(url);
            if (!Uri.TryCreate(text, UriKind.Absolute, out var start) || start.Scheme is not ("http" or "https"))
            {
                throw new CliUsageException($"'{text}' is not an absolute http or https address.");
            }

            var budget = result.GetValue(pages);
            if (budget < 1)
            {
                throw new CliUsageException("--pages must be at least 1.");
            }

            var reportPath = result.GetValue(report);
            if (reportPath is not null && Path.GetExtension(reportPath).ToLowerInvariant() is not (".md" or ".html" or ".htm" or ".json"))
            {
                throw new CliUsageException($"--report '{reportPath}': give a .md, .html or .json file.");
            }

            var configPath = result.GetValue(config);
            var policy = PolicyFile.Load(configPath, result.GetValue(development));
            var crawler = new SiteCrawler(start, budget, result.GetValue(browser) ?? SiteCrawler.FindChromium(), TimeSpan.FromSeconds(Math.Max(1, result.GetValue(timeout))), Progress(console, out var status));
            var scannedAt = DateTimeOffset.UtcNow;
            IReadOnlyList<PassObservation> passes;
            if (status is null)
            {
                passes = await crawler.CrawlAsync(cancellationToken);
            }
            else
            {
                passes = await console.ErrorAnsi.Status().Spinner(Spinner.Known.Dots).StartAsync("Starting Chromium", async context =>
                {
                    status.Context = context;
                    return await crawler.CrawlAsync(cancellationToken);
                });
            }

            var scan = ScanAnalyzer.Analyze(start, scannedAt, configPath is null ? "the built-in catalogue" : configPath, policy, passes);
            if (reportPath is not null)
            {
                var content = Path.GetExtension(reportPath).ToLowerInvariant() switch
                {
                    ".md" => ScanReportWriter.ToMarkdown(scan),
                    ".json" => ScanReportWriter.ToJson(scan),
                    _ => ScanReportWriter.ToHtml(scan),
                };
                await File.WriteAllTextAsync(reportPath, content, cancellationToken);
                await console.Error.WriteLineAsync($"Report written to {reportPath}.");
            }

            if (console.IsJson)
            {
                console.Output.WriteLine(ScanReportWriter.ToJson(scan));
            }
            else
            {
                WriteTables(console, scan);
            }

            return scan.HasViolations ? ExitCodes.Findings : ExitCodes.Ok;
        });
        return command;
    }

    private sealed class StatusHolder
    {
        public StatusContext? Context { get; set; }
    }

    private static Action<string> Progress(CliConsole console, out StatusHolder? status)
    {
        if (console.ErrorIsInteractive)
        {
            var holder = new StatusHolder();
            status = holder;
            return message => holder.Context?.Status(Markup.Escape(message));
        }

        // A pipe or a CI log: one plain line per step.
        status = null;
        return message => console.Error.WriteLine(message);
    }

    private static void WriteTables(CliConsole console, ScanReport scan)
    {
        var ansi = console.Ansi;
        ansi.WriteLine($"Scan of {scan.Site} against {scan.Policy} (policy {scan.PolicyVersion})");
        var passes = new Table().AddColumns("pass", "banner", "pages", "cookies", "storage keys", "third-party hosts");
        foreach (var pass in scan.Passes)
        {
            passes.AddRow(ScanAnalyzer.Wire(pass.Pass), pass.Banner ?? "none pressed", pass.Pages.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                pass.Cookies.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), pass.StorageKeys.Count.ToString(System.Globalization.CultureInfo.InvariantCulture),
                pass.ThirdPartyHosts.Count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        ansi.Write(passes);
        var findings = new Table().AddColumns("kind", "name", "domain or origin", "service", "category", "lifetime", "HttpOnly", "passes");
        foreach (var f in scan.Findings)
        {
            findings.AddRow(f.Kind, Markup.Escape(f.Name), Markup.Escape(f.Domain ?? ""), f.ServiceId is { } id ? Markup.Escape(id) : "[red]undeclared[/]",
                f.Category.ToString(), ScanReportWriter.Lifetime(f), ScanReportWriter.HttpOnly(f), ScanReportWriter.Passes(f));
        }

        ansi.Write(findings);
        foreach (var warning in scan.Warnings)
        {
            ansi.MarkupLine($"[yellow]warning[/]: {Markup.Escape(warning)}");
        }

        ansi.WriteLine($"{scan.Violations.Count} violation{(scan.Violations.Count == 1 ? "" : "s")}");
        foreach (var violation in scan.Violations)
        {
            ansi.MarkupLine($"  [red]{Markup.Escape(violation.Rule)}[/]: {Markup.Escape(violation.Message)}");
        }

        if (scan.DraftServices is { } draft)
        {
            ansi.WriteLine();
            ansi.WriteLine("Draft declaration of the undeclared items (complete it, then add it to EntConsent:Policy:Services):");
            console.Output.WriteLine(draft);
        }
    }
}
