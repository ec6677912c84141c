using System.Buffers.Binary;
using System.Text;
using System.Text.Json;

namespace Ent.Consent.AspNetCore.Proofs;

/// <summary>
/// An append-only file of refusal proofs the store has not taken yet (<c>refusal-proofs.spool</c>, one JSON line
/// each), synced before <see cref="Append"/> returns, so an answered refusal survives a crash. A side file holds the
/// offset drained into the store; once everything is drained both are reset. Proofs the store rejects as invalid go
/// to <c>refusal-proofs.dead-letter</c> with the reason. One process per directory: the spool holds
/// <c>refusal-proofs.lock</c> exclusively while open, so a second process on the same directory fails at start
/// instead of draining the same proofs twice.
/// </summary>
internal sealed class RefusalProofSpool : IDisposable
{
    public const string FileName = "refusal-proofs.spool";
    public const string DeadLetterFileName = "refusal-proofs.dead-letter";
    public const string LockFileName = "refusal-proofs.lock";

    private readonly Lock _lock = new();
    private readonly FileStream _directoryLock;
    private readonly FileStream _file;
    private readonly FileStream _offsetFile;
    private readonly string _deadLetterPath;
    private long _drained;
    private int _depth;
    private long _appendedTotal;
    private long _drainedTotal;
    private TaskCompletionSource _progress = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // For each user (consent id, subject key) with proofs waiting, the position of the last one; and the users of
    // each waiting proof, in order, to forget them once drained.
    private readonly Dictionary<string, long> _lastByUser = new(StringComparer.Ordinal);
    private readonly Queue<(long Position, string[] Users)> _usersByPosition = new();

    private readonly TimeProvider _time;
    private DateTimeOffset _lastProgress;
    private int _deadLettered;

    public RefusalProofSpool(string directory, TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
        _lastProgress = _time.GetUtcNow();
        Directory.CreateDirectory(directory);
        var lockPath = Path.Combine(directory, LockFileName);
        try
        {
            // FileShare.None takes an exclusive advisory lock (flock) on Unix, held until the process ends or disposes.
            _directoryLock = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException exception)
        {
            throw new InvalidOperationException(
                $"The refusal spool in '{directory}' is in use by another process; give each portal process a DataDirectory of its own.", exception);
        }

        _deadLetterPath = Path.Combine(directory, DeadLetterFileName);
        _file = new FileStream(Path.Combine(directory, FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        _offsetFile = new FileStream(Path.Combine(directory, FileName + ".offset"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        Span<byte> offset = stackalloc byte[8];
        _drained = _offsetFile.Read(offset) == 8 ? BinaryPrimitives.ReadInt64LittleEndian(offset) : 0;
        if (_drained > _file.Length || _drained < 0)
        {
            _drained = 0; // Crashed between emptying the spool and resetting the offset.
        }

        // An unterminated last line was being written when the process died: it was never acknowledged.
        var content = ReadFrom(_drained);
        var end = Array.LastIndexOf(content, (byte)'\n') + 1;
        _file.SetLength(_drained + end);
        _depth = content.AsSpan(0, end).Count((byte)'\n');
        for (var start = 0; start < end;)
        {
            var lineEnd = Array.IndexOf(content, (byte)'\n', start);
            ConsentProofDraft? waiting;
            try
            {
                waiting = Decode(content.AsSpan(start, lineEnd - start), out _);
            }
            catch (Exception exception) when (exception is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
            {
                waiting = null; // The writer dead-letters it when it gets there; it holds no user back meanwhile.
            }

            Register(++_appendedTotal, waiting);
            start = lineEnd + 1;
        }
        _file.Seek(0, SeekOrigin.End);
    }

    /// <summary>Proofs waiting for the store.</summary>
    public int Depth => Volatile.Read(ref _depth);

    /// <summary>Where the spool is, for operators.</summary>
    public string DirectoryPath => Path.GetDirectoryName(_deadLetterPath)!;

    /// <summary>Proofs the store rejected since the process started, kept in the dead-letter file.</summary>
    public int DeadLettered => Volatile.Read(ref _deadLettered);

    /// <summary>When the spool last moved: its first waiting proof arrived, or proofs were drained.</summary>
    public DateTimeOffset LastProgress
    {
        get
        {
            lock (_lock)
            {
                return _lastProgress;
            }
        }
    }

    /// <summary>Appends <paramref name="draft"/> and syncs it to disk.</summary>
    /// <param name="draft">The proof.</param>
    /// <param name="mayBeStored">Whether a timed-out append may still have written it, so draining checks first.</param>
    public void Append(ConsentProofDraft draft, bool mayBeStored)
    {
        var line = Encode(draft, mayBeStored);
        lock (_lock)
        {
            _file.Write(line);
            _file.Flush(flushToDisk: true);
            if (_depth++ == 0)
            {
                _lastProgress = _time.GetUtcNow();
            }

            Register(++_appendedTotal, draft);
        }
    }

    /// <summary>
    /// The position (counted since opening, those found at start first) of the last proof still waiting for the
    /// same user as <paramref name="draft"/> (its consent id, <paramref name="previousConsentId"/>, the id of the
    /// browser's previous choice, or its subject key), or 0 when none waits.
    /// </summary>
    public long LastWaitingFor(ConsentProofDraft draft, string? previousConsentId)
    {
        lock (_lock)
        {
            var last = 0L;
            var users = Users(draft);
            foreach (var user in previousConsentId is null ? users : [.. users, "c:" + previousConsentId])
            {
                if (_lastByUser.TryGetValue(user, out var position) && position > last)
                {
                    last = position;
                }
            }

            return last;
        }
    }

    /// <summary>Completes once the first <paramref name="count"/> proofs spooled since opening are drained.</summary>
    public async Task WaitUntilDrainedAsync(long count, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task progress;
            lock (_lock)
            {
                if (_drainedTotal >= count)
                {
                    return;
                }

                progress = _progress.Task;
            }

            await progress.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The oldest proofs not drained yet, in order, at most <paramref name="max"/> (empty when none).</summary>
    public List<SpooledRefusal> PeekMany(int max)
    {
        lock (_lock)
        {
            var entries = new List<SpooledRefusal>();
            if (_depth == 0)
            {
                return entries;
            }

            // A proof is bounded (fields of 512 characters, 256 decisions), far below 1 MiB: the first line fits.
            var content = ReadFrom(_drained, 1024 * 1024);
            var start = 0;
            while (entries.Count < Math.Min(max, _depth))
            {
                var end = Array.IndexOf(content, (byte)'\n', start);
                if (end < 0)
                {
                    break;
                }

                entries.Add(new SpooledRefusal(Decode(content.AsSpan(start, end - start), out var mayBeStored), mayBeStored, _drained + end + 1));
                start = end + 1;
            }

            return entries;
        }
    }

    /// <summary>Records that <paramref name="entry"/> is in the store (or dead-lettered).</summary>
    public void MarkDrained(SpooledRefusal entry) => MarkDrained(entry, 1);

    /// <summary>
    /// Records that the <paramref name="count"/> oldest proofs, through <paramref name="last"/>, are in the store (or
    /// dead-lettered): one write and sync of the offset for all of them.
    /// </summary>
    public void MarkDrained(SpooledRefusal last, int count)
    {
        lock (_lock)
        {
            _drained = last.End;
            _depth -= count;
            _lastProgress = _time.GetUtcNow();
            _drainedTotal += count;
            while (_usersByPosition.TryPeek(out var drained) && drained.Position <= _drainedTotal)
            {
                _usersByPosition.Dequeue();
                foreach (var user in drained.Users)
                {
                    if (_lastByUser.TryGetValue(user, out var position) && position == drained.Position)
                    {
                        _lastByUser.Remove(user);
                    }
                }
            }

            var progress = _progress;
            _progress = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            progress.TrySetResult();
            if (_depth == 0)
            {
                // The spool first, then the offset: a crash in between leaves an offset past the end, read as 0.
                _file.SetLength(0);
                _file.Flush(flushToDisk: true);
                _drained = 0;
            }

            Span<byte> offset = stackalloc byte[8];
            BinaryPrimitives.WriteInt64LittleEndian(offset, _drained);
            _offsetFile.Seek(0, SeekOrigin.Begin);
            _offsetFile.Write(offset);
            _offsetFile.Flush(flushToDisk: true);
        }
    }

    /// <summary>Keeps a proof the store rejected, with why, and drains it.</summary>
    public void DeadLetter(SpooledRefusal entry, string reason)
    {
        DeadLetter(entry.Draft, reason);
        MarkDrained(entry);
    }

    /// <summary>Keeps a proof the store rejected, with why.</summary>
    public void DeadLetter(ConsentProofDraft draft, string reason)
    {
        var line = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(reason.ReplaceLineEndings(" ")) + "\t");
        lock (_lock)
        {
            using var file = new FileStream(_deadLetterPath, FileMode.Append, FileAccess.Write, FileShare.Read);
            file.Write(line);
            file.Write(Encode(draft, mayBeStored: false));
            file.Flush(flushToDisk: true);
            _deadLettered++;
        }
    }

    public void Dispose()
    {
        _file.Dispose();
        _offsetFile.Dispose();
        _directoryLock.Dispose();
    }

    private static string[] Users(ConsentProofDraft draft)
        => draft.SubjectKey is null ? ["c:" + draft.ConsentId] : ["c:" + draft.ConsentId, "s:" + draft.SubjectKey];

    private void Register(long position, ConsentProofDraft? draft)
    {
        var users = draft is null ? [] : Users(draft);
        foreach (var user in users)
        {
            _lastByUser[user] = position;
        }

        _usersByPosition.Enqueue((position, users));
    }

    private byte[] ReadFrom(long offset, int max = int.MaxValue)
    {
        var length = (int)Math.Min(_file.Length - offset, max);
        var buffer = new byte[length];
        RandomAccess.Read(_file.SafeFileHandle, buffer, offset);
        return buffer;
    }

    internal static byte[] Encode(ConsentProofDraft draft, bool mayBeStored)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("consentId", draft.ConsentId);
            writer.WriteString("subjectKey", draft.SubjectKey);
            writer.WriteString("tenant", draft.Tenant);
            writer.WriteNumber("timestamp", ProofRecordCodec.ToUnixMicroseconds(draft.Timestamp));
            writer.WriteStartObject("decisions");
            foreach (var (service, decision) in draft.Decisions)
            {
                writer.WriteString(service, ConsentWireNames.Of(decision));
            }

            writer.WriteEndObject();
            writer.WriteString("policyVersion", draft.PolicyVersion);
            writer.WriteString("textsHash", draft.TextsHash);
            writer.WriteString("locale", draft.Locale);
            writer.WriteString("channel", ConsentWireNames.Of(draft.Channel));
            writer.WriteString("userAgentFamily", draft.UserAgentFamily);
            writer.WriteString("ipPrefix", draft.IpPrefix);
            writer.WriteBoolean("mayBeStored", mayBeStored);
            writer.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        return buffer.ToArray();
    }

    internal static ConsentProofDraft Decode(ReadOnlySpan<byte> line, out bool mayBeStored)
    {
        using var document = JsonDocument.Parse(line.ToArray());
        var root = document.RootElement;
        var decisions = new SortedDictionary<string, ConsentDecision>(StringComparer.Ordinal);
        foreach (var property in root.GetProperty("decisions").EnumerateObject())
        {
            decisions[property.Name] = ConsentWireNames.ParseDecision(property.Value.GetString()!);
        }

        mayBeStored = root.GetProperty("mayBeStored").GetBoolean();
        return new ConsentProofDraft
        {
            ConsentId = root.GetProperty("consentId").GetString()!,
            SubjectKey = root.GetProperty("subjectKey").GetString(),
            Tenant = root.GetProperty("tenant").GetString(),
            Timestamp = ProofRecordCodec.FromUnixMicroseconds(root.GetProperty("timestamp").GetInt64()),
            Decisions = decisions,
            PolicyVersion = root.GetProperty("policyVersion").GetString()!,
            TextsHash = root.GetProperty("textsHash").GetString()!,
            Locale = root.GetProperty("locale").GetString()!,
            Channel = ConsentWireNames.ParseChannel(root.GetProperty("channel").GetString()!),
            UserAgentFamily = root.GetProperty("userAgentFamily").GetString(),
            IpPrefix = root.GetProperty("ipPrefix").GetString(),
        };
    }
}

/// <summary>A spooled proof and where its line ends.</summary>
internal sealed record SpooledRefusal(ConsentProofDraft Draft, bool MayBeStored, long End);
