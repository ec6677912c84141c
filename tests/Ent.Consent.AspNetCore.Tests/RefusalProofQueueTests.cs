using Ent.Consent.AspNetCore.Proofs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>The refusal path at the edge of its store timeout.</summary>
public sealed class RefusalProofQueueTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("ent-refusal-queue-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task A_refusal_whose_store_append_completes_as_the_timeout_fires_is_answered_and_recorded_once()
    {
        // The store finishes the append from the timeout's own cancellation, so the wait gives up and the append
        // has succeeded by the time the refusal path looks at it: the race a loaded server meets once in a while.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 4, 0, 0, TimeSpan.Zero));
        var store = new StoreCompletingOnCancellation();
        using var spool = new RefusalProofSpool(_directory, time);
        using var queue = new RefusalProofQueue(store, spool, TimeSpan.FromMilliseconds(200), time, NullLogger.Instance);

        var recording = queue.RecordAsync(Draft("c1", time.GetUtcNow()));
        time.Advance(TimeSpan.FromMilliseconds(200));
        await recording.WaitAsync(TimeSpan.FromSeconds(10));

        // Answered without an exception (an endpoint would otherwise answer 500 to a refusal that was recorded).
        Assert.True(recording.IsCompletedSuccessfully);
        Assert.Equal(1, store.Appended);
    }

    private static ConsentProofDraft Draft(string consentId, DateTimeOffset at) => new()
    {
        ConsentId = consentId,
        Timestamp = at,
        Decisions = new Dictionary<string, ConsentDecision> { ["youtube"] = ConsentDecision.Denied },
        PolicyVersion = "v1",
        TextsHash = "t1",
        Locale = "fr-FR",
        Channel = ConsentChannel.Api,
    };

    private sealed class StoreCompletingOnCancellation : IConsentProofStore
    {
        public int Appended;

        public Task<ConsentProof> AppendAsync(ConsentProofDraft draft, CancellationToken cancellationToken = default)
        {
            var appended = new TaskCompletionSource<ConsentProof>();
            cancellationToken.Register(() =>
            {
                Interlocked.Increment(ref Appended);
                appended.TrySetResult(new ConsentProof { Sequence = 1, RecordId = "r1", Content = draft, PreviousHash = "", Hash = "h1" });
            });
            return appended.Task;
        }

        public Task<IReadOnlyList<ConsentProof>> ExportByConsentIdAsync(string consentId, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<ConsentProof>> ExportBySubjectAsync(string subjectKey, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ConsentProof?> FindLatestBySubjectAsync(string subjectKey, string? tenant, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<ChainVerification> VerifyAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<long> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
