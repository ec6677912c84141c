using Microsoft.Extensions.Hosting;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// Takes a checkpoint at start, then every <see cref="ProofCheckpointOptions.Interval"/> when the head moved, and a
/// last one once the host has stopped (after the refusal spool's last drain). The key is loaded in
/// <see cref="StartAsync"/>, so a bad key stops the host.
/// </summary>
internal sealed class ProofCheckpointService(ProofCheckpointer checkpointer, TimeProvider timeProvider) : BackgroundService, IHostedLifecycleService
{
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        checkpointer.Start();
        return base.StartAsync(cancellationToken);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    // After every hosted service's StopAsync: the records the spool drained on shutdown are signed too.
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
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
