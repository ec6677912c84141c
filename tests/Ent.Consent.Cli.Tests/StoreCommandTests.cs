namespace Ent.Consent.Cli.Tests;

/// <summary>verify, export and purge on real stores, one scenario per store kind.</summary>
public sealed class StoreCommandTests
{
    [Fact]
    public async Task Sqlite_store_verifies_exports_purges_and_a_tampered_row_fails_verification_with_exit_1()
    {
        await using var store = await FilledSqliteStore.CreateAsync();
        await RunScenarioAsync(store);
    }

    [PostgresFact]
    public async Task PostgreSql_store_verifies_exports_purges_and_a_tampered_row_fails_verification_with_exit_1()
    {
        await using var store = await FilledPostgreSqlStore.CreateAsync();
        await RunScenarioAsync(store);
    }

    private static async Task RunScenarioAsync(FilledStore store)
    {
        var verify = await CliRun.RunAsync(["verify", .. store.StoreArgs, "--json"]);
        Assert.True(verify.ExitCode == ExitCodes.Ok, verify.ToString());
        Assert.True(verify.Json().GetProperty("isValid").GetBoolean());
        Assert.Equal(4, verify.Json().GetProperty("recordCount").GetInt64());

        var byConsent = await CliRun.RunAsync(["export", .. store.StoreArgs, "--consent-id", "recent-1", "--json"]);
        Assert.True(byConsent.ExitCode == ExitCodes.Ok, byConsent.ToString());
        var export = ConsentProofExport.Parse(byConsent.Output);
        Assert.Equal("recent-1", Assert.Single(export.Records).Content.ConsentId);
        Assert.True(ProofChain.HasValidHash(export.Records[0]));

        // The user's id is hashed with the portal's secret exactly as the portal recorded it.
        var byUser = await CliRun.RunAsync(["export", .. store.StoreArgs, "--user", "jdupont@ac-exemple.fr", "--subject-key", FilledStore.SubjectSecret, "--json"]);
        Assert.True(byUser.ExitCode == ExitCodes.Ok, byUser.ToString());
        var userExport = ConsentProofExport.Parse(byUser.Output);
        Assert.Equal(["old-2", "recent-1"], userExport.Records.Select(static r => r.Content.ConsentId));
        Assert.Equal(FilledStore.UserSubject, userExport.SubjectKey);

        var dryRun = await CliRun.RunAsync(["purge", .. store.StoreArgs, "--dry-run", "--json"]);
        Assert.True(dryRun.ExitCode == ExitCodes.Ok, dryRun.ToString());
        Assert.Equal(2, dryRun.Json().GetProperty("records").GetInt64());
        Assert.Equal(4, (await CliRun.RunAsync(["verify", .. store.StoreArgs, "--json"])).Json().GetProperty("recordCount").GetInt64());

        var purge = await CliRun.RunAsync(["purge", .. store.StoreArgs, "--retention", "P5Y", "--json"]);
        Assert.True(purge.ExitCode == ExitCodes.Ok, purge.ToString());
        Assert.Equal(2, purge.Json().GetProperty("records").GetInt64());
        var afterPurge = await CliRun.RunAsync(["verify", .. store.StoreArgs, "--json"]);
        Assert.True(afterPurge.ExitCode == ExitCodes.Ok, afterPurge.ToString());
        Assert.Equal(2, afterPurge.Json().GetProperty("recordCount").GetInt64());

        await store.TamperAsync(sequence: 4);
        var broken = await CliRun.RunAsync(["verify", .. store.StoreArgs]);
        Assert.True(broken.ExitCode == ExitCodes.Findings, broken.ToString());
        Assert.Contains("BROKEN", broken.Output);
        Assert.Contains("sequence 4", broken.Output);
    }

    [Fact]
    public async Task Export_by_user_without_the_subject_key_is_a_usage_error_naming_the_variable()
    {
        await using var store = await FilledSqliteStore.CreateAsync();
        var previous = Environment.GetEnvironmentVariable("EntConsent__SubjectKey");
        Environment.SetEnvironmentVariable("EntConsent__SubjectKey", null);
        try
        {
            var run = await CliRun.RunAsync(["export", .. store.StoreArgs, "--user", "jdupont"]);
            Assert.True(run.ExitCode == ExitCodes.UsageOrConfiguration, run.ToString());
            Assert.Contains("EntConsent__SubjectKey", run.Error);
        }
        finally
        {
            Environment.SetEnvironmentVariable("EntConsent__SubjectKey", previous);
        }
    }

    [Fact]
    public async Task A_missing_sqlite_file_is_a_usage_error_and_is_not_created()
    {
        using var folder = new TempFolder();
        var path = folder.File("typo.db");
        var run = await CliRun.RunAsync("verify", "--sqlite", path);
        Assert.True(run.ExitCode == ExitCodes.UsageOrConfiguration, run.ToString());
        Assert.Contains("does not exist", run.Error);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task A_store_command_needs_exactly_one_store()
    {
        var none = await CliRun.RunAsync("verify");
        Assert.True(none.ExitCode == ExitCodes.UsageOrConfiguration, none.ToString());
        Assert.Contains("exactly one of --sqlite", none.Error);

        var both = await CliRun.RunAsync("verify", "--sqlite", "a.db", "--postgres", "Host=localhost");
        Assert.Equal(ExitCodes.UsageOrConfiguration, both.ExitCode);
    }

    [Fact]
    public async Task Purge_refuses_a_retention_shorter_than_the_longest_choice()
    {
        await using var store = await FilledSqliteStore.CreateAsync();
        var run = await CliRun.RunAsync(["purge", .. store.StoreArgs, "--retention", "P6M"]);
        Assert.True(run.ExitCode == ExitCodes.UsageOrConfiguration, run.ToString());
        Assert.Equal(4, (await CliRun.RunAsync(["verify", .. store.StoreArgs, "--json"])).Json().GetProperty("recordCount").GetInt64());
    }

    [Fact]
    public void Subject_key_is_the_truncated_HMAC_SHA256_of_the_user_id_in_base64url()
    {
        // Pinned independently of the library: a portal's proofs stay findable only while this format holds.
        var mac = System.Security.Cryptography.HMACSHA256.HashData("secret-key"u8, "jdupont"u8);
        var expected = System.Buffers.Text.Base64Url.EncodeToString(mac.AsSpan(0, 16));
        Assert.Equal(expected, ConsentSubject.Hash("secret-key", "jdupont"));
        Assert.Equal(22, expected.Length);
    }
}
