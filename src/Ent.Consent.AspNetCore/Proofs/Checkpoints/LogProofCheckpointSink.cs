using Microsoft.Extensions.Logging;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// Writes each checkpoint as a structured log event (421) with its fields and its JSON line, for a SIEM: the line can
/// be fed back to <c>ent-consent checkpoint verify</c>.
/// </summary>
internal sealed partial class LogProofCheckpointSink(ILogger logger) : IProofCheckpointSink
{
    public string Name => "log";

    public Task WriteAsync(ProofCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        LogCheckpoint(logger, checkpoint.Sequence, checkpoint.HeadHash, checkpoint.CreatedAt, checkpoint.KeyId, checkpoint.ToJson());
        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 421, EventName = "ProofCheckpoint", Level = LogLevel.Information,
        Message = "Proof chain checkpoint: record {CheckpointSequence} has hash {CheckpointHeadHash} at {CheckpointCreatedAt:O}, signed with key {CheckpointKeyId}: {Checkpoint}")]
    private static partial void LogCheckpoint(ILogger logger, long checkpointSequence, string checkpointHeadHash, DateTimeOffset checkpointCreatedAt, string checkpointKeyId, string checkpoint);
}
