using Ent.Consent.PostgreSql;
using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.Proofs.Tests;

/// <summary>What is particular to the PostgreSQL store: monthly partitions and the purge that drops them.</summary>
public sealed class PostgreSqlLayoutTests
{
    [PostgresFact]
    public async Task Records_land_in_monthly_partitions_and_the_purge_drops_whole_expired_months()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 20, 12, 0, 0, TimeSpan.Zero));
        await using var harness = await StoreHarness.CreateAsync(StoreKind.PostgreSql, time);
        foreach (var day in new[] { new DateTimeOffset(2026, 1, 20, 12, 0, 0, TimeSpan.Zero), new(2026, 2, 10, 0, 0, 0, TimeSpan.Zero), new(2026, 3, 5, 0, 0, 0, TimeSpan.Zero), new(2026, 3, 25, 0, 0, 0, TimeSpan.Zero), new(2026, 4, 1, 0, 0, 0, TimeSpan.Zero) })
        {
            time.SetUtcNow(day);
            await harness.Store.AppendAsync(Drafts.Choice($"c-{day:MMdd}"));
        }

        var partitions = await harness.ListPartitionsAsync();
        Assert.Equal(["consent_proofs_y2026m01", "consent_proofs_y2026m02", "consent_proofs_y2026m03", "consent_proofs_y2026m04"], partitions);

        var deleted = await harness.Store.PurgeAsync(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.Zero));

        Assert.Equal(3, deleted);
        Assert.Equal(["consent_proofs_y2026m03", "consent_proofs_y2026m04"], await harness.ListPartitionsAsync());
        Assert.Empty(await harness.Store.ExportByConsentIdAsync("c-0305"));
        Assert.Single(await harness.Store.ExportByConsentIdAsync("c-0325"));
        var verification = await harness.Store.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(2, verification.RecordCount);
    }

    [PostgresFact]
    public async Task Store_recreates_a_month_dropped_behind_its_back_after_one_refused_append()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 5, 2, 0, 0, 0, TimeSpan.Zero));
        await using var harness = await StoreHarness.CreateAsync(StoreKind.PostgreSql, time);
        await harness.Store.AppendAsync(Drafts.Choice("first"));
        var schema = ((PostgreSqlConsentProofStore)harness.Store).Schema;
        await harness.ExecuteAsync($"DELETE FROM {{proofs}}; UPDATE {{head}} SET sequence = 0, hash = '{ProofChain.GenesisHash}'; DROP TABLE {schema}.consent_proofs_y2026m05");

        await Assert.ThrowsAsync<ConsentProofStoreUnavailableException>(() => harness.Store.AppendAsync(Drafts.Choice("refused")));
        var proof = await harness.Store.AppendAsync(Drafts.Choice("accepted"));

        Assert.Equal(1, proof.Sequence);
        Assert.True((await harness.Store.VerifyAsync()).IsValid);
    }

    [Fact]
    public void Schema_name_that_is_not_a_plain_identifier_is_refused()
    {
        var exception = Assert.Throws<ArgumentException>(() => new PostgreSqlConsentProofStore(
            new PostgreSqlConsentProofStoreOptions { ConnectionString = "Host=127.0.0.1", Schema = "proofs; DROP TABLE x" }, TimeProvider.System));
        Assert.Contains("Schema", exception.Message);
    }
}
