using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Enforcement;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.Benchmarks;

/// <summary>
/// What joint consent costs a request (issue 14): a signed-in adult (nothing is read) and a signed-in minor (the
/// directory is asked and the guardians' latest decisions are read from a real SQLite store, every request).
/// </summary>
[MemoryDiagnoser]
public class JointConsentBenchmarks
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-joint-bench-").FullName;
    private ServiceProvider _services = null!;
    private InProcessServer _adult = null!;
    private InProcessServer _minor = null!;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddDataProtection().UseEphemeralDataProtectionProvider();
        services.AddSingleton(TimeProvider.System);
        services.AddEntConsent(static o =>
        {
            o.Policy.Controllers.Add("La Région Exemple");
            o.Policy.BuiltInServices.Add("youtube");
            o.Policy.JointConsent = JointConsentRule.AnyGuardian;
            o.SubjectKey = "a-benchmark-subject-key-of-at-least-32-characters";
            o.MinorClaimType = "ent_minor";
        }).AddSqliteProofStore(Path.Combine(_folder, "proofs.db"));
        services.AddSingleton<IGuardianDirectory>(new InMemoryGuardianDirectory([(new GuardedMinor("pupil", "Pupil"), ["parent-1", "parent-2"])]));
        _services = services.BuildServiceProvider();
        var runtime = _services.GetRequiredService<ConsentRuntime>();
        var policy = _services.GetRequiredService<ConsentPolicy>();
        var store = _services.GetRequiredService<IConsentProofStore>();
        var now = DateTimeOffset.UtcNow.AddMinutes(-1);
        var state = ConsentState.Create(policy, [KeyValuePair.Create("youtube", ConsentDecision.Granted)], ConsentChannel.FirstLayer, now);
        var minorKey = runtime.Subjects.Hash("pupil");
        // A few decisions on file: both parents decided, one changed their mind.
        foreach (var (parent, decision) in new[] { ("parent-1", ConsentDecision.Granted), ("parent-2", ConsentDecision.Denied), ("parent-1", ConsentDecision.Denied), ("parent-1", ConsentDecision.Granted) })
        {
            store.AppendAsync(new ConsentProofDraft
            {
                ConsentId = ConsentState.NewConsentId(),
                SubjectKey = runtime.Subjects.Hash(parent),
                AboutSubjectKey = minorKey,
                Timestamp = now,
                Decisions = new Dictionary<string, ConsentDecision> { ["youtube"] = decision },
                PolicyVersion = policy.Version,
                TextsHash = "t",
                Locale = "fr",
                Channel = ConsentChannel.PreferenceCentre,
            }).GetAwaiter().GetResult();
        }

        var cookie = "ent_consent=" + ConsentCookie.Write(state, null, runtime.ConsentCookieSigner);
        RequestDelegate page = static context => context.GetConsent().IsAllowed("youtube") ? Task.CompletedTask : throw new InvalidOperationException("youtube should be allowed.");
        _adult = new InProcessServer(_services, static app => app.UseEntConsent(), page, cookie, User("adult", minor: false));
        _minor = new InProcessServer(_services, static app => app.UseEntConsent(), page, cookie, User("pupil", minor: true));
        Adult().AsTask().GetAwaiter().GetResult();
        Minor().AsTask().GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "signed-in adult, joint consent on")]
    public ValueTask<int> Adult() => _adult.ServeAsync();

    [Benchmark(Description = "signed-in minor: directory + guardians' decisions from SQLite")]
    public ValueTask<int> Minor() => _minor.ServeAsync();

    private static ClaimsPrincipal User(string id, bool minor)
    {
        List<Claim> claims = [new(ClaimTypes.NameIdentifier, id)];
        if (minor)
        {
            claims.Add(new Claim("ent_minor", "true"));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "Test"));
    }
}
