using System.Text.Json;

namespace Ent.Consent.Cli.Tests;

/// <summary>One run of <c>ent-consent</c> through its real entry point, with what it wrote.</summary>
internal sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static async Task<CliRun> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await EntConsentCli.RunAsync(args, output, error);
        return new CliRun(code, output.ToString(), error.ToString());
    }

    public JsonElement Json()
    {
        try
        {
            return JsonDocument.Parse(Output).RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"Not JSON (exit {ExitCode}): {Output}\nstderr: {Error}", e);
        }
    }

    public override string ToString() => $"exit {ExitCode}\nstdout:\n{Output}\nstderr:\n{Error}";
}

/// <summary>Files of the repository the tests read (the sample portal's appsettings.json).</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    public static string PortalSettings => Path.Combine(Root, "samples", "Ent.Portal", "appsettings.json");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ent.Consent.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Ent.Consent.sln not found above the test assembly.");
    }
}

/// <summary>A temporary folder deleted afterwards.</summary>
internal sealed class TempFolder : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("ent-consent-cli-").FullName;

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS to clean.
        }
    }
}
