using System.Text;

namespace Ent.Consent;

/// <summary>
/// An append-only file of checkpoints, one JSON line each (<see cref="ProofCheckpoint.ToJson"/>), synced to disk
/// (<c>fsync</c>) after every line. The default sink; the verification endpoint and <c>ent-consent checkpoint verify</c>
/// read it back. Keep a copy where the database's administrators cannot write.
/// </summary>
public sealed class ProofCheckpointFile : IProofCheckpointSink
{
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>Uses the file at <paramref name="path"/> (created, with its folder, on the first write).</summary>
    public ProofCheckpointFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = System.IO.Path.GetFullPath(path);
    }

    /// <summary>The file's full path.</summary>
    public string Path { get; }

    /// <inheritdoc />
    public string Name => "file";

    /// <inheritdoc />
    public async Task WriteAsync(ProofCheckpoint checkpoint, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var line = Encoding.UTF8.GetBytes(checkpoint.ToJson() + "\n");
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
            using var stream = new FileStream(Path, FileMode.Append, FileAccess.Write, FileShare.Read, 1, FileOptions.None);
            stream.Write(line);
            stream.Flush(flushToDisk: true);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Every checkpoint in the file, in file order; none when the file does not exist. A last line cut short by a
    /// crash (no line break) is skipped; any other line that is not a checkpoint is an error.
    /// </summary>
    /// <exception cref="FormatException">A line is not a checkpoint (its number is in the message).</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public IReadOnlyList<ProofCheckpoint> ReadAll()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        var text = File.ReadAllText(Path, Encoding.UTF8);
        var lines = text.Split('\n');
        var checkpoints = new List<ProofCheckpoint>(lines.Length);
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0 || (i == lines.Length - 1 && !text.EndsWith('\n')))
            {
                continue;
            }

            try
            {
                checkpoints.Add(ProofCheckpoint.Parse(line));
            }
            catch (FormatException exception)
            {
                throw new FormatException($"{Path}, line {i + 1}: {exception.Message}", exception);
            }
        }

        return checkpoints;
    }
}
