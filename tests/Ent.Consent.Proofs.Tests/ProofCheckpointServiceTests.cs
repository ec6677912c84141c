using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.Proofs.Tests;

/// <summary>
/// <c>AddProofCheckpoints</c> in a host on a real SQLite file: the background service signs the head on schedule, the
/// verification endpoint checks the chain against the file, and a broken sink never blocks a choice.
/// </summary>
public sealed class ProofCheckpointServiceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-checkpoint-service-").FullName;
    private readonly FakeTimeProvider _time = new(Drafts.Start);
    private readonly LogCapture _logs = new();

    private string DatabasePath => Path.Combine(_folder, "proofs.db");

    private string CheckpointPath => Path.Combine(_folder, "proof-checkpoints.jsonl");

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Service_signs_the_head_on_schedule_and_the_endpoint_catches_a_chain_rewritten_after_it()
    {
        await using var app = await StartAsync();
        var store = app.Services.GetRequiredService<IConsentProofStore>();
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Add("X-Test-Role", "dpo");
        for (var i = 1; i <= 3; i++)
        {
            await store.AppendAsync(Drafts.Choice($"c-{i}"));
        }

        await AdvanceUntilAsync(() => new ProofCheckpointFile(CheckpointPath).ReadAll().Count == 1);
        var valid = await client.GetFromJsonAsync("/consent/proofs/verification", ConsentProofJsonContext.Default.ChainVerification);

        Assert.True(valid!.IsValid, valid.Reason);
        Assert.Equal(1, valid.CheckpointsChecked);
        Assert.Equal(3, valid.LatestCheckpoint?.Sequence);
        Assert.True(File.Exists(Path.Combine(_folder, "proof-checkpoint-key.pem")));
        using var publicKey = ProofCheckpointKey.FromPemFile(Path.Combine(_folder, "proof-checkpoint-key.pub.pem"));
        Assert.True(publicKey.Verify(new ProofCheckpointFile(CheckpointPath).ReadAll()[0]));
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 420 && e.Message.Contains(publicKey.KeyId, StringComparison.Ordinal));
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 421 && e.Message.Contains("\"sequence\":3", StringComparison.Ordinal));

        await ChainForgery.RewriteFromAsync(store, ExecuteAsync, 2);
        var forged = await client.GetFromJsonAsync("/consent/proofs/verification", ConsentProofJsonContext.Default.ChainVerification);

        Assert.True((await store.VerifyAsync()).IsValid);
        Assert.False(forged!.IsValid);
        Assert.Equal(3, forged.FirstBrokenSequence);
        Assert.Contains($"Record 3 does not match the checkpoint signed at 2026-01-15T09:40:00.000000Z with key {publicKey.KeyId}", forged.Reason);
    }

    [Fact]
    public async Task Checkpoint_file_emptied_while_the_node_runs_is_reported_and_its_last_checkpoint_still_holds()
    {
        await using var app = await StartAsync();
        var store = app.Services.GetRequiredService<IConsentProofStore>();
        using var client = app.GetTestClient();
        client.DefaultRequestHeaders.Add("X-Test-Role", "dpo");
        for (var i = 1; i <= 3; i++)
        {
            await store.AppendAsync(Drafts.Choice($"c-{i}"));
        }

        await AdvanceUntilAsync(() => new ProofCheckpointFile(CheckpointPath).ReadAll().Count == 1);
        await File.WriteAllTextAsync(CheckpointPath, string.Empty);
        var emptied = await client.GetFromJsonAsync("/consent/proofs/verification", ConsentProofJsonContext.Default.ChainVerification);
        await ChainForgery.RewriteFromAsync(store, ExecuteAsync, 2);
        var forged = await client.GetFromJsonAsync("/consent/proofs/verification", ConsentProofJsonContext.Default.ChainVerification);

        Assert.False(emptied!.IsValid);
        Assert.Contains("no longer holds the checkpoint of record 3 this node wrote", emptied.Reason);
        Assert.False(forged!.IsValid);
        Assert.Contains("Record 3 does not match the checkpoint signed at", forged.Reason);
    }

    [Fact]
    public async Task Unchanged_head_is_not_signed_again_and_shutdown_signs_the_last_one()
    {
        var app = await StartAsync();
        var store = app.Services.GetRequiredService<IConsentProofStore>();
        await store.AppendAsync(Drafts.Choice("c-1"));
        await AdvanceUntilAsync(() => new ProofCheckpointFile(CheckpointPath).ReadAll().Count == 1);
        _time.Advance(TimeSpan.FromMinutes(10));
        await store.AppendAsync(Drafts.Choice("c-2"));

        await app.StopAsync();
        await app.DisposeAsync();

        Assert.Equal([1L, 2], new ProofCheckpointFile(CheckpointPath).ReadAll().Select(static c => c.Sequence));
    }

    [Fact]
    public async Task Latest_checkpoint_is_read_again_when_the_file_changes_and_not_while_it_stays_the_same()
    {
        await using var app = await StartAsync();
        var verifier = app.Services.GetRequiredService<ConsentProofVerifier>();
        // Another node's checkpoints, appended to the shared file (this node's store is empty: it writes none).
        using var otherNode = ProofCheckpointKey.Create();
        var file = new ProofCheckpointFile(CheckpointPath);
        await file.WriteAsync(otherNode.Sign(3, new string('a', 64), Drafts.Start));
        var first = verifier.ReadLatestCheckpoint();
        await file.WriteAsync(otherNode.Sign(4, new string('b', 64), Drafts.Start.AddMinutes(10)));
        var afterNew = verifier.ReadLatestCheckpoint();

        // The same length and last-write time with other content: a read would find record 8.
        var writtenAt = File.GetLastWriteTimeUtc(CheckpointPath);
        var text = await File.ReadAllTextAsync(CheckpointPath);
        await File.WriteAllTextAsync(CheckpointPath, text.Replace("\"sequence\":4", "\"sequence\":8", StringComparison.Ordinal));
        File.SetLastWriteTimeUtc(CheckpointPath, writtenAt);
        var unchanged = verifier.ReadLatestCheckpoint();
        File.SetLastWriteTimeUtc(CheckpointPath, writtenAt.AddSeconds(1));
        var touched = verifier.ReadLatestCheckpoint();

        Assert.Equal(3, first?.Sequence);
        Assert.Equal(4, afterNew?.Sequence);
        Assert.Equal(4, unchanged?.Sequence);
        Assert.Equal(8, touched?.Sequence);
    }

    [Fact]
    public async Task Unwritable_checkpoint_file_is_logged_counted_and_degrades_health_but_choices_go_on()
    {
        // A regular file where the checkpoint file's folder should be: no write can succeed, even as root.
        await File.WriteAllTextAsync(Path.Combine(_folder, "blocked"), "not a folder");
        using var failures = new FailureCounter();
        await using var app = await StartAsync(o => o.FilePath = Path.Combine(_folder, "blocked", "proof-checkpoints.jsonl"));
        var health = app.Services.GetRequiredService<HealthCheckService>();

        var choice = await PostAcceptAllAsync(app);
        await AdvanceUntilAsync(() => _logs.Entries.Any(e => e.EventId.Id == 423));
        var report = await health.CheckHealthAsync();

        Assert.Equal(HttpStatusCode.OK, choice.StatusCode);
        Assert.Equal(1, (await app.Services.GetRequiredService<IConsentProofStore>().VerifyAsync()).RecordCount);
        Assert.Equal(HealthStatus.Degraded, report.Entries["ent-consent-proof-checkpoints"].Status);
        Assert.Contains("sink 'file' failed", report.Entries["ent-consent-proof-checkpoints"].Description);
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 423 && e.Level == LogLevel.Error && e.Message.Contains("sink 'file'", StringComparison.Ordinal));
        Assert.True(failures.Count("file") >= 1);
        // The log sink still got it: the chain stays anchored there.
        Assert.Contains(_logs.Entries, e => e.EventId.Id == 421);
    }

    [Fact]
    public async Task Invalid_settings_stop_the_host_with_the_reason()
    {
        var tooOften = await Assert.ThrowsAsync<OptionsValidationException>(() => StartAsync(o => o.Interval = TimeSpan.FromSeconds(5)));
        var noKey = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(o =>
        {
            o.CreateSigningKey = false;
            o.SigningKeyPath = "missing-key.pem";
        }));
        await File.WriteAllTextAsync(Path.Combine(_folder, "public-only.pem"), ProofCheckpointKey.Create().ExportPublicKeyPem());
        var publicOnly = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(o => o.SigningKeyPath = "public-only.pem"));

        Assert.Contains("ProofCheckpointOptions.Interval is 00:00:05; it must be from 1 minute to 1 day", tooOften.Message);
        Assert.Contains("missing-key.pem' does not exist and ProofCheckpointOptions.CreateSigningKey is false", noKey.Message);
        Assert.Contains("holds only a public key", publicOnly.Message);
    }

    private async Task<WebApplication> StartAsync(Action<ProofCheckpointOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.AddProvider(_logs);
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, ProofEndpointsTests.HeaderAuthentication>("Test", null);
        builder.Services.AddAuthorization(o => o.AddPolicy("DpoOnly", p => p.RequireRole("dpo")));
        builder.Services.AddEntConsent(o =>
            {
                TestPortal.Configure(o);
                o.DataDirectory = _folder;
            })
            .AddSqliteProofStore(DatabasePath)
            .AddProofCheckpoints(configure);
        var app = builder.Build();
        app.UseAuthentication();
        app.UseEntConsent();
        app.UseAuthorization();
        app.MapEntConsent();
        app.MapEntConsentProofs("DpoOnly");
        app.MapGet("/token", (HttpContext context, IAntiforgery antiforgery) => antiforgery.GetAndStoreTokens(context).RequestToken!);
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    private async Task<int> ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False");
        connection.Open();
        await using var command = connection.CreateCommand();
        command.CommandText = sql.Replace("{proofs}", "consent_proofs").Replace("{head}", "consent_proof_head");
        return await command.ExecuteNonQueryAsync();
    }

    private static async Task<HttpResponseMessage> PostAcceptAllAsync(WebApplication app)
    {
        using var client = app.GetTestClient();
        var tokenResponse = await client.GetAsync("/token");
        tokenResponse.EnsureSuccessStatusCode();
        var cookie = string.Join("; ", tokenResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        var request = new HttpRequestMessage(HttpMethod.Post, "/consent") { Content = JsonContent.Create(new { action = "accept-all" }) };
        request.Headers.Add("RequestVerificationToken", await tokenResponse.Content.ReadAsStringAsync());
        request.Headers.Add("Cookie", cookie);
        return await client.SendAsync(request);
    }

    // The service waits on the fake clock from its own background task: an advance made before that wait began would
    // be lost, so the clock moves on by one interval at a time until the service has acted.
    private async Task AdvanceUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The checkpoint service did not act within 20 s.");
            _time.Advance(TimeSpan.FromMinutes(10));
            await Task.Delay(50);
        }
    }

    private sealed class LogCapture : ILoggerProvider
    {
        public System.Collections.Concurrent.ConcurrentQueue<(LogLevel Level, EventId EventId, string Message)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void Dispose()
        {
        }

        private sealed class Logger(LogCapture capture) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
                => capture.Entries.Enqueue((logLevel, eventId, formatter(state, exception)));
        }
    }

    private sealed class FailureCounter : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, long> _counts = new();

        public FailureCounter()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Name == "ent_consent.proof_checkpoints.failed")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "sink" && tag.Value is string sink)
                    {
                        _counts.AddOrUpdate(sink, value, (_, total) => total + value);
                    }
                }
            });
            _listener.Start();
        }

        public long Count(string sink) => _counts.TryGetValue(sink, out var count) ? count : 0;

        public void Dispose() => _listener.Dispose();
    }
}
