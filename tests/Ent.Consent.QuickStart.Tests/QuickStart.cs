using System.Text.RegularExpressions;

namespace Ent.Consent.QuickStart.Tests;

/// <summary>
/// The README's quick start, read from its marked code blocks (<c>&lt;!-- quickstart: … --&gt;</c>) so the README
/// and this test cannot drift apart.
/// </summary>
internal static partial class QuickStart
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    public static string PackagesFolder => Path.Combine(RepositoryRoot, "artifacts", "packages");

    /// <summary>Why the test cannot run, or null. Absent packages fail under CI, where test.sh packed them first.</summary>
    public static string? SkipReason
    {
        get
        {
            if (PackageVersion() is not null || Environment.GetEnvironmentVariable("CI") == "true")
            {
                return null;
            }

            return $"No Ent.Consent.AspNetCore package in {PackagesFolder}: run `dotnet pack Ent.Consent.sln -c Release -o artifacts/packages` (test.sh does) to follow the README's quick start.";
        }
    }

    /// <summary>The version of the packed packages, from the file names <c>dotnet pack</c> wrote.</summary>
    public static string? PackageVersion()
    {
        if (!Directory.Exists(PackagesFolder))
        {
            return null;
        }

        return Directory.EnumerateFiles(PackagesFolder, "Ent.Consent.AspNetCore.*.nupkg")
            .Select(static file => PackageFileVersion().Match(Path.GetFileName(file)))
            .Where(static match => match.Success)
            .Select(static match => match.Groups[1].Value)
            .Order(StringComparer.Ordinal)
            .LastOrDefault();
    }

    /// <summary>Every marked block of README.md, in order: the marker's words and the block's text.</summary>
    public static IReadOnlyList<(string Target, string Code)> Blocks()
    {
        var readme = File.ReadAllText(Path.Combine(RepositoryRoot, "README.md")).ReplaceLineEndings("\n");
        return MarkedBlock().Matches(readme)
            .Select(static match => (match.Groups["target"].Value.Trim(), match.Groups["code"].Value))
            .ToList();
    }

    private static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Ent.Consent.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Ent.Consent.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"^Ent\.Consent\.AspNetCore\.(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageFileVersion();

    [GeneratedRegex(@"<!-- quickstart: (?<target>[^\n]*?) -->\n```[a-z]*\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex MarkedBlock();
}

/// <summary>A fact that needs the packed packages; see <see cref="QuickStart.SkipReason"/>.</summary>
public sealed class QuickStartFactAttribute : FactAttribute
{
    /// <summary>Sets <see cref="FactAttribute.Skip"/> from the environment.</summary>
    public QuickStartFactAttribute() => Skip = QuickStart.SkipReason;
}
