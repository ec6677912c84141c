using System.CommandLine;
using System.Globalization;

namespace Ent.Consent.Cli.Commands;

/// <summary>
/// <c>checkpoint keygen</c>, <c>checkpoint write</c> and <c>checkpoint verify</c>: signed checkpoints of a proof store's
/// chain head, written to and checked against an append-only file (docs/adr/0007-anchored-proof-chain.md).
/// </summary>
internal static class CheckpointCommand
{
    public static Command Create(Func<ParseResult, CliConsole> io)
        => new("checkpoint", "Signed checkpoints of the proof chain's head, kept outside the database: make a key, write one now, verify a store against a checkpoint file.")
        {
            KeyGen(io),
            Write(io),
            Verify(io),
        };

    private static Command KeyGen(Func<ParseResult, CliConsole> io)
    {
        var output = new Option<string>("--output", "-o") { Description = "Where to write the private key (PEM, mode 0600); the public part goes beside it as <name>.pub.pem.", HelpName = "file", Required = true };
        var command = new Command("keygen", "Makes an ECDSA P-256 checkpoint signing key. Give the .pub.pem to whoever verifies; keep the private key off the database host.") { output };
        command.SetAction(async (result, cancellationToken) =>
        {
            var console = io(result);
            var path = Path.GetFullPath(result.GetRequiredValue(output));
            var publicPath = Path.Combine(Path.GetDirectoryName(path)!, Path.GetFileNameWithoutExtension(path) + ".pub.pem");
            if (File.Exists(path) || File.Exists(publicPath))
            {
                throw new CliUsageException($"'{(File.Exists(path) ? path : publicPath)}' already exists; a key is never overwritten.");
            }

            using var key = ProofCheckpointKey.Create();
            await WriteNewAsync(path, key.ExportPrivateKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite, cancellationToken);
            await WriteNewAsync(publicPath, key.ExportPublicKeyPem(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, cancellationToken);
            if (console.IsJson)
            {
                console.WriteJson(new { keyId = key.KeyId, privateKey = path, publicKey = publicPath });
            }
            else
            {
                console.Output.WriteLine($"Key {key.KeyId}: private key {path}, public key {publicPath}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Write(Func<ParseResult, CliConsole> io)
    {
        var store = new StoreCommands.StoreOptions();
        var key = new Option<string>("--key") { Description = "The private signing key (PEM), as made by 'checkpoint keygen' or by the portal in its data directory.", HelpName = "file", Required = true };
        var file = new Option<string>("--file") { Description = "The checkpoint file to append to (created if missing; one JSON line per checkpoint, synced).", HelpName = "file", Required = true };
        var command = new Command("write", "Signs the store's chain head now and appends the checkpoint to a file.") { key, file };
        store.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var console = io(result);
            using var signingKey = LoadKey(result.GetRequiredValue(key), mustSign: true);
            await using var session = await store.OpenAsync(result, cancellationToken);
            var head = await session.Store.ReadHeadAsync(cancellationToken);
            if (head.Sequence == 0)
            {
                if (console.IsJson)
                {
                    console.WriteJson(new { written = false, sequence = 0L });
                }
                else
                {
                    console.Output.WriteLine($"Nothing to sign: the chain in the {session.Description} has no record yet.");
                }

                return ExitCodes.Ok;
            }

            var checkpoint = signingKey.Sign(head.Sequence, head.Hash, DateTimeOffset.UtcNow);
            var sink = new ProofCheckpointFile(result.GetRequiredValue(file));
            try
            {
                await sink.WriteAsync(checkpoint, cancellationToken);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                throw new CliUsageException($"the checkpoint file '{sink.Path}' cannot be written: {exception.Message}");
            }

            if (console.IsJson)
            {
                console.WriteJson(new { written = true, file = sink.Path, checkpoint.Sequence, checkpoint.HeadHash, checkpoint.CreatedAt, checkpoint.KeyId, checkpoint.Signature });
            }
            else
            {
                console.Output.WriteLine($"Checkpoint of record {checkpoint.Sequence} (hash {checkpoint.HeadHash}) signed with key {checkpoint.KeyId}, appended to {sink.Path}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Verify(Func<ParseResult, CliConsole> io)
    {
        var store = new StoreCommands.StoreOptions();
        var file = new Option<string>("--file") { Description = "The checkpoint file (JSON lines: the portal's proof-checkpoints.jsonl, or lines of log event 421).", HelpName = "file", Required = true };
        var keys = new Option<string[]>("--public-key") { Description = "A trusted public key (PEM); repeat for keys of earlier rotations or of other nodes. A private key file works too.", HelpName = "file", Required = true, AllowMultipleArgumentsPerToken = false };
        var command = new Command("verify", "Checks the whole chain and that it still matches every signed checkpoint of the file. Exit 1 when the chain is broken, was rewritten or cut after a checkpoint, or a checkpoint's signature does not hold.") { file, keys };
        store.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var console = io(result);
            var trusted = result.GetRequiredValue(keys).Select(static path => LoadKey(path, mustSign: false)).ToList();
            try
            {
                var path = Path.GetFullPath(result.GetRequiredValue(file));
                if (!File.Exists(path))
                {
                    throw new CliUsageException($"the checkpoint file '{path}' does not exist.");
                }

                IReadOnlyList<ProofCheckpoint> checkpoints;
                try
                {
                    checkpoints = new ProofCheckpointFile(path).ReadAll();
                }
                catch (FormatException exception)
                {
                    throw new CliUsageException(exception.Message);
                }

                await using var session = await store.OpenAsync(result, cancellationToken);
                var verification = await session.Store.VerifyWithSignedCheckpointsAsync(checkpoints, trusted, cancellationToken);
                if (console.IsJson)
                {
                    // The shape of GET /consent/proofs/verification with checkpoints on.
                    console.WriteJson(new
                    {
                        verification.IsValid,
                        verification.RecordCount,
                        verification.FirstBrokenSequence,
                        verification.FirstBrokenRecordId,
                        verification.Reason,
                        verification.HeadSequence,
                        verification.HeadHash,
                        verification.CheckpointsChecked,
                        LatestCheckpoint = verification.LatestCheckpoint is { } latest
                            ? new { latest.Sequence, latest.HeadHash, latest.CreatedAt, latest.KeyId, latest.Signature }
                            : null,
                    });
                }
                else if (verification.IsValid)
                {
                    console.Output.WriteLine($"Chain valid: {verification.RecordCount} records checked in the {session.Description}, matching {verification.CheckpointsChecked} of {checkpoints.Count} checkpoints (the others pin purged records).");
                    if (verification.LatestCheckpoint is { } latest)
                    {
                        console.Output.WriteLine($"Latest checkpoint: record {latest.Sequence} at {latest.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC, key {latest.KeyId}.");
                    }
                }
                else
                {
                    console.Output.WriteLine($"Chain BROKEN in the {session.Description}: {verification.RecordCount} records checked against {checkpoints.Count} checkpoints.");
                    console.Output.WriteLine($"First broken record: sequence {verification.FirstBrokenSequence}");
                    console.Output.WriteLine($"Reason: {verification.Reason}");
                }

                return verification.IsValid ? ExitCodes.Ok : ExitCodes.Findings;
            }
            finally
            {
                foreach (var key in trusted)
                {
                    key.Dispose();
                }
            }
        });
        return command;
    }

    private static ProofCheckpointKey LoadKey(string path, bool mustSign)
    {
        ProofCheckpointKey key;
        try
        {
            key = ProofCheckpointKey.FromPemFile(path);
        }
        catch (Exception exception) when (exception is FormatException or IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"the key '{path}' cannot be used: {exception.Message}");
        }

        if (mustSign && !key.CanSign)
        {
            key.Dispose();
            throw new CliUsageException($"'{path}' holds only a public key; signing needs the private key.");
        }

        return key;
    }

    private static async Task WriteNewAsync(string path, string text, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        try
        {
            await using var stream = new FileStream(path, options);
            await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(text), cancellationToken);
            stream.Flush(flushToDisk: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException($"'{path}' cannot be written: {exception.Message}");
        }
    }
}
