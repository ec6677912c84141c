using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.PostgreSql;

/// <summary>
/// Creates the store's schema when the host starts (when allowed), so that a wrong connection string or missing
/// rights show in the log at once. A failure does not stop the host: choices are then refused with 503 until the
/// server answers.
/// </summary>
internal sealed partial class PostgreSqlStoreInitializer(PostgreSqlConsentProofStore store, PostgreSqlConsentConsoleData console, ILogger<PostgreSqlStoreInitializer> logger) : IHostedService
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
            LogUnavailable(logger, exception, store.Schema);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 422, Level = LogLevel.Error, Message = "The PostgreSQL consent proof store (schema {Schema}) cannot be reached or set up; choices that need a proof are refused until it can")]
    private static partial void LogUnavailable(ILogger logger, Exception exception, string schema);
}
