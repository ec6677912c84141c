using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ent.Consent.Cli.Scanning;

/// <summary>Writes a <see cref="ScanReport"/> as JSON, Markdown or HTML.</summary>
internal static class ScanReportWriter
{
    public static string ToJson(ScanReport report) => JsonSerializer.Serialize(new
    {
        format = "ent-consent/scan/1",
        site = report.Site,
        report.ScannedAt,
        report.Policy,
        report.PolicyVersion,
        violationCount = report.Violations.Count,
        report.Violations,
        report.Warnings,
        report.Findings,
        passes = report.Passes.Select(static p => new { p.Pass, p.Banner, p.Pages, cookieCount = p.Cookies.Count, storageKeyCount = p.StorageKeys.Count, p.ThirdPartyHosts }),
        draftServices = report.DraftServices is { } draft ? JsonNode.Parse(draft) : null,
    }, CliConsole.Json);

    public static string ToMarkdown(ScanReport report)
    {
        var md = new StringBuilder();
        md.Append(CultureInfo.InvariantCulture, $"# Cookie scan of {report.Site}\n\n");
        md.Append(CultureInfo.InvariantCulture, $"Scanned {report.ScannedAt:yyyy-MM-dd HH:mm} UTC against {report.Policy} (policy version `{report.PolicyVersion}`).\n\n");
        md.Append("| pass | banner | pages |\n|---|---|---|\n");
        foreach (var pass in report.Passes)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {ScanAnalyzer.Wire(pass.Pass)} | {pass.Banner ?? "none pressed"} | {pass.Pages.Count} |\n");
        }

        md.Append(CultureInfo.InvariantCulture, $"\n## Violations ({report.Violations.Count})\n\n");
        if (report.Violations.Count == 0)
        {
            md.Append("None.\n");
        }

        foreach (var violation in report.Violations)
        {
            md.Append(CultureInfo.InvariantCulture, $"- **{violation.Rule}**: {Cell(violation.Message)}\n");
        }

        foreach (var warning in report.Warnings)
        {
            md.Append(CultureInfo.InvariantCulture, $"\n> Warning: {warning}\n");
        }

        md.Append("\n## What the browser held\n\n| kind | name | domain or origin | service | category | lifetime | HttpOnly | passes |\n|---|---|---|---|---|---|---|---|\n");
        foreach (var f in report.Findings)
        {
            md.Append(CultureInfo.InvariantCulture, $"| {f.Kind} | `{Cell(f.Name)}` | {Cell(f.Domain ?? "")} | {Cell(f.ServiceId ?? "**undeclared**")} | {f.Category} | {Lifetime(f)} | {HttpOnly(f)} | {Passes(f)} |\n");
        }

        if (report.DraftServices is { } draft)
        {
            md.Append("\n## Draft declaration of the undeclared items\n\nComplete it, then add it to `EntConsent:Policy:Services` in appsettings.json:\n\n```json\n").Append(draft).Append("\n```\n");
        }

        return md.ToString();
    }

    public static string ToHtml(ScanReport report)
    {
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
        html.Append(CultureInfo.InvariantCulture, $"<title>Cookie scan of {E(report.Site.ToString())}</title>\n");
        html.Append("<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:80rem}table{border-collapse:collapse}th,td{border:1px solid #999;padding:.25rem .5rem;text-align:left}.bad{color:#a00;font-weight:bold}pre{background:#f4f4f4;padding:1rem;overflow:auto}</style>\n</head>\n<body>\n");
        html.Append(CultureInfo.InvariantCulture, $"<h1>Cookie scan of {E(report.Site.ToString())}</h1>\n<p>Scanned {report.ScannedAt:yyyy-MM-dd HH:mm} UTC against {E(report.Policy)} (policy version <code>{E(report.PolicyVersion)}</code>).</p>\n");
        html.Append("<table><thead><tr><th scope=\"col\">pass</th><th scope=\"col\">banner</th><th scope=\"col\">pages</th></tr></thead><tbody>\n");
        foreach (var pass in report.Passes)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{ScanAnalyzer.Wire(pass.Pass)}</td><td>{E(pass.Banner ?? "none pressed")}</td><td>{pass.Pages.Count}</td></tr>\n");
        }

        html.Append(CultureInfo.InvariantCulture, $"</tbody></table>\n<h2>Violations ({report.Violations.Count})</h2>\n");
        html.Append(report.Violations.Count == 0 ? "<p>None.</p>\n" : "<ul>\n");
        foreach (var violation in report.Violations)
        {
            html.Append(CultureInfo.InvariantCulture, $"<li><span class=\"bad\">{E(violation.Rule)}</span>: {E(violation.Message)}</li>\n");
        }

        html.Append(report.Violations.Count == 0 ? "" : "</ul>\n");
        foreach (var warning in report.Warnings)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p><strong>Warning:</strong> {E(warning)}</p>\n");
        }

        html.Append("<h2>What the browser held</h2>\n<table><thead><tr>");
        foreach (var column in new[] { "kind", "name", "domain or origin", "service", "category", "lifetime", "HttpOnly", "passes" })
        {
            html.Append(CultureInfo.InvariantCulture, $"<th scope=\"col\">{column}</th>");
        }

        html.Append("</tr></thead><tbody>\n");
        foreach (var f in report.Findings)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(f.Kind)}</td><td><code>{E(f.Name)}</code></td><td>{E(f.Domain)}</td><td{(f.IsDeclared ? "" : " class=\"bad\"")}>{E(f.ServiceId ?? "undeclared")}</td><td>{f.Category}</td><td>{E(Lifetime(f))}</td><td>{HttpOnly(f)}</td><td>{E(Passes(f))}</td></tr>\n");
        }

        html.Append("</tbody></table>\n");
        if (report.DraftServices is { } draft)
        {
            html.Append("<h2>Draft declaration of the undeclared items</h2>\n<p>Complete it, then add it to <code>EntConsent:Policy:Services</code> in appsettings.json:</p>\n<pre><code>").Append(E(draft)).Append("</code></pre>\n");
        }

        return html.Append("</body>\n</html>\n").ToString();
    }

    public static string Lifetime(ScanFinding finding) => finding.Kind != "cookie"
        ? ""
        : finding.LifetimeDays is { } days ? string.Create(CultureInfo.InvariantCulture, $"{days:0.#} days") : "session";

    public static string HttpOnly(ScanFinding finding) => finding.HttpOnly is { } httpOnly ? (httpOnly ? "yes" : "no") : "";

    public static string Passes(ScanFinding finding) => string.Join(", ", finding.Passes.Select(ScanAnalyzer.Wire));

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
