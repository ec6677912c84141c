using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Diagnostics;
using Ent.Consent.AspNetCore.Proofs;
using Ent.Consent.AspNetCore.Subjects;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ent.Consent.AspNetCore.Enforcement;

/// <summary>What the middleware and the endpoints share, built once: signers, cache, clock, store, logs, metrics.</summary>
internal sealed class ConsentRuntime
{
    public ConsentRuntime(
        IOptions<EntConsentOptions> options,
        IConsentPolicyResolver resolver,
        IDataProtectionProvider dataProtection,
        TimeProvider time,
        ConsentMetrics metrics,
        ILoggerFactory loggerFactory,
        IServiceProvider services)
    {
        Options = options.Value;
        Resolver = resolver;
        Time = time;
        Metrics = metrics;
        Logger = loggerFactory.CreateLogger("Ent.Consent.AspNetCore");
        ConsentCookieSigner = new ConsentCookieProtector(dataProtection, "consent-cookie");
        DepositCookieSigner = new ConsentCookieProtector(dataProtection, "audience-deposit");
        Cache = new VerifiedCookieCache<ConsentCookie>(Options.VerifiedCookieCacheSize);
        DepositCache = new VerifiedCookieCache<DateTimeOffset>(Options.VerifiedCookieCacheSize);
        Subjects = SubjectHasher.FromOptions(Options);
        ProofStore = services.GetService<IConsentProofStore>();
        RefusalQueue = ProofStore is null ? null : services.GetRequiredService<RefusalProofQueue>();
        if (Subjects.IsEphemeral)
        {
            ConsentLog.EphemeralSubjectKey(Logger);
        }
    }

    public EntConsentOptions Options { get; }

    public IConsentPolicyResolver Resolver { get; }

    public TimeProvider Time { get; }

    public ConsentMetrics Metrics { get; }

    public ILogger Logger { get; }

    public ConsentCookieProtector ConsentCookieSigner { get; }

    public ConsentCookieProtector DepositCookieSigner { get; }

    public VerifiedCookieCache<ConsentCookie> Cache { get; }

    /// <summary>Audience deposit cookie values already verified, with the first deposit each one records.</summary>
    public VerifiedCookieCache<DateTimeOffset> DepositCache { get; }

    public SubjectHasher Subjects { get; }

    public IConsentProofStore? ProofStore { get; }

    public RefusalProofQueue? RefusalQueue { get; }

    /// <summary>Logs a choice and counts its decisions.</summary>
    public void RecordChoice(ConsentState state)
    {
        foreach (var (serviceId, decision) in state.Decisions)
        {
            Metrics.Choice(serviceId, decision);
        }

        ConsentLog.ChoiceRecorded(Logger, state.ConsentId, state.Channel, state.PolicyVersion);
    }
}
