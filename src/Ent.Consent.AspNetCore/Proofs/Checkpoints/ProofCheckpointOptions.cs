namespace Ent.Consent.AspNetCore;

/// <summary>
/// How often the chain head is signed and where the checkpoints go (<c>AddProofCheckpoints</c>). Relative paths are
/// resolved against <see cref="EntConsentOptions.DataDirectory"/>. See <c>docs/proofs.md</c> and
/// <c>docs/adr/0007-anchored-proof-chain.md</c>.
/// </summary>
public sealed class ProofCheckpointOptions
{
    /// <summary>
    /// How often the head is signed (only when it moved since the last checkpoint); one more is written at start and at
    /// graceful shutdown. A chain rewritten after the last checkpoint is not detected, so this bounds the window.
    /// Default 10 minutes; from 1 minute to 1 day.
    /// </summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The PEM file of the ECDSA P-256 private key that signs checkpoints. Default
    /// <c>proof-checkpoint-key.pem</c> in the data directory. Keep it off the database server and out of its backups.
    /// </summary>
    public string SigningKeyPath { get; set; } = "proof-checkpoint-key.pem";

    /// <summary>
    /// Whether a missing signing key is created at start (mode 0600, with its public part beside it as
    /// <c>.pub.pem</c>). Default true; set false when the key is provisioned, so that a missing file stops start-up.
    /// </summary>
    public bool CreateSigningKey { get; set; } = true;

    /// <summary>The append-only checkpoint file. Default <c>proof-checkpoints.jsonl</c> in the data directory.</summary>
    public string FilePath { get; set; } = "proof-checkpoints.jsonl";

    /// <summary>
    /// Whether each checkpoint is also logged (event 421, category <c>Ent.Consent.AspNetCore.Proofs</c>, with the JSON line), so a
    /// log shipped to a SIEM keeps a copy the database's administrators cannot reach. Default true.
    /// </summary>
    public bool WriteToLog { get; set; } = true;

    /// <summary>
    /// PEM files of further public keys whose checkpoints verification accepts (earlier signing keys, after a
    /// rotation). The signing key itself is always trusted.
    /// </summary>
    public IList<string> TrustedPublicKeyPaths { get; } = [];
}
