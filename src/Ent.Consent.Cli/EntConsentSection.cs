using Ent.Consent.AspNetCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Ent.Consent.Cli;

/// <summary>
/// The whole <c>EntConsent</c> section of a file (tenants, cookie, joint consent, every option beside the policy)
/// validated by <c>AddEntConsent</c>'s own start-up validation, so the sentences are the ones a portal stops with.
/// What only code can provide (the guardian directory, the proof store, a secret subject key) is assumed.
/// </summary>
internal static class EntConsentSection
{
    // Secrets come from the environment or a secret store, not from appsettings.json: when the file has none, a
    // stand-in lets the other checks run. The report says it was not checked.
    private const string SubjectKeyStandIn = "ent-consent-check-stand-in-for-a-subject-key-given-at-run-time";

    /// <summary>Every start-up problem of <paramref name="configuration"/>'s <c>EntConsent</c> section, and whether its subject key was left to the run time.</summary>
    public static (IReadOnlyList<string> Problems, bool SubjectKeyFromRunTime) Check(IConfiguration configuration, bool development)
    {
        var subjectKeyFromRunTime = string.IsNullOrEmpty(configuration[$"{EntConsentOptions.SectionName}:SubjectKey"]);
        var checkedConfiguration = new ConfigurationBuilder()
            .AddConfiguration(configuration)
            .AddInMemoryCollection(subjectKeyFromRunTime ? [new($"{EntConsentOptions.SectionName}:SubjectKey", SubjectKeyStandIn)] : [])
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IHostEnvironment>(new CheckedEnvironment(development ? Environments.Development : Environments.Production));
        // What a host registers in code, which a file cannot show: assumed present, never built.
        services.AddSingleton<IGuardianDirectory>(static _ => throw new NotSupportedException());
        services.AddSingleton<IConsentProofStore>(static _ => throw new NotSupportedException());
        services.AddEntConsent(checkedConfiguration);
        using var provider = services.BuildServiceProvider();
        try
        {
            _ = provider.GetRequiredService<IOptions<EntConsentOptions>>().Value;
            return ([], subjectKeyFromRunTime);
        }
        catch (OptionsValidationException exception)
        {
            return ([.. exception.Failures], subjectKeyFromRunTime);
        }
        catch (InvalidOperationException exception)
        {
            return ([$"{EntConsentOptions.SectionName}: {PolicyFile.DescribeBindingFailure(exception)}"], subjectKeyFromRunTime);
        }
    }

    private sealed class CheckedEnvironment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "ent-consent check";

        public string ContentRootPath { get; set; } = Directory.GetCurrentDirectory();

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
