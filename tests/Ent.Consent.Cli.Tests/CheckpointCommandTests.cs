namespace Ent.Consent.Cli.Tests;

/// <summary>
/// <c>checkpoint keygen|write|verify</c> end to end on real stores: a chain rewritten with valid hashes after a
/// checkpoint passes <c>verify</c> but fails <c>checkpoint verify</c> with exit 1.
/// </summary>
public sealed class CheckpointCommandTests
{
    [Fact]
    public async Task Sqlite_store_rewritten_after_a_checkpoint_fails_checkpoint_verify_with_exit_1()
    {
        await using var store = await FilledSqliteStore.CreateAsync();
        await RunScenarioAsync(store);
    }

    [PostgresFact]
    public async Task PostgreSql_store_rewritten_after_a_checkpoint_fails_checkpoint_verify_with_exit_1()
    {
        await using var store = await FilledPostgreSqlStore.CreateAsync();
        await RunScenarioAsync(store);
    }

    [Fact]
    public async Task Missing_checkpoint_file_or_a_public_key_given_to_sign_is_a_usage_error()
    {
        await using var store = await FilledSqliteStore.CreateAsync();
        using var folder = new TempFolder();
        Assert.Equal(ExitCodes.Ok, (await CliRun.RunAsync("checkpoint", "keygen", "-o", folder.File("key.pem"))).ExitCode);

        var noFile = await CliRun.RunAsync(["checkpoint", "verify", .. store.StoreArgs, "--file", folder.File("none.jsonl"), "--public-key", folder.File("key.pub.pem")]);
        var publicToSign = await CliRun.RunAsync(["checkpoint", "write", .. store.StoreArgs, "--key", folder.File("key.pub.pem"), "--file", folder.File("c.jsonl")]);
        var again = await CliRun.RunAsync("checkpoint", "keygen", "-o", folder.File("key.pem"));

        Assert.True(noFile.ExitCode == ExitCodes.UsageOrConfiguration, noFile.ToString());
        Assert.Contains("does not exist", noFile.Error);
        Assert.True(publicToSign.ExitCode == ExitCodes.UsageOrConfiguration, publicToSign.ToString());
        Assert.Contains("holds only a public key", publicToSign.Error);
        Assert.True(again.ExitCode == ExitCodes.UsageOrConfiguration, again.ToString());
        Assert.Contains("never overwritten", again.Error);
    }

    private static async Task RunScenarioAsync(FilledStore store)
    {
        using var folder = new TempFolder();
        var keygen = await CliRun.RunAsync("checkpoint", "keygen", "-o", folder.File("signing.pem"), "--json");
        Assert.True(keygen.ExitCode == ExitCodes.Ok, keygen.ToString());
        var keyId = keygen.Json().GetProperty("keyId").GetString();
        string[] verifyArgs = ["checkpoint", "verify", .. store.StoreArgs, "--file", folder.File("checkpoints.jsonl"), "--public-key", folder.File("signing.pub.pem")];

        var write = await CliRun.RunAsync(["checkpoint", "write", .. store.StoreArgs, "--key", folder.File("signing.pem"), "--file", folder.File("checkpoints.jsonl"), "--json"]);
        Assert.True(write.ExitCode == ExitCodes.Ok, write.ToString());
        Assert.Equal(4, write.Json().GetProperty("sequence").GetInt64());
        Assert.Equal(keyId, write.Json().GetProperty("keyId").GetString());

        var valid = await CliRun.RunAsync([.. verifyArgs, "--json"]);
        Assert.True(valid.ExitCode == ExitCodes.Ok, valid.ToString());
        Assert.True(valid.Json().GetProperty("isValid").GetBoolean());
        Assert.Equal(1, valid.Json().GetProperty("checkpointsChecked").GetInt32());
        Assert.Equal(4, valid.Json().GetProperty("latestCheckpoint").GetProperty("sequence").GetInt64());

        await store.RewriteFromAsync(3);
        var plain = await CliRun.RunAsync(["verify", .. store.StoreArgs, "--json"]);
        var rewritten = await CliRun.RunAsync(verifyArgs);
        var rewrittenJson = await CliRun.RunAsync([.. verifyArgs, "--json"]);

        // The forgery holds together on its own; only the checkpoint catches it.
        Assert.True(plain.ExitCode == ExitCodes.Ok, plain.ToString());
        Assert.True(rewritten.ExitCode == ExitCodes.Findings, rewritten.ToString());
        Assert.Contains("BROKEN", rewritten.Output);
        Assert.Contains($"Record 4 does not match the checkpoint signed at", rewritten.Output);
        Assert.Contains($"with key {keyId}", rewritten.Output);
        Assert.False(rewrittenJson.Json().GetProperty("isValid").GetBoolean());
        Assert.Equal(4, rewrittenJson.Json().GetProperty("firstBrokenSequence").GetInt64());

        // A checkpoint file checked with some other key proves nothing: reported, exit 1.
        var otherKey = await CliRun.RunAsync("checkpoint", "keygen", "-o", folder.File("other.pem"));
        Assert.Equal(ExitCodes.Ok, otherKey.ExitCode);
        var untrusted = await CliRun.RunAsync(["checkpoint", "verify", .. store.StoreArgs, "--file", folder.File("checkpoints.jsonl"), "--public-key", folder.File("other.pub.pem")]);
        Assert.True(untrusted.ExitCode == ExitCodes.Findings, untrusted.ToString());
        Assert.Contains("which is not trusted", untrusted.Output);
    }
}
