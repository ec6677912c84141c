namespace Ent.Consent.Proofs.Tests;

/// <summary>Realistic drafts for the tests.</summary>
internal static class Drafts
{
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 9, 30, 0, TimeSpan.Zero);

    public static ConsentProofDraft Choice(
        string consentId = "c-1",
        string? subjectKey = null,
        string? tenant = null,
        ConsentDecision youtube = ConsentDecision.Granted,
        DateTimeOffset? timestamp = null,
        ConsentChannel channel = ConsentChannel.FirstLayer,
        string? aboutSubjectKey = null)
        => new()
        {
            ConsentId = consentId,
            SubjectKey = subjectKey,
            AboutSubjectKey = aboutSubjectKey,
            Tenant = tenant,
            Timestamp = timestamp ?? Start,
            Decisions = new Dictionary<string, ConsentDecision>
            {
                ["youtube"] = youtube,
                ["matomo"] = ConsentDecision.Granted,
                ["ga4"] = ConsentDecision.Denied,
            },
            PolicyVersion = "0123456789abcdef",
            TextsHash = "fedcba9876543210fedcba9876543210",
            Locale = "fr",
            Channel = channel,
            UserAgentFamily = "Firefox 132",
            IpPrefix = null,
        };
}
