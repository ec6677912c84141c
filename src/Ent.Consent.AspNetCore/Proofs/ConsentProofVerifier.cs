using Ent.Consent.AspNetCore.Proofs;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.AspNetCore;

/// <summary>
/// Verifies the proof chain as <c>GET {prefix}/proofs/verification</c> does, for every caller (the endpoint, the consent
/// console, a host's own job): with <c>AddProofCheckpoints</c>, against every signed checkpoint of the checkpoint file,
/// so that a chain recomputed by someone with write access to the database is detected; the store's own check otherwise.
/// Registered by <c>AddEntConsent</c>.
/// </summary>
public sealed class ConsentProofVerifier
{
    private readonly IServiceProvider _services;

    /// <summary>Creates the verifier; it resolves the store and the checkpoints when used.</summary>
    public ConsentProofVerifier(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        _services = services;
    }

    /// <summary>Whether the chain is anchored in signed checkpoints (<c>AddProofCheckpoints</c>).</summary>
    public bool UsesCheckpoints => _services.GetService<ProofCheckpointer>() is not null;

    /// <summary>Verifies the chain.</summary>
    /// <exception cref="InvalidOperationException">No <see cref="IConsentProofStore"/> is registered.</exception>
    /// <exception cref="ConsentProofStoreUnavailableException">The store cannot be read now.</exception>
    public async Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default)
    {
        var store = _services.GetService<IConsentProofStore>()
            ?? throw new InvalidOperationException("No proof store is registered: call AddSqliteProofStore or AddPostgreSqlProofStore after AddEntConsent.");
        if (_services.GetService<ProofCheckpointer>() is not { } checkpointer)
        {
            return await store.VerifyAsync(cancellationToken).ConfigureAwait(false);
        }

        IReadOnlyList<ProofCheckpoint> checkpoints;
        try
        {
            checkpoints = checkpointer.ReadCheckpoints();
        }
        catch (Exception exception) when (exception is FormatException or IOException or UnauthorizedAccessException)
        {
            var unanchored = await store.VerifyAsync(cancellationToken).ConfigureAwait(false);
            return unanchored with { IsValid = false, Reason = unanchored.Reason ?? $"The checkpoint file cannot be read, so the chain cannot be checked against it: {exception.Message}" };
        }

        // What this node wrote still counts if the file lost it (truncated, replaced, deleted), and that loss is itself reported.
        var last = checkpointer.LastWrittenToFile;
        var fileLostLast = last is not null && !checkpoints.Any(c => c.Sequence == last.Sequence && string.Equals(c.Signature, last.Signature, StringComparison.Ordinal));
        var verification = await store.VerifyWithSignedCheckpointsAsync(fileLostLast ? [.. checkpoints, last!] : checkpoints, checkpointer.TrustedKeys, cancellationToken).ConfigureAwait(false);
        if (fileLostLast && verification.IsValid)
        {
            verification = verification with
            {
                IsValid = false,
                Reason = $"The checkpoint file {checkpointer.File.Path} no longer holds the checkpoint of record {last!.Sequence} this node wrote at {last.CreatedAt:O}: the file was truncated, replaced or deleted.",
            };
        }

        return verification;
    }

    /// <summary>
    /// The latest checkpoint of the checkpoint file (or the last one this node wrote, if newer), or null when
    /// checkpoints are off, none was taken yet, or the file cannot be read. The file is read again only when its length
    /// or last-write time changed.
    /// </summary>
    public ProofCheckpoint? ReadLatestCheckpoint()
    {
        if (_services.GetService<ProofCheckpointer>() is not { } checkpointer)
        {
            return null;
        }

        var written = checkpointer.LastWrittenToFile;
        ProofCheckpoint? inFile;
        try
        {
            inFile = checkpointer.ReadLatestFromFile();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // The verification reports an unreadable file; here the last one written is the best answer.
            inFile = null;
        }

        return inFile is not null && (written is null || inFile.Sequence > written.Sequence) ? inFile : written;
    }
}
