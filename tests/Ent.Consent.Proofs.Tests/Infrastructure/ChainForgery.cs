namespace Ent.Consent.Proofs.Tests;

/// <summary>What someone with write access to the database can do to the chain without the checkpoint key.</summary>
internal static class ChainForgery
{
    /// <summary>
    /// Changes record <paramref name="from"/>'s youtube decision to denied, recomputes its hash and every later
    /// record's link and hash, and moves the head: the chain alone still verifies. Records have consent ids c-1, c-2, …
    /// SQL names tables {proofs} and {head}.
    /// </summary>
    public static async Task RewriteFromAsync(IConsentProofStore store, Func<string, Task<int>> execute, long from)
    {
        var records = new List<ConsentProof>();
        for (var i = 1; ; i++)
        {
            var found = await store.ExportByConsentIdAsync($"c-{i}");
            if (found.Count == 0)
            {
                break;
            }

            records.AddRange(found);
        }

        var previousHash = records.Single(r => r.Sequence == from).PreviousHash;
        foreach (var record in records.Where(r => r.Sequence >= from).OrderBy(static r => r.Sequence))
        {
            var content = record.Sequence == from ? Drafts.Choice(record.Content.ConsentId, youtube: ConsentDecision.Denied, timestamp: record.Content.Timestamp) : record.Content;
            var hash = ProofChain.ComputeRecordHash(record.Sequence, record.RecordId, record.RecordedAt, ProofChain.Normalize(content), previousHash);
            Assert.Equal(1, await execute(
                $"UPDATE {{proofs}} SET decisions = '{ProofRecordCodec.FormatDecisions(content.Decisions)}', previous_hash = '{previousHash}', hash = '{hash}' WHERE sequence = {record.Sequence}"));
            previousHash = hash;
        }

        Assert.Equal(1, await execute($"UPDATE {{head}} SET hash = '{previousHash}' WHERE id = 1"));
    }
}
