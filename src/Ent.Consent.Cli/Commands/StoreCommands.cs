using System.CommandLine;
using Ent.Consent.Cli.Stores;
using Spectre.Console;

namespace Ent.Consent.Cli.Commands;

/// <summary><c>verify</c>, <c>export</c> and <c>purge</c> on a SQLite file or a PostgreSQL database.</summary>
internal static class StoreCommands
{
    /// <summary>The variable a portal reads its subject key from (<c>EntConsent:SubjectKey</c>), used when <c>--subject-key</c> is absent.</summary>
    public const string SubjectKeyVariable = "EntConsent__SubjectKey";

    public static IEnumerable<Command> Create(Func<ParseResult, CliConsole> io)
    {
        yield return Verify(io);
        yield return Export(io);
        yield return Purge(io);
    }

    internal sealed class StoreOptions
    {
        public Option<string> Sqlite { get; } = new("--sqlite") { Description = "Path of the SQLite proof store file.", HelpName = "path" };

        public Option<string> Postgres { get; } = new("--postgres") { Description = "Npgsql connection string of the PostgreSQL proof store (\"Host=…;Database=…;Username=…\").", HelpName = "connection-string" };

        public Option<string> Schema { get; } = new("--schema") { Description = "PostgreSQL schema of the store.", DefaultValueFactory = static _ => "ent_consent" };

        public void AddTo(Command command)
        {
            command.Add(Sqlite);
            command.Add(Postgres);
            command.Add(Schema);
            command.Validators.Add(result =>
            {
                var sqlite = result.GetResult(Sqlite) is not null;
                var postgres = result.GetResult(Postgres) is not null;
                if (sqlite == postgres)
                {
                    result.AddError("Give the store: exactly one of --sqlite <path> or --postgres <connection-string>.");
                }
            });
        }

        public Task<ProofStoreSession> OpenAsync(ParseResult result, CancellationToken cancellationToken)
            => result.GetValue(Sqlite) is { } path
                ? ProofStoreSession.OpenSqliteAsync(path, cancellationToken)
                : ProofStoreSession.OpenPostgreSqlAsync(result.GetRequiredValue(Postgres), result.GetRequiredValue(Schema), cancellationToken);
    }

    private static Command Verify(Func<ParseResult, CliConsole> io)
    {
        var store = new StoreOptions();
        var command = new Command("verify", "Checks the whole proof chain. Exit 1 when a record does not match its hash or its link.");
        store.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var console = io(result);
            await using var session = await store.OpenAsync(result, cancellationToken);
            var verification = await session.Store.VerifyAsync(cancellationToken);
            if (console.IsJson)
            {
                // The shape of GET /consent/proofs/verification.
                console.WriteJson(new
                {
                    verification.IsValid,
                    verification.RecordCount,
                    verification.FirstBrokenSequence,
                    verification.FirstBrokenRecordId,
                    verification.Reason,
                    verification.HeadSequence,
                    verification.HeadHash,
                });
            }
            else if (verification.IsValid)
            {
                console.Output.WriteLine($"Chain valid: {verification.RecordCount} records checked in the {session.Description}.");
                console.Output.WriteLine($"Head: sequence {verification.HeadSequence}, hash {verification.HeadHash}");
            }
            else
            {
                console.Output.WriteLine($"Chain BROKEN in the {session.Description}: {verification.RecordCount} records checked.");
                console.Output.WriteLine($"First broken record: sequence {verification.FirstBrokenSequence}, id {verification.FirstBrokenRecordId}");
                console.Output.WriteLine($"Reason: {verification.Reason}");
            }

            return verification.IsValid ? ExitCodes.Ok : ExitCodes.Findings;
        });
        return command;
    }

    private static Command Export(Func<ParseResult, CliConsole> io)
    {
        var store = new StoreOptions();
        var consentId = new Option<string>("--consent-id") { Description = "Export the records of this consent id." };
        var user = new Option<string>("--user") { Description = "Export the records of this signed-in user's id, hashed with the portal's subject key as the portal does." };
        var subjectKey = new Option<string>("--subject-key") { Description = $"The portal's EntConsent:SubjectKey secret, for --user (default: the {SubjectKeyVariable} environment variable, which keeps it out of the shell history)." };
        var subject = new Option<string>("--subject") { Description = "Export the records of this subject key (the hash itself, as found in a proof)." };
        var outputFile = new Option<string>("--output", "-o") { Description = "Also write the export document (JSON, format ent-consent/proofs/1) to this file.", HelpName = "file" };
        var command = new Command("export", "Exports the proofs of a consent id or a user, as the DPO's HTTP export does (format ent-consent/proofs/1).")
        {
            consentId,
            user,
            subjectKey,
            subject,
            outputFile,
        };
        store.AddTo(command);
        command.Validators.Add(result =>
        {
            var given = new[] { consentId, user, subject }.Count(option => result.GetResult(option) is not null);
            if (given != 1)
            {
                result.AddError("Say whose proofs: exactly one of --consent-id <id>, --user <id> or --subject <key>.");
            }
        });
        command.SetAction(async (result, cancellationToken) =>
        {
            var console = io(result);
            string? subjectHash = result.GetValue(subject);
            if (result.GetValue(user) is { } userId)
            {
                var secret = result.GetValue(subjectKey) ?? Environment.GetEnvironmentVariable(SubjectKeyVariable);
                if (string.IsNullOrEmpty(secret))
                {
                    throw new CliUsageException($"--user needs the portal's subject key: --subject-key <secret> or the {SubjectKeyVariable} environment variable.");
                }

                subjectHash = ConsentSubject.Hash(secret, userId);
            }

            await using var session = await store.OpenAsync(result, cancellationToken);
            var id = result.GetValue(consentId);
            var records = id is not null
                ? await session.Store.ExportByConsentIdAsync(id, cancellationToken)
                : await session.Store.ExportBySubjectAsync(subjectHash!, cancellationToken);
            var export = new ConsentProofExport
            {
                ExportedAt = DateTimeOffset.UtcNow,
                ConsentId = id,
                SubjectKey = id is null ? subjectHash : null,
                Records = records,
            };
            if (result.GetValue(outputFile) is { } file)
            {
                await File.WriteAllTextAsync(file, export.ToJson(), cancellationToken);
                await console.Error.WriteLineAsync($"Wrote {records.Count} records to {file}.");
            }

            if (console.IsJson)
            {
                console.Output.WriteLine(export.ToJson());
                return ExitCodes.Ok;
            }

            console.Output.WriteLine($"{records.Count} record{(records.Count == 1 ? "" : "s")} for {(id is not null ? $"consent id {id}" : $"subject key {subjectHash}")} in the {session.Description}.");
            if (records.Count > 0)
            {
                var table = new Table().AddColumns("sequence", "recorded at (UTC)", "consent id", "channel", "policy", "decisions");
                foreach (var record in records)
                {
                    var content = record.Content;
                    table.AddRow(
                        record.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        record.RecordedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                        Markup.Escape(content.ConsentId),
                        Markup.Escape(ConsentWireNames.Of(content.Channel)),
                        Markup.Escape(content.PolicyVersion),
                        Markup.Escape(string.Join(", ", content.Decisions.OrderBy(static d => d.Key, StringComparer.Ordinal).Select(static d => $"{d.Key}={ConsentWireNames.Of(d.Value)}"))));
                }

                console.Ansi.Write(table);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Purge(Func<ParseResult, CliConsole> io)
    {
        var store = new StoreOptions();
        var retention = new Option<string>("--retention") { Description = "How long proofs are kept (ISO 8601, at least P13M), as ConsentRetentionOptions.ProofRetention.", DefaultValueFactory = static _ => "P5Y", HelpName = "period" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Count the records the purge would delete, and delete nothing." };
        var command = new Command("purge", "Deletes the proofs taken before now minus the retention and re-anchors the chain, as the retention job does.")
        {
            retention,
            dryRun,
        };
        store.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var console = io(result);
            var text = result.GetRequiredValue(retention);
            if (!CalendarPeriod.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var period))
            {
                throw new CliUsageException($"--retention '{text}' is not an ISO 8601 period such as P5Y or P13M.");
            }

            var check = new ConsentRetentionOptionsValidator().Validate(null, new ConsentRetentionOptions { ProofRetention = period });
            if (check.Failed)
            {
                throw new CliUsageException("invalid --retention.", [.. check.Failures]);
            }

            var now = DateTimeOffset.UtcNow;
            var cutoff = period.CutoffAt(now);
            var isDryRun = result.GetValue(dryRun);
            await using var session = await store.OpenAsync(result, cancellationToken);
            var count = isDryRun
                ? await session.CountRecordedBeforeAsync(cutoff, cancellationToken)
                : await session.Store.PurgeAsync(cutoff, cancellationToken);
            if (console.IsJson)
            {
                console.WriteJson(new { retention = period.ToString(), cutoff, dryRun = isDryRun, records = count });
            }
            else
            {
                var verb = isDryRun ? "would delete" : "deleted";
                console.Output.WriteLine($"Retention {period}: cutoff {cutoff:yyyy-MM-dd HH:mm:ss} UTC; {verb} {count} record{(count == 1 ? "" : "s")} from the {session.Description}.");
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
