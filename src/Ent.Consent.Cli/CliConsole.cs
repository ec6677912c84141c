using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Spectre.Console;

namespace Ent.Consent.Cli;

/// <summary>Where a command writes: results to the output, progress and problems to the error stream.</summary>
internal sealed class CliConsole
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        // Names and texts are French: keep "é" readable in reports; the output is never embedded in HTML.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public CliConsole(TextWriter output, TextWriter error, bool json)
    {
        Output = output;
        Error = error;
        IsJson = json;
        Ansi = CreateAnsi(output, ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected);
        ErrorAnsi = CreateAnsi(error, ReferenceEquals(error, Console.Error) && !Console.IsErrorRedirected);
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    /// <summary>Whether results are written as JSON (<c>--json</c>) instead of tables.</summary>
    public bool IsJson { get; }

    /// <summary>Tables on the output; plain text (no colours, no cursor moves) unless it is a terminal.</summary>
    public IAnsiConsole Ansi { get; }

    /// <summary>Progress on the error stream, so that it never mixes with a result a script reads.</summary>
    public IAnsiConsole ErrorAnsi { get; }

    public bool ErrorIsInteractive => ErrorAnsi.Profile.Capabilities.Interactive;

    public void WriteJson<T>(T value) => Output.WriteLine(JsonSerializer.Serialize(value, Json));

    public void Problem(string message) => Error.WriteLine($"ent-consent: {message}");

    private static IAnsiConsole CreateAnsi(TextWriter writer, bool terminal)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = terminal ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = terminal ? InteractionSupport.Detect : InteractionSupport.No,
        });
        if (!terminal)
        {
            // A file or a pipe: wide enough that tables do not wrap every cell.
            console.Profile.Width = 200;
        }

        return console;
    }
}
