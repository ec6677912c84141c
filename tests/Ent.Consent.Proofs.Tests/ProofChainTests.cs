namespace Ent.Consent.Proofs.Tests;

/// <summary>The hashing rules every store shares and an auditor re-runs.</summary>
public sealed class ProofChainTests
{
    private static readonly DateTimeOffset RecordedAt = new(2026, 1, 15, 9, 30, 0, 123, TimeSpan.Zero);

    [Fact]
    public void Record_hash_is_pinned_so_that_old_proofs_keep_verifying_after_an_upgrade()
    {
        var hash = ProofChain.ComputeRecordHash(1, "0193a0b0c0d0e0f00112233445566778", RecordedAt, Drafts.Choice(), ProofChain.GenesisHash);

        // Computed independently from the format in docs/adr/0006-proof-chain.md. Changing the canonical form would
        // orphan every stored proof: this value must never change for format 1.
        Assert.Equal("a9ad60dad37d03ef1513be558b4224e3942d17fd7e0f104b7b87fd9d0e64bb21", hash);
    }

    [Fact]
    public void Genesis_hash_is_the_sha256_of_the_chain_format_name()
        => Assert.Equal("6055d0fd5da58a510da3aec2ab2b603531befc57cbb4c213aa266565252cd5f0", ProofChain.GenesisHash);

    [Fact]
    public void Moving_text_between_adjacent_fields_changes_the_hash()
    {
        var left = With(Drafts.Choice(), subjectKey: "ab", tenant: "c");
        var right = With(Drafts.Choice(), subjectKey: "a", tenant: "bc");
        var nullVersusEmpty = With(Drafts.Choice(), subjectKey: null, tenant: "c");
        var emptyText = With(Drafts.Choice(), subjectKey: "", tenant: "c");

        Assert.NotEqual(Hash(left), Hash(right));
        Assert.NotEqual(Hash(nullVersusEmpty), Hash(emptyText));
    }

    [Fact]
    public void Order_in_which_decisions_were_listed_does_not_change_the_hash()
    {
        var one = Drafts.Choice();
        var other = new ConsentProofDraft
        {
            ConsentId = one.ConsentId, Timestamp = one.Timestamp, PolicyVersion = one.PolicyVersion, TextsHash = one.TextsHash, Locale = one.Locale,
            Channel = one.Channel, UserAgentFamily = one.UserAgentFamily,
            Decisions = one.Decisions.Reverse().ToDictionary(),
        };

        Assert.Equal(Hash(one), Hash(other));
    }

    [Theory]
    [InlineData("decision")]
    [InlineData("channel")]
    [InlineData("timestamp")]
    [InlineData("sequence")]
    [InlineData("recordedAt")]
    [InlineData("previousHash")]
    [InlineData("locale")]
    public void Changing_any_field_changes_the_hash(string field)
    {
        var draft = Drafts.Choice();
        var baseline = ProofChain.ComputeRecordHash(1, "id", RecordedAt, draft, ProofChain.GenesisHash);
        var changed = field switch
        {
            "decision" => ProofChain.ComputeRecordHash(1, "id", RecordedAt, Drafts.Choice(youtube: ConsentDecision.Denied), ProofChain.GenesisHash),
            "channel" => ProofChain.ComputeRecordHash(1, "id", RecordedAt, Drafts.Choice(channel: ConsentChannel.PrivacySignal), ProofChain.GenesisHash),
            "timestamp" => ProofChain.ComputeRecordHash(1, "id", RecordedAt, Drafts.Choice(timestamp: Drafts.Start.AddTicks(10)), ProofChain.GenesisHash),
            "sequence" => ProofChain.ComputeRecordHash(2, "id", RecordedAt, draft, ProofChain.GenesisHash),
            "recordedAt" => ProofChain.ComputeRecordHash(1, "id", RecordedAt.AddTicks(10), draft, ProofChain.GenesisHash),
            "previousHash" => ProofChain.ComputeRecordHash(1, "id", RecordedAt, draft, new string('0', 64)),
            "locale" => ProofChain.ComputeRecordHash(1, "id", RecordedAt, With(draft, locale: "en"), ProofChain.GenesisHash),
            _ => throw new ArgumentOutOfRangeException(nameof(field)),
        };

        Assert.NotEqual(baseline, changed);
    }

    [Fact]
    public void Normalize_keeps_microseconds_in_utc_so_a_record_read_back_hashes_the_same()
    {
        var draft = Drafts.Choice(timestamp: new DateTimeOffset(2026, 3, 29, 2, 30, 0, TimeSpan.FromHours(2)).AddTicks(19));

        var normalized = ProofChain.Normalize(draft);

        Assert.Equal(TimeSpan.Zero, normalized.Timestamp.Offset);
        Assert.Equal(draft.Timestamp.UtcTicks - 9, normalized.Timestamp.UtcTicks);
    }

    [Fact]
    public void An_exported_chain_verifies_offline_and_a_record_edited_in_the_export_is_named()
    {
        var records = new List<ConsentProof>();
        var previous = ProofChain.GenesisHash;
        for (var sequence = 1; sequence <= 3; sequence++)
        {
            var content = Drafts.Choice($"c-{sequence}");
            var hash = ProofChain.ComputeRecordHash(sequence, $"r{sequence}", RecordedAt, content, previous);
            records.Add(new ConsentProof { Sequence = sequence, RecordId = $"r{sequence}", RecordedAt = RecordedAt, Content = content, PreviousHash = previous, Hash = hash });
            previous = hash;
        }

        var export = ConsentProofExport.Parse(new ConsentProofExport { ExportedAt = RecordedAt, Records = records }.ToJson());
        Assert.All(export.Records, r => Assert.True(ProofChain.HasValidHash(r)));

        var tampered = ConsentProofExport.Parse(new ConsentProofExport { ExportedAt = RecordedAt, Records = records }.ToJson().Replace("\"youtube\":\"granted\"", "\"youtube\":\"denied\""));
        var verifier = new ProofChainVerifier();
        var firstFailure = tampered.Records.FirstOrDefault(r => !verifier.AddRecord(r));
        Assert.Equal("r1", firstFailure?.RecordId);
    }

    [Fact]
    public void Export_json_names_enums_and_fields_in_camel_case()
    {
        var content = Drafts.Choice();
        var proof = new ConsentProof { Sequence = 1, RecordId = "r", RecordedAt = RecordedAt, Content = content, PreviousHash = ProofChain.GenesisHash, Hash = "h" };

        var json = new ConsentProofExport { ExportedAt = RecordedAt, SubjectKey = "alice", Records = [proof] }.ToJson();

        Assert.Contains("\"format\":\"ent-consent/proofs/1\"", json);
        Assert.Contains("\"channel\":\"firstLayer\"", json);
        Assert.Contains("\"decisions\":{", json);
        Assert.Contains("\"ga4\":\"denied\"", json);
        Assert.Contains("\"recordedAt\":\"2026-01-15T09:30:00.123+00:00\"", json);
    }

    private static string Hash(ConsentProofDraft draft) => ProofChain.ComputeRecordHash(1, "id", RecordedAt, draft, ProofChain.GenesisHash);

    private static ConsentProofDraft With(ConsentProofDraft d, string? subjectKey = "keep", string? tenant = "keep", string? locale = null) => new()
    {
        ConsentId = d.ConsentId,
        SubjectKey = subjectKey == "keep" ? d.SubjectKey : subjectKey,
        Tenant = tenant == "keep" ? d.Tenant : tenant,
        Timestamp = d.Timestamp,
        Decisions = d.Decisions,
        PolicyVersion = d.PolicyVersion,
        TextsHash = d.TextsHash,
        Locale = locale ?? d.Locale,
        Channel = d.Channel,
        UserAgentFamily = d.UserAgentFamily,
        IpPrefix = d.IpPrefix,
    };
}
