using System.Security.Cryptography;

namespace Ent.Consent;

/// <summary>
/// The ECDSA P-256 key that signs proof checkpoints, or only its public part, which is all a verifier (a DPO, an
/// auditor, a regulator) needs: holding it lets them check checkpoints but not make one. Kept in PEM files outside the
/// database; see <c>docs/adr/0007-anchored-proof-chain.md</c> for why not HMAC or Data Protection.
/// </summary>
public sealed class ProofCheckpointKey : IDisposable
{
    private readonly ECDsa _key;

    private ProofCheckpointKey(ECDsa key, bool canSign)
    {
        _key = key;
        CanSign = canSign;
        KeyId = Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }

    /// <summary>The first 16 hex digits of the SHA-256 of the public key (SubjectPublicKeyInfo, DER), named in each checkpoint.</summary>
    public string KeyId { get; }

    /// <summary>Whether this key holds the private part and can sign.</summary>
    public bool CanSign { get; }

    /// <summary>Makes a new signing key.</summary>
    public static ProofCheckpointKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), canSign: true);

    /// <summary>
    /// Reads a key from PEM: a private key (<c>PRIVATE KEY</c> or <c>EC PRIVATE KEY</c>), which can sign, or a public key
    /// (<c>PUBLIC KEY</c>), which can only verify.
    /// </summary>
    /// <exception cref="FormatException">The text holds no P-256 key.</exception>
    public static ProofCheckpointKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            var parameters = key.ExportParameters(includePrivateParameters: false);
            if (parameters.Curve.Oid?.Value != ECCurve.NamedCurves.nistP256.Oid.Value)
            {
                throw new FormatException("A proof checkpoint key must be on the P-256 curve (secp256r1).");
            }

            var canSign = pem.Contains("PRIVATE KEY-----", StringComparison.Ordinal);
            return new ProofCheckpointKey(key, canSign);
        }
        catch (Exception exception) when (exception is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new FormatException($"Not an ECDSA P-256 key in PEM form: {exception.Message}", exception);
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }

    /// <summary>Reads a PEM key file (see <see cref="FromPem"/>).</summary>
    /// <exception cref="FormatException">The file holds no P-256 key.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static ProofCheckpointKey FromPemFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        try
        {
            return FromPem(File.ReadAllText(path));
        }
        catch (FormatException exception)
        {
            throw new FormatException($"{path}: {exception.Message}", exception);
        }
    }

    /// <summary>The public part, as a <c>PUBLIC KEY</c> PEM block, to hand to whoever verifies.</summary>
    public string ExportPublicKeyPem() => _key.ExportSubjectPublicKeyInfoPem();

    /// <summary>The private key as a PKCS#8 <c>PRIVATE KEY</c> PEM block.</summary>
    /// <exception cref="InvalidOperationException">This key holds only the public part.</exception>
    public string ExportPrivateKeyPem()
        => CanSign ? _key.ExportPkcs8PrivateKeyPem() : throw new InvalidOperationException("This proof checkpoint key holds only the public part.");

    /// <summary>Signs the head of a chain.</summary>
    /// <exception cref="InvalidOperationException">This key holds only the public part.</exception>
    public ProofCheckpoint Sign(long sequence, string headHash, DateTimeOffset createdAt)
    {
        ArgumentException.ThrowIfNullOrEmpty(headHash);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        if (!CanSign)
        {
            throw new InvalidOperationException("This proof checkpoint key holds only the public part and cannot sign.");
        }

        createdAt = ProofChain.TruncateToMicroseconds(createdAt);
        var signature = _key.SignData(ProofCheckpoint.GetSignedBytes(sequence, headHash, createdAt, KeyId), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return new ProofCheckpoint { Sequence = sequence, HeadHash = headHash, CreatedAt = createdAt, KeyId = KeyId, Signature = Convert.ToBase64String(signature) };
    }

    /// <summary>Whether <paramref name="checkpoint"/> names this key and its signature holds.</summary>
    public bool Verify(ProofCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        if (!string.Equals(checkpoint.KeyId, KeyId, StringComparison.Ordinal))
        {
            return false;
        }

        var signature = new byte[64];
        if (!Convert.TryFromBase64String(checkpoint.Signature, signature, out var written) || written != signature.Length)
        {
            return false;
        }

        return _key.VerifyData(ProofCheckpoint.GetSignedBytes(checkpoint.Sequence, checkpoint.HeadHash, checkpoint.CreatedAt, checkpoint.KeyId), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    /// <inheritdoc />
    public void Dispose() => _key.Dispose();
}
