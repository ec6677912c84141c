using System.Text.RegularExpressions;

namespace Ent.Consent.Widget.Tests;

/// <summary>
/// Compares rendered HTML with an approved file in Snapshots/. One tag per line, so a diff shows what changed; asset
/// hashes are replaced by placeholders, so a change to the script does not churn every snapshot. Run with
/// ENT_CONSENT_UPDATE_SNAPSHOTS=1 to approve the current output.
/// </summary>
internal static partial class Snapshot
{
    public static void Match(string name, string html)
    {
        var actual = Normalize(html);
        var fileName = name + ".approved.html";
        if (Environment.GetEnvironmentVariable("ENT_CONSENT_UPDATE_SNAPSHOTS") == "1")
        {
            File.WriteAllText(Path.Combine(SourceFolder(), fileName), actual);
            return;
        }

        var approvedPath = Path.Combine(AppContext.BaseDirectory, "Snapshots", fileName);
        Assert.True(File.Exists(approvedPath), $"No approved snapshot {fileName}; run the tests with ENT_CONSENT_UPDATE_SNAPSHOTS=1 and review the file.");
        var approved = File.ReadAllText(approvedPath).ReplaceLineEndings("\n");
        if (approved != actual)
        {
            var received = Path.Combine(AppContext.BaseDirectory, "Snapshots", name + ".received.html");
            File.WriteAllText(received, actual);
            var approvedLines = approved.Split('\n');
            var actualLines = actual.Split('\n');
            var line = 0;
            while (line < approvedLines.Length && line < actualLines.Length && approvedLines[line] == actualLines[line])
            {
                line++;
            }

            Assert.Fail($"{fileName} differs at line {line + 1}:\n  approved: {At(approvedLines, line)}\n  received: {At(actualLines, line)}\nReceived output: {received}");
        }
    }

    private static string At(string[] lines, int index) => index < lines.Length ? lines[index] : "(end of file)";

    internal static string Normalize(string html)
    {
        html = AssetVersion().Replace(html, "$1v=ASSET-VERSION");
        html = Integrity().Replace(html, "sha384-ASSET-INTEGRITY");
        return html.Replace("><", ">\n<", StringComparison.Ordinal).ReplaceLineEndings("\n") + "\n";
    }

    private static string SourceFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Ent.Consent.Widget.Tests.csproj")))
            {
                return Path.Combine(folder.FullName, "Snapshots");
            }
        }

        throw new InvalidOperationException("The test project's folder was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"(\?|&amp;)v=[0-9a-f]{16}")]
    private static partial Regex AssetVersion();

    [GeneratedRegex(@"sha384-[A-Za-z0-9+/=]{64}")]
    private static partial Regex Integrity();
}
