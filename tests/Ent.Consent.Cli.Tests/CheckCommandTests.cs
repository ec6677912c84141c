namespace Ent.Consent.Cli.Tests;

public sealed class CheckCommandTests
{
    [Fact]
    public async Task The_sample_portal_catalogue_is_valid_with_exit_0()
    {
        var run = await CliRun.RunAsync("check", Repository.PortalSettings, "--json");
        Assert.True(run.ExitCode == ExitCodes.Ok, run.ToString());
        Assert.True(run.Json().GetProperty("valid").GetBoolean());
        Assert.Contains(run.Json().GetProperty("services").EnumerateArray(), static s => s.GetProperty("id").GetString() == "dnma");
    }

    [Fact]
    public async Task An_invalid_catalogue_exits_2_listing_every_problem_in_the_start_up_sentences()
    {
        using var folder = new TempFolder();
        var path = folder.File("appsettings.json");
        await File.WriteAllTextAsync(path, """
            { "EntConsent": { "Policy": {
                "Controllers": [ "La Région Exemple" ],
                "Services": [ {
                  "Id": "stats-region", "Name": { "fr": "Statistiques" }, "Provider": "La Région", "Purpose": "audience-measurement",
                  "Category": "ExemptAudience", "LegalBasis": "LegitimateInterests", "Justification": { "fr": "Mesure exemptée." },
                  "Cookies": [ { "Name": "_sr_id", "Lifetime": "P2Y" } ],
                  "Exemption": { "PurposeStrictlyAudienceMeasurement": true, "DataRetention": "P3Y" }
                } ]
            } } }
            """);
        var expected = ConsentPolicy.Validate(new ConsentPolicyOptions
        {
            Controllers = ["La Région Exemple"],
            BuiltInServices = ["aspnetcore"],
            Services =
            {
                new ServiceDeclaration
                {
                    Id = "stats-region",
                    Name = new LocalizedTextDeclaration { ["fr"] = "Statistiques" },
                    Provider = "La Région",
                    Purpose = "audience-measurement",
                    Category = ServiceCategory.ExemptAudience,
                    LegalBasis = LegalBasis.LegitimateInterests,
                    Justification = new LocalizedTextDeclaration { ["fr"] = "Mesure exemptée." },
                    Cookies = { new CookieDeclaration { Name = "_sr_id", Lifetime = CalendarPeriod.Parse("P2Y") } },
                    Exemption = new ExemptionAttestation { PurposeStrictlyAudienceMeasurement = true, DataRetention = CalendarPeriod.Parse("P3Y") },
                },
            },
        });
        Assert.True(expected.Count >= 7, string.Join("\n", expected));

        var run = await CliRun.RunAsync("check", path);
        Assert.True(run.ExitCode == ExitCodes.UsageOrConfiguration, run.ToString());
        foreach (var problem in expected)
        {
            Assert.Contains(problem, run.Error);
        }
    }

    [Fact]
    public async Task A_misspelt_key_is_a_problem_as_at_start_up()
    {
        using var folder = new TempFolder();
        var path = folder.File("appsettings.json");
        await File.WriteAllTextAsync(path, """{ "EntConsent": { "Policy": { "Controllers": [ "X" ], "BuiltInServices": [ "youtube" ], "Services": [ { "Id": "a", "Catgory": "Essential" } ] } } }""");
        var run = await CliRun.RunAsync("check", path, "--json");
        Assert.True(run.ExitCode == ExitCodes.UsageOrConfiguration, run.ToString());
        Assert.False(run.Json().GetProperty("valid").GetBoolean());
        Assert.Contains("Catgory", run.Json().GetProperty("problems")[0].GetString());
    }

    [Fact]
    public async Task Tenants_are_checked_as_at_start_up_two_schools_claiming_one_host_and_a_bad_override_each_named()
    {
        using var folder = new TempFolder();
        var path = folder.File("appsettings.json");
        await File.WriteAllTextAsync(path, """
            { "EntConsent": {
                "Policy": { "Controllers": [ "La Région Exemple" ], "BuiltInServices": [ "youtube" ] },
                "Tenants": {
                  "0750001A": { "Hosts": [ "college-a.ent.test" ], "Policy": { "Controllers": [] } },
                  "0750002B": { "Hosts": [ "college-a.ent.test" ] }
                }
            } }
            """);

        var run = await CliRun.RunAsync("check", path, "--json");

        Assert.True(run.ExitCode == ExitCodes.UsageOrConfiguration, run.ToString());
        var problems = run.Json().GetProperty("problems").EnumerateArray().Select(static p => p.GetString()!).ToList();
        Assert.Contains(problems, static p => p.Contains("EntConsent:Tenants:0750002B:Hosts has 'college-a.ent.test', which tenant '0750001A' has too", StringComparison.Ordinal));
        Assert.Contains(problems, static p => p.StartsWith("EntConsent:Tenants:0750001A", StringComparison.Ordinal) && p.Contains("Controllers", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_option_beside_the_policy_is_checked_and_a_subject_key_left_to_the_run_time_is_noted()
    {
        using var folder = new TempFolder();
        var path = folder.File("appsettings.json");
        await File.WriteAllTextAsync(path, """
            { "EntConsent": {
                "Policy": { "Controllers": [ "La Région Exemple" ], "BuiltInServices": [ "youtube" ] },
                "PerUserConsent": true,
                "AccountChoiceRefreshInterval": "2.00:00:00"
            } }
            """);

        var invalid = await CliRun.RunAsync("check", path);
        Assert.True(invalid.ExitCode == ExitCodes.UsageOrConfiguration, invalid.ToString());
        Assert.Contains("AccountChoiceRefreshInterval 2.00:00:00 is outside zero to one day", invalid.Error);
        Assert.DoesNotContain("PerUserConsent needs SubjectKey", invalid.Error);

        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("2.00:00:00", "00:00:30", StringComparison.Ordinal));
        var valid = await CliRun.RunAsync("check", path);
        Assert.True(valid.ExitCode == ExitCodes.Ok, valid.ToString());
        Assert.Contains("EntConsent:SubjectKey is not in the file", valid.Error);
    }

    [Theory]
    [InlineData("{ not json", "not valid JSON")]
    [InlineData("""{ "Logging": {} }""", "has no EntConsent:Policy section")]
    public async Task A_file_that_is_no_catalogue_exits_2_saying_why(string content, string message)
    {
        using var folder = new TempFolder();
        var path = folder.File("appsettings.json");
        await File.WriteAllTextAsync(path, content);
        var run = await CliRun.RunAsync("check", path);
        Assert.True(run.ExitCode == ExitCodes.UsageOrConfiguration, run.ToString());
        Assert.Contains(message, run.Error);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error_with_exit_2_and_help_exits_0()
    {
        var unknown = await CliRun.RunAsync("check", "a.json", "--frobnicate");
        Assert.True(unknown.ExitCode == ExitCodes.UsageOrConfiguration, unknown.ToString());
        Assert.Contains("--frobnicate", unknown.Error);

        var help = await CliRun.RunAsync("--help");
        Assert.Equal(ExitCodes.Ok, help.ExitCode);
        foreach (var command in new[] { "scan", "check", "verify", "export", "purge" })
        {
            Assert.Contains(command, help.Output);
        }
    }
}
