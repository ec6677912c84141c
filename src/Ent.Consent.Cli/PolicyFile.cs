using Microsoft.Extensions.Configuration;

namespace Ent.Consent.Cli;

/// <summary>Reads the <c>EntConsent:Policy</c> section of an appsettings.json file the way the portal does at start-up.</summary>
internal static class PolicyFile
{
    public const string SectionName = "EntConsent:Policy";

    /// <summary>
    /// Binds the section strictly (a misspelt key or a value that does not convert is a problem, as at start-up)
    /// and returns the options with every problem <see cref="ConsentPolicy.Validate"/> finds.
    /// </summary>
    public static (ConsentPolicyOptions Options, IReadOnlyList<string> Problems) Read(string path, bool development)
        => Read(LoadConfiguration(path), path, development);

    /// <summary>As <see cref="Read(string, bool)"/>, from <paramref name="path"/>'s configuration already loaded.</summary>
    public static (ConsentPolicyOptions Options, IReadOnlyList<string> Problems) Read(IConfiguration configuration, string path, bool development)
    {
        var section = configuration.GetSection(SectionName);
        if (!section.Exists())
        {
            throw new CliUsageException($"'{path}' has no {SectionName} section.");
        }

        var options = new ConsentPolicyOptions();
        try
        {
            section.Bind(options, static binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            return (options, [$"{SectionName}: {DescribeBindingFailure(e)}"]);
        }

        // What AddEntConsent adds in a portal: the antiforgery cookie's service, and http links in Development.
        if (!options.BuiltInServices.Contains("aspnetcore") && !options.Services.Exists(static s => s.Id == "aspnetcore"))
        {
            options.BuiltInServices.Add("aspnetcore");
        }

        options.AllowHttpUrls |= development;
        return (options, ConsentPolicy.Validate(options));
    }

    /// <summary>The JSON file as configuration, or a usage error saying why it cannot be read.</summary>
    public static IConfigurationRoot LoadConfiguration(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new CliUsageException($"the configuration file '{path}' does not exist.");
        }

        try
        {
            return new ConfigurationBuilder().AddJsonFile(fullPath, optional: false, reloadOnChange: false).Build();
        }
        catch (InvalidDataException e)
        {
            throw new CliUsageException($"'{path}' is not valid JSON: {e.InnerException?.Message ?? e.Message}");
        }
    }

    /// <summary>A strict binding failure in one sentence: the binder's own message is generic, the key and the value that failed are in the inner exceptions.</summary>
    public static string DescribeBindingFailure(InvalidOperationException exception)
    {
        var messages = new List<string>();
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            messages.Add(current.Message);
        }

        return string.Join(" ", messages);
    }

    /// <summary>The policy a scan classifies against: the file's, or every built-in service when there is none.</summary>
    public static ConsentPolicy Load(string? path, bool development)
    {
        if (path is null)
        {
            return BuiltInPolicy();
        }

        var (options, problems) = Read(path, development);
        if (problems.Count > 0)
        {
            throw new CliUsageException($"'{path}' declares an invalid policy.", problems);
        }

        return ConsentPolicy.Create(options);
    }

    private static ConsentPolicy BuiltInPolicy()
    {
        var options = new ConsentPolicyOptions
        {
            Controllers = ["(ent-consent scan)"],
            BuiltInServices = [.. BuiltInCatalogue.ServiceIds.Order(StringComparer.Ordinal)],
            // Nobody attests the built-in exempt profiles here: they count as consent-required, the safe reading.
            DowngradeInvalidExemptions = true,
        };
        return ConsentPolicy.Create(options);
    }
}
