using System.Diagnostics;
using System.Globalization;

namespace Ent.Consent.Testing;

/// <summary>
/// A web application of the repository in a process of its own (<c>dotnet X.dll</c>), as a service manager runs it:
/// started on a free port of 127.0.0.1, stopped by SIGTERM. Everything it writes goes to <see cref="LogPath"/>, so a
/// failing test can say what the node logged.
/// </summary>
internal sealed class ServiceProcess : IAsyncDisposable
{
    private const string ListeningOn = "Now listening on: ";
    private readonly Process _process;
    private readonly Task _drain;

    private ServiceProcess(Process process, Uri address, string logPath, Task drain)
    {
        _process = process;
        Address = address;
        LogPath = logPath;
        _drain = drain;
    }

    public Uri Address { get; }

    /// <summary>The file holding the process's standard output and error.</summary>
    public string LogPath { get; }

    /// <summary>Starts <paramref name="assembly"/> (a file name in the test's output folder) and waits until it listens.</summary>
    public static async Task<ServiceProcess> StartAsync(
        string assembly,
        string workingDirectory,
        IEnumerable<KeyValuePair<string, string>> arguments,
        IEnumerable<KeyValuePair<string, string>> environment)
    {
        Directory.CreateDirectory(workingDirectory);
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, assembly));
        foreach (var (key, value) in arguments)
        {
            start.ArgumentList.Add("--" + key);
            start.ArgumentList.Add(value);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var logPath = Path.Combine(workingDirectory, Path.GetFileNameWithoutExtension(assembly) + ".log");
        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"{assembly} did not start.");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        Uri? address = null;
        while (address is null)
        {
            var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            if (line is null)
            {
                await log.WriteAsync(await process.StandardError.ReadToEndAsync());
                await log.DisposeAsync();
                throw new InvalidOperationException($"{assembly} exited before listening:\n{await File.ReadAllTextAsync(logPath)}");
            }

            await log.WriteLineAsync(line);
            var at = line.IndexOf(ListeningOn, StringComparison.Ordinal);
            if (at >= 0)
            {
                address = new Uri(line[(at + ListeningOn.Length)..].Trim());
            }
        }

        // Keep reading, or a full pipe would block the application's logging.
        var drain = DrainAsync(process, log);
        return new ServiceProcess(process, address, logPath, drain);
    }

    /// <summary>SIGTERM, as a service manager stops it, and waits for the graceful shutdown.</summary>
    public async Task StopAsync()
    {
        using (var kill = Process.Start("kill", ["-15", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(deadline.Token);
        await _drain;
    }

    /// <summary>What the process has logged so far.</summary>
    public string ReadLog()
    {
        using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        await _drain;
        _process.Dispose();
    }

    private static async Task DrainAsync(Process process, StreamWriter log)
    {
        var gate = new SemaphoreSlim(1);
        async Task CopyAsync(StreamReader from)
        {
            while (await from.ReadLineAsync() is { } line)
            {
                await gate.WaitAsync();
                try
                {
                    await log.WriteLineAsync(line);
                }
                finally
                {
                    gate.Release();
                }
            }
        }

        try
        {
            await Task.WhenAll(CopyAsync(process.StandardOutput), CopyAsync(process.StandardError));
        }
        finally
        {
            await log.DisposeAsync();
        }
    }
}
