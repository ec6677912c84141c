namespace Ent.Consent;

/// <summary>Record selections every store shares.</summary>
internal static class ProofQueries
{
    /// <summary>Of records in chain order, the latest one per actor about <paramref name="aboutSubjectKey"/> for the tenant.</summary>
    public static IReadOnlyList<ConsentProof> LatestPerActor(IEnumerable<ConsentProof> records, string aboutSubjectKey, string? tenant)
    {
        var latest = new Dictionary<string, ConsentProof>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            var content = record.Content;
            if (content.SubjectKey is { } actor && string.Equals(content.AboutSubjectKey, aboutSubjectKey, StringComparison.Ordinal)
                && string.Equals(content.Tenant, tenant, StringComparison.Ordinal)
                && (!latest.TryGetValue(actor, out var known) || known.Sequence < record.Sequence))
            {
                latest[actor] = record;
            }
        }

        return [.. latest.Values.OrderBy(static r => r.Sequence)];
    }
}
