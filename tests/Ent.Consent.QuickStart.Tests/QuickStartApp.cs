using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace Ent.Consent.QuickStart.Tests;

/// <summary>
/// A new Razor Pages application made with <c>dotnet new webapp</c>, changed as the README says, built against the
/// packed packages and running on 127.0.0.1.
/// </summary>
public sealed partial class QuickStartApp : IAsyncLifetime
{
    private readonly StringBuilder _output = new();
    private string _folder = string.Empty;
    private Process? _server;

    public Uri Address { get; private set; } = null!;

    /// <summary>Everything the build and the server wrote, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        if (QuickStart.SkipReason is not null)
        {
            return;
        }

        var version = QuickStart.PackageVersion()
            ?? throw new InvalidOperationException($"CI=true but {QuickStart.PackagesFolder} holds no Ent.Consent.AspNetCore package: test.sh packs before testing.");
        _folder = Directory.CreateTempSubdirectory("ent-consent-quickstart-").FullName;
        var blocks = QuickStart.Blocks();
        var shell = blocks.Single(static b => b.Target == "shell").Code;
        Assert.Contains("dotnet new webapp -o MyPortal", shell);
        var project = Path.Combine(_folder, "MyPortal");

        // Templates ship with the SDK: no network, and no update check that would wait for one.
        await RunAsync(_folder, "new", "webapp", "-o", "MyPortal", "--no-update-check", "--no-restore");

        // `dotnet add package` lines, pinned to the packed version (restore below reads the local feed).
        var packages = AddPackage().Matches(shell).Select(static m => m.Groups[1].Value).ToList();
        Assert.Equal(["Ent.Consent.AspNetCore", "Ent.Consent.Widget", "Ent.Consent.Sqlite"], packages);
        var csproj = Path.Combine(project, "MyPortal.csproj");
        var references = string.Concat(packages.Select(p => $"    <PackageReference Include=\"{p}\" Version=\"{version}\" />\n"));
        File.WriteAllText(csproj, File.ReadAllText(csproj).Replace("</Project>", $"  <ItemGroup>\n{references}  </ItemGroup>\n</Project>", StringComparison.Ordinal));

        foreach (var (target, code) in blocks.Where(static b => b.Target != "shell"))
        {
            Apply(project, target, code);
        }

        // A private packages folder keeps a stale cached copy of the same version out; only Ent.Consent's packages
        // are removed from it, so their dependencies are not fetched again on every run.
        var packagesPath = Path.Combine(QuickStart.RepositoryRoot, "artifacts", "quickstart-packages");
        if (Directory.Exists(packagesPath))
        {
            foreach (var stale in Directory.EnumerateDirectories(packagesPath, "ent.consent*"))
            {
                Directory.Delete(stale, recursive: true);
            }
        }

        await RunAsync(project, "build", "-c", "Release", "-nologo", "-nodeReuse:false", "--disable-build-servers",
            $"-p:RestoreAdditionalProjectSources={QuickStart.PackagesFolder}", $"-p:RestorePackagesPath={packagesPath}");

        await StartServerAsync(project);
    }

    public Task DisposeAsync()
    {
        if (_server is { HasExited: false })
        {
            _server.Kill(entireProcessTree: true);
            _server.WaitForExit(10_000);
        }

        _server?.Dispose();
        if (_folder.Length > 0)
        {
            try
            {
                Directory.Delete(_folder, recursive: true);
            }
            catch (IOException)
            {
                // A file still held by the dying server; the temp folder is cleaned by the system.
            }
        }

        return Task.CompletedTask;
    }

    private static void Apply(string project, string target, string code)
    {
        var match = Edit().Match(target);
        Assert.True(match.Success, $"README marker 'quickstart: {target}' is not '<file> [append|before <text>|after <text>]'.");
        var path = Path.Combine(project, match.Groups["file"].Value);
        var how = match.Groups["how"].Value;
        var anchor = match.Groups["anchor"].Value;
        if (how.Length == 0)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, code);
            return;
        }

        var text = File.ReadAllText(path);
        if (how == "append")
        {
            File.WriteAllText(path, text.TrimEnd() + Environment.NewLine + code);
            return;
        }

        var at = text.IndexOf(anchor, StringComparison.Ordinal);
        Assert.True(at >= 0, $"The template's {match.Groups["file"].Value} has no '{anchor}' for the README's snippet.");
        var position = how == "before" ? at : at + anchor.Length;
        var insert = how == "before" ? code : Environment.NewLine + code.TrimEnd('\n', '\r');
        File.WriteAllText(path, text.Insert(position, insert));
    }

    private async Task StartServerAsync(string project)
    {
        // As `dotnet run` does: the project folder as working directory, so as content root.
        var start = StartInfo(project, Path.Combine("bin", "Release", "net10.0", "MyPortal.dll"), "--urls", "http://127.0.0.1:0");
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        // Kestrel listens before the start-up checks run; only "Application started" means they passed.
        Uri? address = null;
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        _server = new Process { StartInfo = start };
        _server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                return;
            }

            Append(e.Data);
            if (Listening().Match(e.Data) is { Success: true } url)
            {
                address = new Uri(url.Groups[1].Value.TrimEnd('/') + "/");
            }
            else if (address is not null && e.Data.Contains("Application started", StringComparison.Ordinal))
            {
                listening.TrySetResult(address);
            }
        };
        _server.ErrorDataReceived += (_, e) => Append(e.Data);
        _server.Start();
        _server.BeginOutputReadLine();
        _server.BeginErrorReadLine();
        var exited = _server.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60)));
        if (first != listening.Task)
        {
            throw new InvalidOperationException("The quick-start application did not start:" + Environment.NewLine + Output);
        }

        Address = await listening.Task;
    }

    private async Task RunAsync(string directory, params string[] arguments)
    {
        using var process = new Process { StartInfo = StartInfo(directory, arguments) };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {string.Join(' ', arguments)} took more than 4 minutes:{Environment.NewLine}{Output}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:{Environment.NewLine}{Output}");
        }
    }

    private static ProcessStartInfo StartInfo(string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_NOLOGO"] = "1";
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        return start;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    [GeneratedRegex(@"^dotnet add package (\S+)", RegexOptions.Multiline)]
    private static partial Regex AddPackage();

    [GeneratedRegex(@"^(?<file>\S+)(?: (?<how>append|before|after)(?: (?<anchor>.+))?)?$")]
    private static partial Regex Edit();

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
