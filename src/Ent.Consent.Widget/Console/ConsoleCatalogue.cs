using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Ent.Consent.Widget.Console;

/// <summary>
/// The policy as <c>path = value</c> lines (what users see of each service: names, texts, category, cookies and
/// their lifetimes), so that two versions compare line by line, and draft declarations of undeclared cookies.
/// </summary>
internal static class ConsoleCatalogue
{
    public static IReadOnlyList<string> Lines(ConsentPolicy policy)
    {
        var lines = new List<string>();
        foreach (var purpose in policy.Purposes)
        {
            AddTexts(lines, $"purposes.{purpose.Id}.name", purpose.Name);
        }

        foreach (var service in policy.Services)
        {
            var path = "services." + service.Id;
            AddTexts(lines, path + ".name", service.Name);
            AddTexts(lines, path + ".description", service.Description);
            Add(lines, path + ".category", ConsentWireNames.Of(service.Category));
            Add(lines, path + ".purpose", service.Purpose);
            Add(lines, path + ".provider", service.Provider);
            Add(lines, path + ".legalBasis", service.LegalBasis.ToString());
            if (service.PrivacyPolicyUrl is { } url)
            {
                Add(lines, path + ".privacyPolicyUrl", url.ToString());
            }

            foreach (var cookie in service.Cookies)
            {
                var cookiePath = $"{path}.cookies.{cookie.Name}";
                Add(lines, cookiePath + ".lifetime", cookie.Lifetime?.ToString() ?? "session");
                if (cookie.Domain is { } domain)
                {
                    Add(lines, cookiePath + ".domain", domain);
                }

                AddTexts(lines, cookiePath + ".description", cookie.Description);
            }

            foreach (var key in service.StorageKeys)
            {
                Add(lines, $"{path}.storageKeys.{key}", "declared");
            }

            foreach (var host in service.Hosts)
            {
                Add(lines, $"{path}.hosts.{host}", "declared");
            }
        }

        Add(lines, "choiceValidity", policy.ChoiceValidity.ToString());
        Add(lines, "jointConsent", policy.JointConsent.ToString());
        lines.Sort(StringComparer.Ordinal);
        return lines;
    }

    /// <summary>The lines that differ, by path: (path, before or null, after or null).</summary>
    public static IReadOnlyList<(string Path, string? Before, string? After)> Diff(IReadOnlyList<string> before, IReadOnlyList<string> after)
    {
        var old = ToMap(before);
        var current = ToMap(after);
        var changes = new List<(string, string?, string?)>();
        foreach (var path in old.Keys.Union(current.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var was = old.GetValueOrDefault(path);
            var now = current.GetValueOrDefault(path);
            if (!string.Equals(was, now, StringComparison.Ordinal))
            {
                changes.Add((path, was, now));
            }
        }

        return changes;
    }

    /// <summary>A <c>Services</c> entry for appsettings.json declaring <paramref name="cookieName"/>, to be completed by hand.</summary>
    public static string DraftJson(string cookieName, DateTimeOffset seenAt)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("Id", Slug(cookieName));
            writer.WriteStartObject("Name");
            writer.WriteString("fr", $"À compléter ({cookieName})");
            writer.WriteString("en", $"To complete ({cookieName})");
            writer.WriteEndObject();
            writer.WriteString("Provider", "À compléter");
            writer.WriteString("Purpose", "À compléter: essential, audience-measurement, video, social, maps, advertising or one of Purposes");
            writer.WriteString("Category", "ConsentRequired");
            writer.WriteStartArray("Cookies");
            writer.WriteStartObject();
            writer.WriteString("Name", cookieName);
            writer.WriteString("Lifetime", "P13M");
            writer.WriteEndObject();
            writer.WriteEndArray();
            writer.WriteString("Source", string.Create(CultureInfo.InvariantCulture, $"consent console, seen {seenAt:yyyy-MM-dd}"));
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>The same declaration in C#, for hosts that build their policy in code.</summary>
    public static string DraftCSharp(string cookieName)
        => $$"""
            options.Policy.Services.Add(new ServiceDeclaration
            {
                Id = "{{Slug(cookieName)}}",
                Name = new("À compléter ({{Escape(cookieName)}})", "To complete ({{Escape(cookieName)}})"),
                Provider = "À compléter",
                Purpose = "audience-measurement", // or essential, video, social, maps, advertising
                Category = ServiceCategory.ConsentRequired,
                Cookies = [new CookieDeclaration { Name = "{{Escape(cookieName)}}", Lifetime = CalendarPeriod.FromMonths(13) }],
            });
            """;

    private static string Escape(string text) => text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);

    private static string Slug(string name)
    {
        var slug = new string([.. name.ToLowerInvariant().Select(static c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        return slug.Length == 0 ? "undeclared" : slug.Length > 64 ? slug[..64] : slug;
    }

    private static Dictionary<string, string> ToMap(IReadOnlyList<string> lines)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            var at = line.IndexOf(" = ", StringComparison.Ordinal);
            if (at > 0)
            {
                map[line[..at]] = line[(at + 3)..];
            }
        }

        return map;
    }

    private static void AddTexts(List<string> lines, string path, LocalizedText text)
    {
        foreach (var (culture, value) in text)
        {
            Add(lines, $"{path}.{culture}", value);
        }
    }

    // One line per entry: line breaks inside a value are written as \n so the stored text stays line-based.
    private static void Add(List<string> lines, string path, string value)
        => lines.Add(path + " = " + value.Replace("\r", string.Empty, StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal));
}
