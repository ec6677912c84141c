using System.CommandLine;

namespace Ent.Consent.Cli.Commands;

internal static class ScanCommand
{
    public static Command Create(Func<ParseResult, CliConsole> io)
    {
        _ = io;
        return new Command("scan", "TODO");
    }
}
