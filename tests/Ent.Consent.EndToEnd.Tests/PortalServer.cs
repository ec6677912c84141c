using Ent.Portal;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>
/// The real sample portal, started in this process on Kestrel at 127.0.0.1 on a free port, with its data folder
/// (Data Protection keys, SQLite proofs) in a fresh temporary directory that is deleted afterwards.
/// </summary>
public sealed class PortalServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private readonly bool _ownsDataDirectory;

    private PortalServer(WebApplication app, string dataDirectory, Uri address, bool ownsDataDirectory)
    {
        _app = app;
        _ownsDataDirectory = ownsDataDirectory;
        DataDirectory = dataDirectory;
        Address = address;
    }

    /// <summary>The portal's base address, for example http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    /// <summary>The temporary data folder of this run.</summary>
    public string DataDirectory { get; }

    /// <summary>The portal's services, to read the proof store the way an auditor would.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the portal with a new data folder and, optionally, extra configuration arguments.</summary>
    public static Task<PortalServer> StartAsync(params string[] extraArgs)
        => StartAsync(Directory.CreateTempSubdirectory("ent-portal-e2e-").FullName, extraArgs);

    /// <summary>
    /// Starts another portal with the keys and the proof store of <paramref name="sibling"/>, as a second node or a new
    /// release of the same portal would run. Its data folder is its own (the refusal spool is locked to one process),
    /// with copies of the sibling's subject key and Data Protection keys.
    /// </summary>
    public static Task<PortalServer> StartSiblingAsync(PortalServer sibling, params string[] extraArgs)
    {
        var dataDirectory = Directory.CreateTempSubdirectory("ent-portal-e2e-").FullName;
        if (File.Exists(Path.Combine(sibling.DataDirectory, "subject-key")))
        {
            File.Copy(Path.Combine(sibling.DataDirectory, "subject-key"), Path.Combine(dataDirectory, "subject-key"));
        }

        var keys = Directory.CreateDirectory(Path.Combine(dataDirectory, "keys"));
        foreach (var key in Directory.EnumerateFiles(Path.Combine(sibling.DataDirectory, "keys")))
        {
            File.Copy(key, Path.Combine(keys.FullName, Path.GetFileName(key)));
        }

        return StartAsync(dataDirectory, ["--Portal:ProofStorePath", Path.Combine(sibling.DataDirectory, "consent-proofs.db"), .. extraArgs]);
    }

    private static async Task<PortalServer> StartAsync(string dataDirectory, string[] extraArgs, bool ownsDataDirectory = true)
    {
        var app = PortalApplication.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", "Production",
            "--Portal:DataDirectory", dataDirectory,
            "--Logging:LogLevel:Default", "Warning",
            .. extraArgs,
        ]);
        await app.StartAsync();
        var address = app.Urls.Single();
        return new PortalServer(app, dataDirectory, new Uri(address.EndsWith('/') ? address : address + "/"), ownsDataDirectory);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (!_ownsDataDirectory)
        {
            return;
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left for the OS to clean from the temp folder.
        }
    }
}
