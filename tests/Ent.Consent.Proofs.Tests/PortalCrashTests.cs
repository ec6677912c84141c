using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Ent.Consent.Sqlite;
using Microsoft.Data.Sqlite;

namespace Ent.Consent.Proofs.Tests;

/// <summary>
/// A real portal process, killed with SIGKILL or stopped with SIGTERM under a mix of grants and refusals, loses no
/// proof of a choice it answered with 2xx: grants were in the store, refusals in the store or the spool on disk.
/// </summary>
public sealed class PortalCrashTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-portal-crash-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData(9)]
    [InlineData(15)]
    public async Task Every_answered_grant_and_refusal_has_its_proof_after_the_portal_is_stopped_repeatedly(int signal)
    {
        var acknowledged = new ConcurrentBag<string>();
        for (var round = 0; round < 5; round++)
        {
            await using var portal = await ChildPortal.StartAsync(_folder);
            // Each choice is a new browser: the test sends cookies itself.
            using var client = new HttpClient(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = new Uri(portal.Url) };
            using var stop = new CancellationTokenSource();
            var answered = 0;
            var load = Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    try
                    {
                        var (response, consentId) = await PortalHost.ChooseAsync(client, (worker + i) % 2 == 0 ? "refuse-all" : "accept-all");
                        if (response.IsSuccessStatusCode && consentId is not null)
                        {
                            acknowledged.Add(consentId);
                            Interlocked.Increment(ref answered);
                        }
                    }
                    catch (HttpRequestException)
                    {
                        return; // The portal is gone: whatever it did not answer is not owed.
                    }
                }
            })).ToArray();

            // Each round stops the portal after a different amount of work, so it dies at varied points.
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            while (Volatile.Read(ref answered) < 40 + (round * 23))
            {
                deadline.Token.ThrowIfCancellationRequested();
                await Task.WhenAny(Task.WhenAll(load), Task.Delay(10));
            }

            Assert.Equal(0, Kill(portal.Process.Id, signal));
            await portal.Process.WaitForExitAsync();
            stop.Cancel();
            await Task.WhenAll(load);
        }

        // A last start replays what the spool still holds; a graceful stop drains it.
        await using (var last = await ChildPortal.StartAsync(_folder))
        {
            Assert.Equal(0, Kill(last.Process.Id, 15));
            await last.Process.WaitForExitAsync();
        }

        using var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = Path.Combine(_folder, "proofs.db") }, TimeProvider.System);
        var verification = await store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        var missing = new List<string>();
        foreach (var consentId in acknowledged)
        {
            if ((await store.ExportByConsentIdAsync(consentId)).Count == 0)
            {
                missing.Add(consentId);
            }
        }

        Assert.Empty(missing);
        Assert.True(acknowledged.Count >= 5 * 40);
    }

    private static int Kill(int pid, int signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
        return kill.ExitCode;
    }

    private sealed class ChildPortal : IAsyncDisposable
    {
        private ChildPortal(Process process, string url)
        {
            Process = process;
            Url = url;
        }

        public Process Process { get; }

        public string Url { get; }

        public static async Task<ChildPortal> StartAsync(string folder)
        {
            var url = $"http://127.0.0.1:{FreePort()}";
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
            start.ArgumentList.Add(Program.Portal);
            start.ArgumentList.Add(folder);
            start.ArgumentList.Add(url);
            var process = Process.Start(start) ?? throw new InvalidOperationException("The portal did not start.");
            using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var line = await process.StandardOutput.ReadLineAsync(deadline.Token);
            if (line != "ready")
            {
                throw new InvalidOperationException($"The portal did not start: {line} {await process.StandardError.ReadToEndAsync()}");
            }

            return new ChildPortal(process, url);
        }

        public async ValueTask DisposeAsync()
        {
            if (!Process.HasExited)
            {
                Process.Kill();
                await Process.WaitForExitAsync();
            }

            Process.Dispose();
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
