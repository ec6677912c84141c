using System.Diagnostics;

namespace Ent.Consent.Gateway.Tests;

/// <summary>
/// samples/Gateway/portal.py, the careless portal in Python's standard library, run as its own process on a free
/// port of 127.0.0.1 (it prints its address first) and killed afterwards.
/// </summary>
public sealed class PythonPortal : IAsyncDisposable
{
    private readonly Process _process;

    private PythonPortal(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<PythonPortal> StartAsync()
    {
        var script = Path.Combine(RepositoryRoot(), "samples", "Gateway", "portal.py");
        var start = new ProcessStartInfo("python3", ["-u", script, "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            // Never skipped: a missing interpreter is a broken test machine (eng/test-deps.sh installs python3).
            throw new InvalidOperationException("python3 is not installed; run `bash eng/test-deps.sh install` as root.", exception);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !Uri.TryCreate(line.Trim(), UriKind.Absolute, out var address))
        {
            var error = await process.StandardError.ReadToEndAsync(timeout.Token);
            process.Kill();
            throw new InvalidOperationException($"portal.py did not print its address: {line} {error}");
        }

        return new PythonPortal(process, address);
    }

    internal static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ent.Consent.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Ent.Consent.sln not found above " + AppContext.BaseDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
