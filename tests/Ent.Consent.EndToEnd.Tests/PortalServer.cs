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

    private PortalServer(WebApplication app, string dataDirectory, Uri address)
    {
        _app = app;
        DataDirectory = dataDirectory;
        Address = address;
    }

    /// <summary>The portal's base address, for example http://127.0.0.1:41234/.</summary>
    public Uri Address { get; }

    /// <summary>The temporary data folder of this run.</summary>
    public string DataDirectory { get; }

    /// <summary>The portal's services, to read the proof store the way an auditor would.</summary>
    public IServiceProvider Services => _app.Services;

    public static async Task<PortalServer> StartAsync()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("ent-portal-e2e-").FullName;
        var app = PortalApplication.Build(
        [
            "--urls", "http://127.0.0.1:0",
            "--environment", "Production",
            "--Portal:DataDirectory", dataDirectory,
            "--Logging:LogLevel:Default", "Warning",
        ]);
        await app.StartAsync();
        var address = app.Urls.Single();
        return new PortalServer(app, dataDirectory, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
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
