using System.Diagnostics.Metrics;
using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.AspNetCore.Enforcement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// Signs the chain head and hands the checkpoint to every sink; reads the checkpoint file back for verification. A
/// failing sink or store is logged, counted and shown by the health check, and never reaches a consent request.
/// </summary>
internal sealed partial class ProofCheckpointer : IDisposable
{
    private readonly IServiceProvider _services;
    private readonly IConsentProofStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Counter<long> _written;
    private readonly Counter<long> _failed;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _stateLock = new();
    private readonly Lock _startLock = new();
    private ProofCheckpointKey? _signingKey;
    private List<ProofCheckpointKey> _trustedKeys = [];
    private IReadOnlyList<IProofCheckpointSink> _sinks = [];
    private ProofChainHead? _lastSigned;
    private volatile LatestInFile? _latestInFile;

    public ProofCheckpointer(IServiceProvider services, IConsentProofStore store, IOptions<ProofCheckpointOptions> options, IOptions<EntConsentOptions> consentOptions, TimeProvider timeProvider, ILoggerFactory loggerFactory, IMeterFactory meterFactory)
    {
        _services = services;
        _store = store;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger(ConsentRuntime.ProofsCategory);
        Options = options.Value;
        var root = services.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory;
        DataDirectory = Path.GetFullPath(consentOptions.Value.DataDirectory, root);
        SigningKeyPath = Path.GetFullPath(Options.SigningKeyPath, DataDirectory);
        File = new ProofCheckpointFile(Path.GetFullPath(Options.FilePath, DataDirectory));
        var meter = meterFactory.Create(ConsentMetrics.MeterName);
        _written = meter.CreateCounter<long>("ent_consent.proof_checkpoints.written", "{checkpoint}", "Signed checkpoints written, by sink.");
        _failed = meter.CreateCounter<long>("ent_consent.proof_checkpoints.failed", "{checkpoint}", "Checkpoints that could not be taken or written, by sink (store when the head could not be read).");
    }

    public ProofCheckpointOptions Options { get; }

    public string DataDirectory { get; }

    public string SigningKeyPath { get; }

    public ProofCheckpointFile File { get; }

    /// <summary>When a checkpoint last reached every sink, or null.</summary>
    public DateTimeOffset? LastSuccess { get; private set; }

    /// <summary>The last checkpoint this process wrote to the file, or null.</summary>
    public ProofCheckpoint? LastWrittenToFile { get; private set; }

    /// <summary>Why the last attempt failed (store or sink), or null when it succeeded.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>Loads (or creates) the signing key and the trusted keys: at host start, so a bad key stops it.</summary>
    public void Start()
    {
        lock (_startLock)
        {
            StartOnce();
        }
    }

    private void StartOnce()
    {
        if (_signingKey is not null)
        {
            return;
        }

        var key = LoadOrCreateSigningKey();
        var trusted = new List<ProofCheckpointKey> { key };
        foreach (var path in Options.TrustedPublicKeyPaths)
        {
            trusted.Add(ProofCheckpointKey.FromPemFile(Path.GetFullPath(path, DataDirectory)));
        }

        var sinks = new List<IProofCheckpointSink> { File };
        if (Options.WriteToLog)
        {
            sinks.Add(new LogProofCheckpointSink(_logger));
        }

        sinks.AddRange(_services.GetServices<IProofCheckpointSink>());
        (_signingKey, _trustedKeys, _sinks) = (key, trusted, sinks);
    }

    /// <summary>The keys verification accepts checkpoints from.</summary>
    public IReadOnlyList<ProofCheckpointKey> TrustedKeys
    {
        get
        {
            Start();
            return _trustedKeys;
        }
    }

    /// <summary>Signs the head when it moved since the last checkpoint (or always when <paramref name="force"/>).</summary>
    /// <returns>The checkpoint written, or null when there was nothing new or it failed (logged).</returns>
    public async Task<ProofCheckpoint?> CheckpointAsync(bool force, CancellationToken cancellationToken)
    {
        Start();
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ProofChainHead head;
            try
            {
                head = await _store.ReadHeadAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                Fail("store", $"the chain head could not be read: {exception.Message}");
                LogHeadUnreadable(_logger, exception);
                return null;
            }

            if (head.Sequence == 0 || (!force && head == _lastSigned))
            {
                Succeed();
                return null;
            }

            var checkpoint = _signingKey!.Sign(head.Sequence, head.Hash, _timeProvider.GetUtcNow());
            var failures = 0;
            foreach (var sink in _sinks)
            {
                try
                {
                    await sink.WriteAsync(checkpoint, cancellationToken).ConfigureAwait(false);
                    _written.Add(1, new KeyValuePair<string, object?>("sink", sink.Name));
                    if (ReferenceEquals(sink, File))
                    {
                        LastWrittenToFile = checkpoint;
                    }
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    failures++;
                    Fail(sink.Name, $"sink '{sink.Name}' failed: {exception.Message}");
                    LogSinkFailed(_logger, sink.Name, checkpoint.Sequence, exception);
                }
            }

            if (failures == 0)
            {
                _lastSigned = head;
                Succeed();
                LogWritten(_logger, checkpoint.Sequence, checkpoint.KeyId, File.Path);
            }

            return checkpoint;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>The checkpoints of the file, for verification.</summary>
    public IReadOnlyList<ProofCheckpoint> ReadCheckpoints() => File.ReadAll();

    /// <summary>
    /// The file's latest checkpoint, or null when it has none; read again only when the file's length or last-write
    /// time changed, since the console shows it on every ledger page. Verification always reads the whole file.
    /// </summary>
    /// <exception cref="IOException">The file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">The file cannot be read.</exception>
    public ProofCheckpoint? ReadLatestFromFile()
    {
        // Stamped before reading: a write landing in between leaves a stale stamp, so the next call reads again.
        var info = new FileInfo(File.Path);
        var (length, writtenAt) = info.Exists ? (info.Length, info.LastWriteTimeUtc) : (-1L, DateTime.MinValue);
        if (_latestInFile is { } known && known.Length == length && known.WrittenAt == writtenAt)
        {
            return known.Latest;
        }

        ProofCheckpoint? latest = null;
        try
        {
            foreach (var checkpoint in File.ReadAll())
            {
                if (latest is null || checkpoint.Sequence > latest.Sequence)
                {
                    latest = checkpoint;
                }
            }
        }
        catch (FormatException)
        {
            // Reported by the verification; the same bad file is not parsed again on every page.
            latest = null;
        }

        _latestInFile = new LatestInFile(length, writtenAt, latest);
        return latest;
    }

    public void Dispose()
    {
        foreach (var key in _trustedKeys)
        {
            key.Dispose();
        }
    }

    private void Succeed()
    {
        lock (_stateLock)
        {
            LastSuccess = _timeProvider.GetUtcNow();
            LastFailure = null;
        }
    }

    private void Fail(string sink, string reason)
    {
        _failed.Add(1, new KeyValuePair<string, object?>("sink", sink));
        lock (_stateLock)
        {
            LastFailure = reason;
        }
    }

    private ProofCheckpointKey LoadOrCreateSigningKey()
    {
        if (!System.IO.File.Exists(SigningKeyPath))
        {
            if (!Options.CreateSigningKey)
            {
                throw new InvalidOperationException($"The proof checkpoint signing key '{SigningKeyPath}' does not exist and ProofCheckpointOptions.CreateSigningKey is false: provision the key (ent-consent checkpoint keygen) or allow its creation.");
            }

            using var created = ProofCheckpointKey.Create();
            Directory.CreateDirectory(Path.GetDirectoryName(SigningKeyPath)!);
            try
            {
                WriteSynced(SigningKeyPath, created.ExportPrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite);
                WriteSynced(PublicKeyPath(SigningKeyPath), created.ExportPublicKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
                LogKeyCreated(_logger, SigningKeyPath, created.KeyId, PublicKeyPath(SigningKeyPath));
            }
            catch (IOException) when (System.IO.File.Exists(SigningKeyPath))
            {
                // Another start made it first: use that one.
            }
        }

        ProofCheckpointKey key;
        try
        {
            key = ProofCheckpointKey.FromPemFile(SigningKeyPath);
        }
        catch (Exception exception) when (exception is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"The proof checkpoint signing key '{SigningKeyPath}' cannot be used: {exception.Message}", exception);
        }

        if (!key.CanSign)
        {
            key.Dispose();
            throw new InvalidOperationException($"The proof checkpoint signing key '{SigningKeyPath}' holds only a public key; checkpoints need the private key (PEM 'PRIVATE KEY').");
        }

        return key;
    }

    /// <summary><c>key.pem</c> → <c>key.pub.pem</c>.</summary>
    public static string PublicKeyPath(string privateKeyPath)
        => Path.Combine(Path.GetDirectoryName(privateKeyPath)!, Path.GetFileNameWithoutExtension(privateKeyPath) + ".pub.pem");

    private static void WriteSynced(string path, string text, UnixFileMode mode)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using var stream = new FileStream(path, options);
        stream.Write(System.Text.Encoding.ASCII.GetBytes(text));
        stream.Flush(flushToDisk: true);
    }

    /// <summary>The file's latest checkpoint as read when the file had this length and last-write time.</summary>
    private sealed record LatestInFile(long Length, DateTime WrittenAt, ProofCheckpoint? Latest);

    [LoggerMessage(EventId = 420, Level = LogLevel.Warning, Message = "Created the proof checkpoint signing key {Path} (key id {KeyId}). Give its public part {PublicKeyPath} to whoever verifies the proofs, and keep a copy of the private key off the database host.")]
    private static partial void LogKeyCreated(ILogger logger, string path, string keyId, string publicKeyPath);

    [LoggerMessage(EventId = 422, Level = LogLevel.Debug, Message = "Proof checkpoint of record {Sequence} signed with key {KeyId} and written to {Path}")]
    private static partial void LogWritten(ILogger logger, long sequence, string keyId, string path);

    [LoggerMessage(EventId = 423, Level = LogLevel.Error, Message = "Proof checkpoint of record {Sequence} could not be written to sink '{Sink}'; consent goes on, the chain is anchored only by the other sinks until this is fixed")]
    private static partial void LogSinkFailed(ILogger logger, string sink, long sequence, Exception exception);

    [LoggerMessage(EventId = 424, Level = LogLevel.Error, Message = "Proof checkpoint skipped: the proof store's chain head could not be read; the next attempt runs on schedule")]
    private static partial void LogHeadUnreadable(ILogger logger, Exception exception);
}
