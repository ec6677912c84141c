namespace Ent.Consent;

/// <summary>
/// Somewhere a signed checkpoint is written, outside the database: a file (<see cref="ProofCheckpointFile"/>, the
/// default), a log line shipped to a SIEM, an object store with retention lock. Register more with
/// <c>services.AddSingleton&lt;IProofCheckpointSink, MySink&gt;()</c>; every registered sink receives every checkpoint.
/// </summary>
public interface IProofCheckpointSink
{
    /// <summary>A short name for logs and metrics (<c>file</c>, <c>log</c>).</summary>
    string Name { get; }

    /// <summary>Writes the checkpoint durably, or throws; a failure is logged and never blocks consent.</summary>
    Task WriteAsync(ProofCheckpoint checkpoint, CancellationToken cancellationToken = default);
}
