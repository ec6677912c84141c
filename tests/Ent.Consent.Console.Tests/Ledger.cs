using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.Console.Tests;

/// <summary>
/// A seeded ledger and the figures the console must show for it, counted here as the proofs are made (not by
/// reading the store back): grants, refusals and withdrawals per service, overall and per tenant.
/// </summary>
public sealed class Ledger
{
    public const int Size = 100_000;
    public const int Days = 40;
    public const string KnownConsentId = "known-consent";
    public const string KnownUserId = "user-42";
    public static readonly string[] Services = ["dailymotion", "youtube"];
    public static readonly string[] Tenants = ["0310001A", "0310002B"];
    private const int Chunks = 200;

    public DateOnly FirstDay { get; private set; }

    /// <summary>How many records carry <see cref="KnownConsentId"/> (its first choice, and a withdrawal if one was drawn).</summary>
    public int KnownRecords { get; private set; }

    public DateOnly LastDay { get; private set; }

    /// <summary>(tenant or "", service) → (granted, refused, withdrawn, refused or withdrawn by privacy signal).</summary>
    public Dictionary<(string Tenant, string Service), (long G, long R, long W, long S)> Expected { get; } = [];

    public (long G, long R, long W, long S) Total(string service, string? tenant = null)
        => Expected.Where(e => e.Key.Service == service && (tenant is null || e.Key.Tenant == tenant))
            .Aggregate((0L, 0L, 0L, 0L), (sum, e) => (sum.Item1 + e.Value.G, sum.Item2 + e.Value.R, sum.Item3 + e.Value.W, sum.Item4 + e.Value.S));

    public static async Task<Ledger> SeedAsync(IConsentProofStore store, FakeTimeProvider clock, DateTimeOffset end)
    {
        var ledger = new Ledger();
        var random = new Random(42);
        var start = clock.GetUtcNow();
        ledger.FirstDay = DateOnly.FromDateTime(start.UtcDateTime);
        var last = new Dictionary<(string ConsentId, string Service), ConsentDecision>();
        var tenantOf = new Dictionary<string, string>();
        // Consent ids that granted something in an earlier chunk: withdrawals come from them, never in the same
        // chunk, so that chain order and the order counted here agree.
        var granted = new List<string>();
        var perChunk = Size / Chunks;
        var step = TimeSpan.FromDays(Days) / Chunks;
        var next = 0;
        for (var chunk = 0; chunk < Chunks; chunk++)
        {
            clock.SetUtcNow(start + (step * chunk));
            var drafts = new List<ConsentProofDraft>(perChunk);
            var grantedNow = new List<string>();
            for (var i = 0; i < perChunk; i++, next++)
            {
                string consentId;
                string tenant;
                ConsentChannel channel;
                Dictionary<string, ConsentDecision> decisions;
                string? subject = null;
                if (granted.Count > 0 && random.NextDouble() < 0.1)
                {
                    // A withdrawal through the preference centre.
                    var at = random.Next(granted.Count);
                    consentId = granted[at];
                    granted.RemoveAt(at);
                    tenant = tenantOf[consentId];
                    channel = ConsentChannel.PreferenceCentre;
                    decisions = Services.ToDictionary(s => s, _ => ConsentDecision.Denied);
                }
                else
                {
                    consentId = next == 7 ? KnownConsentId : "c-" + next;
                    subject = next == 7 ? ConsentSubject.Hash(ConsoleSite.SubjectSecret, KnownUserId) : null;
                    tenant = Tenants[random.Next(Tenants.Length)];
                    tenantOf[consentId] = tenant;
                    var roll = random.NextDouble();
                    if (roll < 0.1)
                    {
                        channel = ConsentChannel.PrivacySignal;
                        decisions = Services.ToDictionary(s => s, _ => ConsentDecision.Denied);
                    }
                    else if (roll < 0.7)
                    {
                        channel = ConsentChannel.FirstLayer;
                        var all = random.NextDouble() < 0.55 ? ConsentDecision.Granted : ConsentDecision.Denied;
                        decisions = Services.ToDictionary(s => s, _ => all);
                    }
                    else
                    {
                        channel = ConsentChannel.PreferenceCentre;
                        decisions = Services.ToDictionary(s => s, _ => random.NextDouble() < 0.5 ? ConsentDecision.Granted : ConsentDecision.Denied);
                    }
                }

                foreach (var (service, decision) in decisions)
                {
                    var key = (tenant, service);
                    var sums = ledger.Expected.GetValueOrDefault(key);
                    var before = last.GetValueOrDefault((consentId, service));
                    if (decision == ConsentDecision.Granted)
                    {
                        sums.G++;
                    }
                    else if (before == ConsentDecision.Granted)
                    {
                        sums.W++;
                    }
                    else
                    {
                        sums.R++;
                    }

                    if (decision == ConsentDecision.Denied && channel == ConsentChannel.PrivacySignal)
                    {
                        sums.S++;
                    }

                    ledger.Expected[key] = sums;
                    last[(consentId, service)] = decision;
                }

                if (decisions.Values.Contains(ConsentDecision.Granted))
                {
                    grantedNow.Add(consentId);
                }

                if (consentId == KnownConsentId)
                {
                    ledger.KnownRecords++;
                }

                drafts.Add(new ConsentProofDraft
                {
                    ConsentId = consentId,
                    SubjectKey = subject,
                    Tenant = tenant,
                    Timestamp = clock.GetUtcNow(),
                    Decisions = decisions,
                    PolicyVersion = "0123456789abcdef",
                    TextsHash = "fedcba9876543210fedcba9876543210",
                    Locale = "fr",
                    Channel = channel,
                    UserAgentFamily = "Firefox 132",
                });
            }

            // Concurrent appends: the store commits them in groups, as it does under load.
            await Task.WhenAll(drafts.Select(d => store.AppendAsync(d)));
            granted.AddRange(grantedNow);
        }

        ledger.LastDay = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        clock.SetUtcNow(end);
        return ledger;
    }
}
