using System.CommandLine;
using Spectre.Console;

namespace Ent.Consent.Cli.Commands;

/// <summary><c>ent-consent check appsettings.json</c>: validates a catalogue offline, with start-up's sentences.</summary>
internal static class CheckCommand
{
    public static Command Create(Func<ParseResult, CliConsole> io)
    {
        var file = new Argument<string>("appsettings") { Description = "The appsettings.json file whose EntConsent section to validate." };
        var development = new Option<bool>("--development") { Description = "Accept http: privacy links, as a portal does in the Development environment." };
        var command = new Command("check", "Validates the EntConsent section of an appsettings.json file (the policy, then the tenants and every other option) with the same checks and sentences as the portal's start-up. Exit 2 with every problem listed.")
        {
            file,
            development,
        };
        command.SetAction((result, _) =>
        {
            var console = io(result);
            var path = result.GetRequiredValue(file);
            var configuration = PolicyFile.LoadConfiguration(path);
            var (options, problems) = PolicyFile.Read(configuration, path, result.GetValue(development));
            var subjectKeyFromRunTime = false;
            if (problems.Count == 0)
            {
                // The policy holds; now everything else the section sets (tenants, cookie, joint consent, options).
                (problems, subjectKeyFromRunTime) = EntConsentSection.Check(configuration, result.GetValue(development));
            }

            ConsentPolicy? policy = problems.Count == 0 ? ConsentPolicy.Create(options) : null;
            var notes = subjectKeyFromRunTime ? new[] { "EntConsent:SubjectKey is not in the file: it must come from the environment or a secret store at run time (not checked)." } : [];
            if (console.IsJson)
            {
                console.WriteJson(new
                {
                    file = path,
                    valid = policy is not null,
                    problems,
                    warnings = policy?.Warnings ?? [],
                    notes,
                    policyVersion = policy?.Version,
                    services = policy?.Services.Select(static s => new { s.Id, s.Category }).ToArray() ?? [],
                });
            }
            else if (policy is null)
            {
                console.Problem($"'{path}' declares an invalid policy ({problems.Count} problem{(problems.Count == 1 ? "" : "s")}):");
                foreach (var problem in problems)
                {
                    console.Error.WriteLine($"  - {problem}");
                }
            }
            else
            {
                console.Output.WriteLine($"{path}: valid, policy version {policy.Version}.");
                var table = new Table().AddColumns("service", "category", "cookies");
                foreach (var service in policy.Services)
                {
                    table.AddRow(Markup.Escape(service.Id), service.Category.ToString(), Markup.Escape(string.Join(", ", service.Cookies.Select(static c => c.Name))));
                }

                console.Ansi.Write(table);
                foreach (var warning in policy.Warnings)
                {
                    console.Error.WriteLine($"warning: {warning}");
                }

                foreach (var note in notes)
                {
                    console.Error.WriteLine($"note: {note}");
                }
            }

            return Task.FromResult(policy is null ? ExitCodes.UsageOrConfiguration : ExitCodes.Ok);
        });
        return command;
    }
}
