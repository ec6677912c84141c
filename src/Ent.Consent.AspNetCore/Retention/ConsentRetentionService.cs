using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// Runs <see cref="ConsentRetention.RunOnceAsync"/> at start-up and then every
/// <see cref="ConsentRetentionOptions.Interval"/>. A failing pass is logged and the next one runs on schedule.
/// </summary>
internal sealed partial class ConsentRetentionService : BackgroundService
{
    private readonly ConsentRetention _retention;
    private readonly IOptions<ConsentRetentionOptions> _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ConsentRetentionService> _logger;

    public ConsentRetentionService(ConsentRetention retention, IOptions<ConsentRetentionOptions> options, TimeProvider timeProvider, ILogger<ConsentRetentionService> logger)
    {
        _retention = retention;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave start-up first: a purge must never hold the host back.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var report = await _retention.RunOnceAsync(stoppingToken).ConfigureAwait(false);
                LogPassCompleted(_logger, report.Outcomes.Sum(static o => o.Deleted), report.Outcomes.Count(static o => o.Error is not null));
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(_logger, exception);
            }

            try
            {
                await Task.Delay(_options.Value.Interval, _timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 411, Level = LogLevel.Information, Message = "Retention pass completed: {Deleted} item(s) deleted, {Failed} purge(s) failed")]
    private static partial void LogPassCompleted(ILogger logger, long deleted, int failed);

    [LoggerMessage(EventId = 412, Level = LogLevel.Error, Message = "Retention pass failed; the next one runs on schedule")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}
