using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.Proofs.Tests;

/// <summary>
/// Signed checkpoints against real stores: an attacker with write access to the database recomputes every hash of
/// the chain from an edited record onwards (so the chain alone verifies), and the checkpoints catch it.
/// </summary>
public sealed class CheckpointChainTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(Drafts.Start);
    private readonly ProofCheckpointKey _key = ProofCheckpointKey.Create();
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-checkpoints-").FullName;

    private ProofCheckpointFile File => new(Path.Combine(_folder, "proof-checkpoints.jsonl"));

    [Theory, SqliteStore, PostgresStore]
    public async Task Untouched_chain_verifies_against_its_checkpoints(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await AppendAsync(harness, 1, 3);
        await CheckpointAsync(harness);
        await AppendAsync(harness, 4, 5);
        await CheckpointAsync(harness);

        var verification = await harness.Store.VerifyWithSignedCheckpointsAsync(File.ReadAll(), [_key]);

        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(2, verification.CheckpointsChecked);
        Assert.Equal(5, verification.LatestCheckpoint?.Sequence);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Chain_rewritten_with_recomputed_hashes_after_a_checkpoint_fails_citing_it(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await AppendAsync(harness, 1, 3);
        var pinned = await CheckpointAsync(harness);
        await AppendAsync(harness, 4, 5);

        await RewriteFromAsync(harness, 2);
        var unanchored = await harness.Store.VerifyAsync();
        var verification = await harness.Store.VerifyWithSignedCheckpointsAsync(File.ReadAll(), [_key]);

        // Without the checkpoint the forgery passes: that is the attack checkpoints exist for.
        Assert.True(unanchored.IsValid, unanchored.Reason);
        Assert.False(verification.IsValid);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Contains("Record 3 does not match the checkpoint signed at", verification.Reason);
        Assert.Contains(pinned.KeyId, verification.Reason);
        Assert.Contains("rewritten after that checkpoint", verification.Reason);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Chain_cut_back_to_an_older_head_fails_against_a_later_checkpoint(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await AppendAsync(harness, 1, 5);
        await CheckpointAsync(harness);
        var third = Assert.Single(await harness.Store.ExportByConsentIdAsync("c-3"));

        // As a restore of an older copy would leave it: records 4 and 5 gone, the head back at 3.
        await harness.ExecuteAsync("DELETE FROM {proofs} WHERE sequence > 3");
        await harness.ExecuteAsync($"UPDATE {{head}} SET sequence = 3, hash = '{third.Hash}' WHERE id = 1");
        var unanchored = await harness.Store.VerifyAsync();
        var verification = await harness.Store.VerifyWithSignedCheckpointsAsync(File.ReadAll(), [_key]);

        Assert.True(unanchored.IsValid, unanchored.Reason);
        Assert.False(verification.IsValid);
        Assert.Equal(4, verification.FirstBrokenSequence);
        Assert.Contains("The chain ends at record 3", verification.Reason);
        Assert.Contains("pinned record 5", verification.Reason);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Purge_of_checkpointed_records_is_not_an_alarm(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await AppendAsync(harness, 1, 2);
        await CheckpointAsync(harness);
        await AppendAsync(harness, 3, 3);
        await CheckpointAsync(harness);
        _time.Advance(TimeSpan.FromDays(40));
        await AppendAsync(harness, 4, 5);
        await CheckpointAsync(harness);

        Assert.Equal(3, await harness.Store.PurgeAsync(Drafts.Start.AddDays(20)));
        var verification = await harness.Store.VerifyWithSignedCheckpointsAsync(File.ReadAll(), [_key]);

        // Record 2's checkpoint cannot be compared any more; record 3's is compared with the anchor.
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(2, verification.CheckpointsChecked);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Rewrite_hidden_behind_a_purge_boundary_is_caught_by_the_anchor(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await AppendAsync(harness, 1, 3);
        await CheckpointAsync(harness);
        _time.Advance(TimeSpan.FromDays(40));
        await AppendAsync(harness, 4, 5);
        await RewriteFromAsync(harness, 2);
        Assert.Equal(3, await harness.Store.PurgeAsync(Drafts.Start.AddDays(20)));

        var verification = await harness.Store.VerifyWithSignedCheckpointsAsync(File.ReadAll(), [_key]);

        Assert.False(verification.IsValid);
        Assert.Contains("Anchor 1 says record 3 had hash", verification.Reason);
    }

    [Theory, SqliteStore]
    public async Task Checkpoint_altered_in_the_file_or_signed_by_another_key_is_reported(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await AppendAsync(harness, 1, 2);
        var genuine = await CheckpointAsync(harness);
        using var stranger = ProofCheckpointKey.Create();

        var altered = new ProofCheckpoint { Sequence = 1, HeadHash = genuine.HeadHash, CreatedAt = genuine.CreatedAt, KeyId = genuine.KeyId, Signature = genuine.Signature };
        var foreign = stranger.Sign(genuine.Sequence, genuine.HeadHash, genuine.CreatedAt);
        var alteredResult = await harness.Store.VerifyWithSignedCheckpointsAsync([genuine, altered], [_key]);
        var foreignResult = await harness.Store.VerifyWithSignedCheckpointsAsync([genuine, foreign], [_key]);
        var trustedBoth = await harness.Store.VerifyWithSignedCheckpointsAsync([genuine, foreign], [_key, stranger]);

        Assert.False(alteredResult.IsValid);
        Assert.Contains("does not match its signature", alteredResult.Reason);
        Assert.False(foreignResult.IsValid);
        Assert.Contains($"signed by key {stranger.KeyId}, which is not trusted", foreignResult.Reason);
        Assert.True(trustedBoth.IsValid, trustedBoth.Reason);
    }

    [Theory, SqliteStore]
    public async Task Two_signed_checkpoints_that_disagree_on_a_record_are_reported(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await AppendAsync(harness, 1, 2);
        var genuine = await CheckpointAsync(harness);
        var other = _key.Sign(genuine.Sequence, new string('0', 64), genuine.CreatedAt.AddMinutes(10));

        var verification = await harness.Store.VerifyWithSignedCheckpointsAsync([genuine, other], [_key]);

        Assert.False(verification.IsValid);
        Assert.Contains("Two signed checkpoints disagree on record 2", verification.Reason);
    }

    [Fact]
    public void Checkpoint_round_trips_through_its_json_line_and_verifies_with_the_public_key_alone()
    {
        var checkpoint = _key.Sign(42, new string('a', 64), Drafts.Start.AddTicks(1234567));
        using var verifier = ProofCheckpointKey.FromPem(_key.ExportPublicKeyPem());
        using var reloaded = ProofCheckpointKey.FromPem(_key.ExportPrivateKeyPem());

        var parsed = ProofCheckpoint.Parse(checkpoint.ToJson());

        Assert.False(verifier.CanSign);
        Assert.True(reloaded.CanSign);
        Assert.Equal(_key.KeyId, verifier.KeyId);
        Assert.Equal(_key.KeyId, reloaded.KeyId);
        Assert.True(verifier.Verify(parsed));
        Assert.Equal(Drafts.Start.AddTicks(1234560), parsed.CreatedAt);
        Assert.StartsWith("{\"format\":\"ent-consent/checkpoint/1\",\"sequence\":42,", checkpoint.ToJson());
        Assert.False(verifier.Verify(new ProofCheckpoint { Sequence = 43, HeadHash = parsed.HeadHash, CreatedAt = parsed.CreatedAt, KeyId = parsed.KeyId, Signature = parsed.Signature }));
        Assert.Throws<InvalidOperationException>(() => verifier.Sign(1, "h", Drafts.Start));
    }

    [Fact]
    public async Task Checkpoint_file_skips_a_line_cut_short_by_a_crash_and_rejects_any_other_bad_line()
    {
        var file = File;
        await file.WriteAsync(_key.Sign(1, new string('a', 64), Drafts.Start));
        await file.WriteAsync(_key.Sign(2, new string('b', 64), Drafts.Start));
        await System.IO.File.AppendAllTextAsync(file.Path, "{\"format\":\"ent-consent/checkpoint/1\",\"seq");

        Assert.Equal([1L, 2], file.ReadAll().Select(static c => c.Sequence));

        await System.IO.File.AppendAllTextAsync(file.Path, "\n");
        var error = Assert.Throws<FormatException>(() => file.ReadAll());
        Assert.Contains("line 3", error.Message);
    }

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private async Task AppendAsync(StoreHarness harness, int from, int to)
    {
        for (var i = from; i <= to; i++)
        {
            await harness.Store.AppendAsync(Drafts.Choice($"c-{i}"));
            _time.Advance(TimeSpan.FromSeconds(1));
        }
    }

    private async Task<ProofCheckpoint> CheckpointAsync(StoreHarness harness)
    {
        var head = await harness.Store.ReadHeadAsync();
        var checkpoint = _key.Sign(head.Sequence, head.Hash, _time.GetUtcNow());
        await File.WriteAsync(checkpoint);
        return checkpoint;
    }

    private static Task RewriteFromAsync(StoreHarness harness, long from) => ChainForgery.RewriteFromAsync(harness.Store, harness.ExecuteAsync, from);
}
