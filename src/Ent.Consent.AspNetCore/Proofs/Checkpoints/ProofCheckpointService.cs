using Microsoft.Extensions.Hosting;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// Takes a checkpoint at start, then every <see cref="ProofCheckpointOptions.Interval"/> when the head moved, and a
/// last one at graceful shutdown. The key is loaded in <see cref="StartAsync"/>, so a bad key stops the host.
/// </summary>
internal sealed class ProofCheckpointService(ProofCheckpointer checkpointer, TimeProvider timeProvider) : BackgroundService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        checkpointer.Start();
        return base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await checkpointer.CheckpointAsync(force: false, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out; the periodic checkpoints stand.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Leave start-up first: a slow store must never hold the host back.
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await checkpointer.CheckpointAsync(force: false, stoppingToken).ConfigureAwait(false);
                await Task.Delay(checkpointer.Options.Interval, timeProvider, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
