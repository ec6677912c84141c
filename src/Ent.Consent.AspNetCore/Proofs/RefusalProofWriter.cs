using Ent.Consent.AspNetCore.Diagnostics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// Stores the queued refusal proofs, one at a time and in order, retrying each with exponential backoff (1 s
/// doubling to 1 min) until the store takes it. A draft the store rejects as invalid can never be stored: it is
/// dropped with an error instead of blocking every refusal queued behind it.
/// </summary>
internal sealed class RefusalProofWriter : BackgroundService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromMinutes(1);
    private readonly RefusalProofQueue _queue;
    private readonly IConsentProofStore? _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RefusalProofWriter(RefusalProofQueue queue, IServiceProvider services, TimeProvider time, ILoggerFactory loggerFactory)
    {
        _queue = queue;
        _store = services.GetService(typeof(IConsentProofStore)) as IConsentProofStore;
        _time = time;
        _logger = loggerFactory.CreateLogger(Enforcement.ConsentRuntime.ProofsCategory);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_store is null)
        {
            return; // Nothing is queued without a store.
        }

        await foreach (var draft in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
        {
            var delay = FirstDelay;
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await _store.AppendAsync(draft, stoppingToken).ConfigureAwait(false);
                    break;
                }
                catch (ArgumentException exception)
                {
                    ConsentLog.RefusalRejected(_logger, exception, draft.ConsentId);
                    break;
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    ConsentLog.RefusalRetry(_logger, exception, draft.ConsentId, attempt, delay);
                    await Task.Delay(delay, _time, stoppingToken).ConfigureAwait(false);
                    delay = delay * 2 < MaxDelay ? delay * 2 : MaxDelay;
                }
            }
        }
    }
}
