using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.Sqlite;

/// <summary>
/// Opens the store's file when the host starts, so that a missing folder or a read-only disk shows in the log at
/// once. A failure does not stop the host: choices are then refused with 503 until the store recovers.
/// </summary>
internal sealed partial class SqliteStoreInitializer(SqliteConsentProofStore store, SqliteConsentConsoleData console, ILogger<SqliteStoreInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            // The consent console's two tables (admin actions, policy versions), beside the chain's.
            await console.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (ConsentProofStoreUnavailableException exception)
        {
            LogUnavailable(logger, exception, store.Path);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 421, Level = LogLevel.Error, Message = "The SQLite consent proof store '{Path}' cannot be opened; choices that need a proof are refused until it can")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string path);
}
