using System.CommandLine;
using System.Data.Common;
using Ent.Consent.Cli.Commands;

namespace Ent.Consent.Cli;

/// <summary>
/// The <c>ent-consent</c> command line: <c>scan</c>, <c>check</c>, <c>verify</c>, <c>export</c>, <c>purge</c>.
/// The tool's <c>Main</c> calls <see cref="RunAsync"/>; tests call it the same way with their own writers.
/// </summary>
public static class EntConsentCli
{
    /// <summary>Parses <paramref name="args"/>, runs the command and returns its exit code (see <see cref="ExitCodes"/>).</summary>
    /// <param name="args">The arguments after the command name.</param>
    /// <param name="output">Where results go (tables, JSON, reports printed to the console).</param>
    /// <param name="error">Where problems and progress go.</param>
    /// <param name="cancellationToken">Stops the command (Ctrl+C).</param>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var json = new Option<bool>("--json") { Description = "Write the result as JSON on standard output (progress and problems stay on standard error).", Recursive = true };
        var root = new RootCommand("Audits the cookies of a site and manages the consent proofs of Ent.Consent. Exit codes: 0 ok, 1 findings (violations, broken chain), 2 usage or configuration error, 3 site, browser or database unreachable, 130 cancelled.")
        {
            json,
        };
        CliConsole Io(ParseResult result) => new(output, error, result.GetValue(json));
        root.Add(ScanCommand.Create(Io));
        root.Add(CheckCommand.Create(Io));
        foreach (var command in StoreCommands.Create(Io))
        {
            root.Add(command);
        }

        root.Add(CheckpointCommand.Create(Io));

        var parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var parseError in parsed.Errors)
            {
                await error.WriteLineAsync($"ent-consent: {parseError.Message}");
            }

            await error.WriteLineAsync("Run 'ent-consent --help' for the commands and their options.");
            return ExitCodes.UsageOrConfiguration;
        }

        try
        {
            return await parsed.InvokeAsync(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false }, cancellationToken);
        }
        catch (CliUsageException e)
        {
            foreach (var problem in e.Problems)
            {
                await error.WriteLineAsync($"ent-consent: {problem}");
            }

            return ExitCodes.UsageOrConfiguration;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("ent-consent: cancelled.");
            return ExitCodes.Cancelled;
        }
        catch (Exception e) when (e is CliUnavailableException or ConsentProofStoreUnavailableException or DbException)
        {
            await error.WriteLineAsync($"ent-consent: {e.Message}");
            return ExitCodes.Unavailable;
        }
    }
}
