using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.Proofs.Tests;

/// <summary>
/// The behaviour every <see cref="IConsentProofStore"/> must have, run against SQLite and a real PostgreSQL. Each test
/// gets a fresh database.
/// </summary>
public sealed class ProofStoreConformanceTests
{
    private readonly FakeTimeProvider _time = new(Drafts.Start);

    [Theory, SqliteStore, PostgresStore]
    public async Task Append_returns_the_record_as_stored_and_export_reads_it_back_field_for_field(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        var draft = new ConsentProofDraft
        {
            ConsentId = "AbCdEfGhIjKlMnOpQrStUv",
            SubjectKey = "subject-é-1",
            Tenant = "0750001A",
            // 100 ns precision on purpose: stores keep microseconds, and the record must hash the same when read back.
            Timestamp = new DateTimeOffset(2026, 1, 15, 10, 0, 0, TimeSpan.FromHours(1)).AddTicks(1234567),
            Decisions = new Dictionary<string, ConsentDecision> { ["youtube"] = ConsentDecision.Denied, ["dnma"] = ConsentDecision.Granted },
            PolicyVersion = "0123456789abcdef",
            TextsHash = "texts",
            Locale = "fr",
            Channel = ConsentChannel.PreferenceCentre,
            UserAgentFamily = "Chrome 131",
            IpPrefix = "192.0.2.0/24",
        };
        _time.Advance(TimeSpan.FromTicks(7));

        var appended = await harness.Store.AppendAsync(draft);
        var exported = Assert.Single(await harness.Store.ExportByConsentIdAsync("AbCdEfGhIjKlMnOpQrStUv"));

        Assert.Equal(1, appended.Sequence);
        Assert.Equal(ProofChain.GenesisHash, appended.PreviousHash);
        Assert.True(ProofChain.HasValidHash(appended));
        Assert.True(ProofChain.HasValidHash(exported));
        Assert.Equal(appended.Hash, exported.Hash);
        Assert.Equal(appended.RecordId, exported.RecordId);
        Assert.Equal(appended.RecordedAt, exported.RecordedAt);
        Assert.Equal(draft.Timestamp.UtcTicks / 10 * 10, exported.Content.Timestamp.UtcTicks);
        Assert.Equal(TimeSpan.Zero, exported.Content.Timestamp.Offset);
        Assert.Equal("subject-é-1", exported.Content.SubjectKey);
        Assert.Equal("0750001A", exported.Content.Tenant);
        Assert.Equal(ConsentDecision.Denied, exported.Content.Decisions["youtube"]);
        Assert.Equal(ConsentDecision.Granted, exported.Content.Decisions["dnma"]);
        Assert.Equal(2, exported.Content.Decisions.Count);
        Assert.Equal(ConsentChannel.PreferenceCentre, exported.Content.Channel);
        Assert.Equal("Chrome 131", exported.Content.UserAgentFamily);
        Assert.Equal("192.0.2.0/24", exported.Content.IpPrefix);
        Assert.Equal("texts", exported.Content.TextsHash);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Console_rows_read_back_alike_in_every_store_with_days_cut_at_utc_midnight(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        var console = harness.OpenConsoleData();
        var journal = (IConsentAdministrationJournal)console;
        var midnight = new DateTimeOffset(2026, 1, 16, 0, 0, 0, TimeSpan.Zero);
        // A grant one microsecond before midnight, its withdrawal at midnight: two days, one withdrawal.
        _time.Advance(midnight - _time.GetUtcNow() - TimeSpan.FromTicks(10));
        await harness.Store.AppendAsync(Drafts.Choice("c-1", timestamp: _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromTicks(10));
        await harness.Store.AppendAsync(Drafts.Choice("c-1", youtube: ConsentDecision.Denied, timestamp: _time.GetUtcNow(), channel: ConsentChannel.PreferenceCentre));
        var at = midnight.AddTicks(1_234_560);
        await journal.RecordAsync(new ConsentAdministrationEntry(at, "dpo", "verify", "chain", "chain valid"));
        await journal.RememberPolicyAsync(new ConsentPolicySnapshot("v1", at, ["a = 1", "b = 2"]));
        await journal.RememberPolicyAsync(new ConsentPolicySnapshot("v2", at.AddDays(1), ["a = 1"]));

        var counts = await console.CountChoicesAsync(new ConsentStatisticsQuery(midnight.AddDays(-1), midnight.AddDays(1)));
        var entry = Assert.Single(await journal.ReadRecentAsync(5));
        var previous = await journal.FindPreviousPolicyAsync("v2");

        var day1 = new DateOnly(2026, 1, 15);
        var day2 = new DateOnly(2026, 1, 16);
        Assert.Equal(
            [
                new ConsentChoiceCount(day1, "ga4", ConsentChannel.FirstLayer, 0, 1, 0),
                new ConsentChoiceCount(day1, "matomo", ConsentChannel.FirstLayer, 1, 0, 0),
                new ConsentChoiceCount(day1, "youtube", ConsentChannel.FirstLayer, 1, 0, 0),
                new ConsentChoiceCount(day2, "ga4", ConsentChannel.PreferenceCentre, 0, 1, 0),
                new ConsentChoiceCount(day2, "matomo", ConsentChannel.PreferenceCentre, 1, 0, 0),
                new ConsentChoiceCount(day2, "youtube", ConsentChannel.PreferenceCentre, 0, 0, 1),
            ],
            counts);
        Assert.Equal(new ConsentAdministrationEntry(at, "dpo", "verify", "chain", "chain valid"), entry);
        Assert.Equal("v1", previous?.Version);
        Assert.Equal(at, previous?.FirstSeenAt);
        Assert.Equal(["a = 1", "b = 2"], previous?.Lines);
        Assert.Null(await journal.FindPreviousPolicyAsync("v1"));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Appends_link_each_record_to_the_one_before_and_the_chain_verifies(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        var proofs = new List<ConsentProof>();
        for (var i = 0; i < 5; i++)
        {
            proofs.Add(await harness.Store.AppendAsync(Drafts.Choice($"c-{i}")));
            _time.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal([1L, 2, 3, 4, 5], proofs.Select(p => p.Sequence));
        for (var i = 1; i < proofs.Count; i++)
        {
            Assert.Equal(proofs[i - 1].Hash, proofs[i].PreviousHash);
        }

        var verification = await harness.Store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(5, verification.RecordCount);
        Assert.Equal(5, verification.HeadSequence);
        Assert.Equal(proofs[^1].Hash, verification.HeadHash);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_empty_store_verifies(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);

        var verification = await harness.Store.VerifyAsync();

        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(0, verification.RecordCount);
        Assert.Equal(ProofChain.GenesisHash, verification.HeadHash);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Export_by_consent_id_returns_that_choice_s_records_only_in_chain_order(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await harness.Store.AppendAsync(Drafts.Choice("a", youtube: ConsentDecision.Granted));
        await harness.Store.AppendAsync(Drafts.Choice("b"));
        await harness.Store.AppendAsync(Drafts.Choice("a", youtube: ConsentDecision.Denied));

        var records = await harness.Store.ExportByConsentIdAsync("a");

        Assert.Equal([1L, 3], records.Select(r => r.Sequence));
        Assert.Equal(ConsentDecision.Denied, records[^1].Content.Decisions["youtube"]);
        Assert.Empty(await harness.Store.ExportByConsentIdAsync("unknown"));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Export_by_subject_returns_every_choice_of_that_subject_across_consent_ids(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await harness.Store.AppendAsync(Drafts.Choice("laptop", subjectKey: "alice"));
        await harness.Store.AppendAsync(Drafts.Choice("anon"));
        await harness.Store.AppendAsync(Drafts.Choice("phone", subjectKey: "alice", tenant: "0750001A"));
        await harness.Store.AppendAsync(Drafts.Choice("other", subjectKey: "bob"));

        var records = await harness.Store.ExportBySubjectAsync("alice");

        Assert.Equal(["laptop", "phone"], records.Select(r => r.Content.ConsentId));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Latest_choice_of_a_subject_is_found_per_tenant(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await harness.Store.AppendAsync(Drafts.Choice("first", subjectKey: "alice", tenant: "0750001A", youtube: ConsentDecision.Granted));
        await harness.Store.AppendAsync(Drafts.Choice("second", subjectKey: "alice", tenant: "0750001A", youtube: ConsentDecision.Denied));
        await harness.Store.AppendAsync(Drafts.Choice("elsewhere", subjectKey: "alice", tenant: "0690002B"));
        await harness.Store.AppendAsync(Drafts.Choice("single-tenant", subjectKey: "alice"));
        await harness.Store.AppendAsync(Drafts.Choice("someone-else", subjectKey: "bob", tenant: "0750001A"));

        Assert.Equal("second", (await harness.Store.FindLatestBySubjectAsync("alice", "0750001A"))?.Content.ConsentId);
        Assert.Equal("elsewhere", (await harness.Store.FindLatestBySubjectAsync("alice", "0690002B"))?.Content.ConsentId);
        Assert.Equal("single-tenant", (await harness.Store.FindLatestBySubjectAsync("alice", null))?.Content.ConsentId);
        Assert.Null(await harness.Store.FindLatestBySubjectAsync("carol", "0750001A"));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Guardians_decisions_about_a_minor_round_trip_are_found_latest_per_guardian_and_exported_with_the_minor(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        var store = harness.Store;
        await store.AppendAsync(Drafts.Choice("minor-own", subjectKey: "minor", tenant: "0750001A"));
        await store.AppendAsync(Drafts.Choice("p1-grant", subjectKey: "parent-1", tenant: "0750001A", aboutSubjectKey: "minor"));
        await store.AppendAsync(Drafts.Choice("p2-grant", subjectKey: "parent-2", tenant: "0750001A", aboutSubjectKey: "minor"));
        var withdrawal = await store.AppendAsync(Drafts.Choice("p1-withdrawal", subjectKey: "parent-1", tenant: "0750001A", youtube: ConsentDecision.Denied, aboutSubjectKey: "minor"));
        await store.AppendAsync(Drafts.Choice("p1-own", subjectKey: "parent-1", tenant: "0750001A"));
        await store.AppendAsync(Drafts.Choice("p1-other-school", subjectKey: "parent-1", tenant: "0690002B", aboutSubjectKey: "minor"));
        await store.AppendAsync(Drafts.Choice("sibling", subjectKey: "parent-1", tenant: "0750001A", aboutSubjectKey: "sibling"));

        var latest = await store.FindLatestAboutSubjectAsync("minor", "0750001A");
        var export = await store.ExportBySubjectAsync("minor");
        var read = Assert.Single(await store.ExportByConsentIdAsync("p1-withdrawal"));

        Assert.Equal(["p2-grant", "p1-withdrawal"], latest.Select(r => r.Content.ConsentId));
        Assert.Equal(["minor-own", "p1-grant", "p2-grant", "p1-withdrawal", "p1-other-school"], export.Select(r => r.Content.ConsentId));
        Assert.Equal("minor", read.Content.AboutSubjectKey);
        Assert.Equal("parent-1", read.Content.SubjectKey);
        Assert.Equal(withdrawal.Hash, read.Hash);
        Assert.True(ProofChain.HasValidHash(read));
        // A parent's own restoration never picks a decision they made about a child.
        Assert.Equal("p1-own", (await store.FindLatestBySubjectAsync("parent-1", "0750001A"))?.Content.ConsentId);
        Assert.Null(await store.FindLatestBySubjectAsync("parent-1", "0690002B"));
        Assert.Null((await store.ExportByConsentIdAsync("minor-own"))[0].Content.AboutSubjectKey);
        var verification = await store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task A_database_made_before_joint_consent_gets_the_column_at_start_and_its_chain_still_verifies(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await harness.Store.AppendAsync(Drafts.Choice("before", subjectKey: "minor"));
        await harness.ExecuteAsync(kind == StoreKind.Sqlite
            ? "DROP INDEX IF EXISTS consent_proofs_about_subject; ALTER TABLE {proofs} DROP COLUMN about_subject_key"
            : "ALTER TABLE {proofs} DROP COLUMN about_subject_key");

        var upgraded = harness.OpenAnotherNode();
        await upgraded.AppendAsync(Drafts.Choice("after", subjectKey: "parent", aboutSubjectKey: "minor"));

        var verification = await upgraded.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(2, verification.RecordCount);
        Assert.Equal(["before", "after"], (await upgraded.ExportBySubjectAsync("minor")).Select(r => r.Content.ConsentId));
    }

    [Fact]
    public void A_record_without_a_subject_it_is_about_hashes_as_before_and_one_with_it_differently()
    {
        var draft = ProofChain.Normalize(Drafts.Choice("c", subjectKey: "parent"));
        var about = ProofChain.Normalize(Drafts.Choice("c", subjectKey: "parent", aboutSubjectKey: "minor"));
        var aboutOther = ProofChain.Normalize(Drafts.Choice("c", subjectKey: "parent", aboutSubjectKey: "other"));

        var plain = ProofChain.ComputeRecordHash(1, "r", Drafts.Start, draft, ProofChain.GenesisHash);
        Assert.NotEqual(plain, ProofChain.ComputeRecordHash(1, "r", Drafts.Start, about, ProofChain.GenesisHash));
        Assert.NotEqual(ProofChain.ComputeRecordHash(1, "r", Drafts.Start, aboutOther, ProofChain.GenesisHash), ProofChain.ComputeRecordHash(1, "r", Drafts.Start, about, ProofChain.GenesisHash));
        Assert.Throws<ArgumentException>(() => ProofChain.Normalize(Drafts.Choice("c", subjectKey: null, aboutSubjectKey: "minor")));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_invalid_draft_is_refused_and_nothing_is_written(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        var empty = new ConsentProofDraft
        {
            ConsentId = "",
            Timestamp = Drafts.Start,
            Decisions = new Dictionary<string, ConsentDecision>(),
            PolicyVersion = "v",
            TextsHash = "t",
            Locale = "fr",
            Channel = ConsentChannel.Api,
        };
        var controlCharacter = Drafts.Choice("c\u0000");
        var undefinedDecision = Drafts.Choice() is var d ? new ConsentProofDraft
        {
            ConsentId = d.ConsentId, Timestamp = d.Timestamp, PolicyVersion = d.PolicyVersion, TextsHash = d.TextsHash, Locale = d.Locale, Channel = d.Channel,
            Decisions = new Dictionary<string, ConsentDecision> { ["youtube"] = (ConsentDecision)7 },
        } : null!;

        Assert.Contains("ConsentId", (await Assert.ThrowsAsync<ArgumentException>(() => harness.Store.AppendAsync(empty))).Message);
        Assert.Contains("control", (await Assert.ThrowsAsync<ArgumentException>(() => harness.Store.AppendAsync(controlCharacter))).Message);
        Assert.Contains("youtube", (await Assert.ThrowsAsync<ArgumentException>(() => harness.Store.AppendAsync(undefinedDecision))).Message);
        Assert.Equal(0, await harness.CountRecordsAsync());
        Assert.Equal(0, (await harness.Store.VerifyAsync()).HeadSequence);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task An_append_cancelled_before_it_is_written_is_never_written(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.Store.AppendAsync(Drafts.Choice("cancelled"), new CancellationToken(canceled: true)));
        var next = await harness.Store.AppendAsync(Drafts.Choice("next"));

        Assert.Equal(1, next.Sequence);
        Assert.Empty(await harness.Store.ExportByConsentIdAsync("cancelled"));
        Assert.Equal(1, await harness.CountRecordsAsync());
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Concurrent_appends_from_two_nodes_give_exactly_one_record_each_and_one_valid_chain(StoreKind kind)
    {
        const int PerNode = 100;
        await using var harness = await StoreHarness.CreateAsync(kind, TimeProvider.System);
        var nodes = new[] { harness.Store, harness.OpenAnotherNode() };

        var appends = Enumerable.Range(0, PerNode * nodes.Length)
            .Select(i => Task.Run(() => nodes[i % nodes.Length].AppendAsync(Drafts.Choice($"c-{i}"))))
            .ToArray();
        var proofs = await Task.WhenAll(appends);

        Assert.Equal(Enumerable.Range(1, PerNode * nodes.Length).Select(i => (long)i), proofs.Select(p => p.Sequence).Order());
        Assert.Equal(PerNode * nodes.Length, proofs.Select(p => p.Content.ConsentId).Distinct().Count());
        Assert.Equal(PerNode * nodes.Length, await harness.CountRecordsAsync());
        var verification = await harness.Store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(PerNode * nodes.Length, verification.RecordCount);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Edited_record_is_named_by_verification(StoreKind kind)
    {
        await using var harness = await AppendFiveAsync(kind);
        var target = Assert.Single(await harness.Store.ExportByConsentIdAsync("c-3"));

        Assert.Equal(1, await harness.ExecuteAsync("UPDATE {proofs} SET decisions = '{\"ga4\":\"granted\",\"matomo\":\"granted\",\"youtube\":\"granted\"}' WHERE sequence = 3"));
        var verification = await harness.Store.VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Equal(target.RecordId, verification.FirstBrokenRecordId);
        Assert.Contains("Record 3 does not match its hash", verification.Reason);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Record_edited_with_a_recomputed_hash_breaks_the_next_link(StoreKind kind)
    {
        await using var harness = await AppendFiveAsync(kind);
        var original = Assert.Single(await harness.Store.ExportByConsentIdAsync("c-3"));
        var forged = new ConsentProof
        {
            Sequence = original.Sequence,
            RecordId = original.RecordId,
            RecordedAt = original.RecordedAt,
            PreviousHash = original.PreviousHash,
            Content = Drafts.Choice("c-3", youtube: ConsentDecision.Denied),
            Hash = "",
        };
        var forgedHash = ProofChain.ComputeRecordHash(forged.Sequence, forged.RecordId, forged.RecordedAt, forged.Content, forged.PreviousHash);

        await harness.ExecuteAsync($"UPDATE {{proofs}} SET decisions = '{{\"ga4\":\"denied\",\"matomo\":\"granted\",\"youtube\":\"denied\"}}', hash = '{forgedHash}' WHERE sequence = 3");
        var verification = await harness.Store.VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.Equal(4, verification.FirstBrokenSequence);
        Assert.Contains("Record 4 does not link to the record before it", verification.Reason);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Deleted_record_is_named_by_verification(StoreKind kind)
    {
        await using var harness = await AppendFiveAsync(kind);
        var next = Assert.Single(await harness.Store.ExportByConsentIdAsync("c-4"));

        Assert.Equal(1, await harness.ExecuteAsync("DELETE FROM {proofs} WHERE sequence = 3"));
        var verification = await harness.Store.VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.Equal(4, verification.FirstBrokenSequence);
        Assert.Equal(next.RecordId, verification.FirstBrokenRecordId);
        Assert.Contains("record 3 is missing", verification.Reason);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Deleted_last_record_is_caught_by_the_chain_head(StoreKind kind)
    {
        await using var harness = await AppendFiveAsync(kind);

        await harness.ExecuteAsync("DELETE FROM {proofs} WHERE sequence = 5");
        var verification = await harness.Store.VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.Equal(5, verification.FirstBrokenSequence);
        Assert.Contains("Record 5, the head of the chain, is missing", verification.Reason);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Reordered_records_are_named_by_verification(StoreKind kind)
    {
        await using var harness = await AppendFiveAsync(kind);
        var movedUp = Assert.Single(await harness.Store.ExportByConsentIdAsync("c-4"));

        // Records 3 and 4 swap places.
        await harness.ExecuteAsync("UPDATE {proofs} SET sequence = -3 WHERE sequence = 3");
        await harness.ExecuteAsync("UPDATE {proofs} SET sequence = 3 WHERE sequence = 4");
        await harness.ExecuteAsync("UPDATE {proofs} SET sequence = 4 WHERE sequence = -3");
        var verification = await harness.Store.VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Equal(movedUp.RecordId, verification.FirstBrokenRecordId);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Purge_deletes_the_records_taken_before_the_cutoff_and_the_chain_still_verifies(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        for (var month = 0; month < 6; month++)
        {
            await harness.Store.AppendAsync(Drafts.Choice($"c-{month}"));
            _time.Advance(TimeSpan.FromDays(31));
        }

        var cutoff = Drafts.Start.AddDays(31 * 3);
        var deleted = await harness.Store.PurgeAsync(cutoff);
        var verification = await harness.Store.VerifyAsync();

        Assert.Equal(3, deleted);
        Assert.Equal(3, await harness.CountRecordsAsync());
        Assert.Empty(await harness.Store.ExportByConsentIdAsync("c-2"));
        Assert.Single(await harness.Store.ExportByConsentIdAsync("c-3"));
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(3, verification.RecordCount);
        Assert.Equal(6, verification.HeadSequence);
        Assert.Equal(0, await harness.Store.PurgeAsync(cutoff));
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Purge_counts_chain_positions_so_every_store_returns_the_same_number_for_the_same_data(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        // Ten records taken at one instant (as one batch would be), then five later.
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => harness.Store.AppendAsync(Drafts.Choice($"early-{i}"))));
        _time.Advance(TimeSpan.FromDays(10));
        for (var i = 0; i < 5; i++)
        {
            await harness.Store.AppendAsync(Drafts.Choice($"late-{i}"));
        }

        // A record already missing from the purged range (deleted behind the store's back) still counts as a position.
        await harness.ExecuteAsync("DELETE FROM {proofs} WHERE sequence = 4");

        Assert.Equal(10, await harness.Store.PurgeAsync(Drafts.Start.AddDays(5)));
        Assert.Equal(0, await harness.Store.PurgeAsync(Drafts.Start.AddDays(5)));
        Assert.Equal(5, await harness.Store.PurgeAsync(_time.GetUtcNow().AddTicks(10)));
        Assert.Equal(0, await harness.CountRecordsAsync());
        var verification = await harness.Store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(15, verification.HeadSequence);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Purges_run_between_batches_so_appends_made_meanwhile_are_all_kept_in_one_valid_chain(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        for (var i = 0; i < 20; i++)
        {
            await harness.Store.AppendAsync(Drafts.Choice($"old-{i}"));
        }

        _time.Advance(TimeSpan.FromDays(1));
        var cutoff = _time.GetUtcNow();
        var appends = Enumerable.Range(0, 200).Select(i => harness.Store.AppendAsync(Drafts.Choice($"new-{i}"))).ToList();
        var purges = Enumerable.Range(0, 5).Select(_ => harness.Store.PurgeAsync(cutoff)).ToList();
        var appended = await Task.WhenAll(appends);
        var purged = await Task.WhenAll(purges);

        Assert.Equal(20, purged.Sum());
        Assert.Equal(200, await harness.CountRecordsAsync());
        Assert.Equal(Enumerable.Range(21, 200).Select(i => (long)i), appended.Select(p => p.Sequence).Order());
        var verification = await harness.Store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(200, verification.RecordCount);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task After_purges_the_chain_goes_on_and_still_catches_a_deleted_record(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        for (var i = 0; i < 4; i++)
        {
            await harness.Store.AppendAsync(Drafts.Choice($"c-{i}"));
            _time.Advance(TimeSpan.FromDays(40));
        }

        Assert.Equal(2, await harness.Store.PurgeAsync(Drafts.Start.AddDays(80)));
        // A purge of everything, then more appends: the anchors carry the chain.
        Assert.Equal(2, await harness.Store.PurgeAsync(_time.GetUtcNow()));
        for (var i = 4; i < 7; i++)
        {
            await harness.Store.AppendAsync(Drafts.Choice($"c-{i}"));
        }

        var valid = await harness.Store.VerifyAsync();
        Assert.True(valid.IsValid, valid.Reason);
        Assert.Equal(3, valid.RecordCount);

        await harness.ExecuteAsync("DELETE FROM {proofs} WHERE sequence = 5");
        var broken = await harness.Store.VerifyAsync();
        Assert.False(broken.IsValid);
        Assert.Equal(6, broken.FirstBrokenSequence);
        Assert.Contains("record 5 is missing", broken.Reason);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task First_record_after_a_purge_must_link_to_the_anchor(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        for (var i = 0; i < 4; i++)
        {
            await harness.Store.AppendAsync(Drafts.Choice($"c-{i}"));
            _time.Advance(TimeSpan.FromDays(40));
        }

        await harness.Store.PurgeAsync(Drafts.Start.AddDays(80));
        var first = Assert.Single(await harness.Store.ExportByConsentIdAsync("c-2"));
        // Someone replaces the first remaining record's link, as if it followed a different history.
        await harness.ExecuteAsync($"UPDATE {{proofs}} SET previous_hash = '{new string('0', 64)}' WHERE sequence = 3");
        var verification = await harness.Store.VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.Equal(3, verification.FirstBrokenSequence);
        Assert.Equal(first.RecordId, verification.FirstBrokenRecordId);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Edited_anchor_is_caught_by_verification(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        for (var i = 0; i < 4; i++)
        {
            await harness.Store.AppendAsync(Drafts.Choice($"c-{i}"));
            _time.Advance(TimeSpan.FromDays(40));
        }

        await harness.Store.PurgeAsync(Drafts.Start.AddDays(80));
        // Pretend fewer records were purged than were.
        await harness.ExecuteAsync("UPDATE {anchors} SET purged_through_sequence = 1 WHERE sequence = 1");
        var verification = await harness.Store.VerifyAsync();

        Assert.False(verification.IsValid);
        Assert.Contains("Anchor 1 does not match its hash", verification.Reason);
    }

    [Theory, SqliteStore, PostgresStore]
    public async Task Unavailable_store_refuses_the_append_with_the_unavailable_exception_and_nothing_is_half_written(StoreKind kind)
    {
        await using var harness = await StoreHarness.CreateAsync(kind, _time);
        await harness.Store.AppendAsync(Drafts.Choice("before"));

        var (unavailable, outage) = await harness.OpenUnavailableAsync();
        await using (outage)
        {
            await Assert.ThrowsAsync<ConsentProofStoreUnavailableException>(() => unavailable.AppendAsync(Drafts.Choice("during")));
        }

        await harness.Store.AppendAsync(Drafts.Choice("after"));
        var verification = await harness.Store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(2, verification.RecordCount);
        Assert.Empty(await harness.Store.ExportByConsentIdAsync("during"));
    }

    private async Task<StoreHarness> AppendFiveAsync(StoreKind kind)
    {
        var harness = await StoreHarness.CreateAsync(kind, _time);
        for (var i = 1; i <= 5; i++)
        {
            await harness.Store.AppendAsync(Drafts.Choice($"c-{i}"));
            _time.Advance(TimeSpan.FromSeconds(1));
        }

        var verification = await harness.Store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        return harness;
    }
}
