using System.Diagnostics;
using Ent.Consent.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.Proofs.Tests;

/// <summary>A store whose file is deleted or replaced under it refuses appends instead of writing where nobody reads.</summary>
public sealed class SqliteFileFaultTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-file-fault-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Appending_after_the_file_was_deleted_is_refused_as_unavailable_and_stays_refused()
    {
        var path = Path.Combine(_folder, "proofs.db");
        using var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = path }, TimeProvider.System);
        await store.AppendAsync(Drafts.Choice("before"));

        File.Delete(path);

        await Assert.ThrowsAsync<ConsentProofStoreUnavailableException>(() => store.AppendAsync(Drafts.Choice("into-the-void")));
        Assert.Contains("deleted", store.FileFault, StringComparison.Ordinal);
        await Assert.ThrowsAsync<ConsentProofStoreUnavailableException>(() => store.AppendAsync(Drafts.Choice("again")));
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Appending_after_the_file_was_replaced_is_refused_as_unavailable()
    {
        var path = Path.Combine(_folder, "proofs.db");
        var other = Path.Combine(_folder, "other.db");
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = path }, time);
        await store.AppendAsync(Drafts.Choice("before"));
        using (var replacement = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = other }, TimeProvider.System))
        {
            await replacement.AppendAsync(Drafts.Choice("elsewhere-1"));
            await replacement.AppendAsync(Drafts.Choice("elsewhere-2"));
        }

        SqliteConnection.ClearAllPools();
        File.Move(other, path, overwrite: true);
        time.Advance(TimeSpan.FromSeconds(2));

        await Assert.ThrowsAsync<ConsentProofStoreUnavailableException>(() => store.AppendAsync(Drafts.Choice("into-the-old-file")));
        Assert.Contains("replaced", store.FileFault, StringComparison.Ordinal);
    }

    // Root ignores file modes, so an unwritable companion file is made immutable (chattr +i), which binds root too.
    [ImmutableFileFact]
    public Task An_unwritable_shm_file_makes_the_store_unavailable_and_unhealthy_instead_of_crashing() => CompanionFileFaultAsync("-shm");

    [ImmutableFileFact]
    public Task An_unwritable_wal_file_makes_the_store_unavailable_and_unhealthy_instead_of_crashing() => CompanionFileFaultAsync("-wal");

    private async Task CompanionFileFaultAsync(string suffix)
    {
        var path = Path.Combine(_folder, "proofs.db");
        using (var first = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = path }, TimeProvider.System))
        {
            await first.AppendAsync(Drafts.Choice("before"));
        }

        SqliteConnection.ClearAllPools();
        // What the last close left behind: an empty companion file, now unwritable.
        File.WriteAllBytes(path + suffix, []);
        ImmutableFileFactAttribute.SetImmutable(path + suffix, true);
        try
        {
            using var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = path, BusyTimeout = TimeSpan.FromSeconds(1) }, TimeProvider.System);

            await Assert.ThrowsAsync<ConsentProofStoreUnavailableException>(() => store.AppendAsync(Drafts.Choice("refused")));
            var health = await store.CheckHealthAsync(new HealthCheckContext { Registration = new HealthCheckRegistration("proofs", store, HealthStatus.Unhealthy, null) });

            Assert.Equal(HealthStatus.Unhealthy, health.Status);
            Assert.Contains("SQLite proof store", health.Description, StringComparison.Ordinal);
        }
        finally
        {
            ImmutableFileFactAttribute.SetImmutable(path + suffix, false);
            SqliteConnection.ClearAllPools();
        }

        // Once the file is writable again, the store works and nothing was lost.
        using var recovered = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = path }, TimeProvider.System);
        await recovered.AppendAsync(Drafts.Choice("after"));
        var verification = await recovered.VerifyAsync();
        Assert.True(verification.IsValid, verification.Reason);
        Assert.Equal(2, verification.RecordCount);
    }
}

/// <summary>A fact that needs <c>chattr +i</c> (root on a file system with the immutable flag); skipped with the reason elsewhere.</summary>
public sealed class ImmutableFileFactAttribute : FactAttribute
{
    private static readonly string? Unsupported = Probe();

    /// <summary>Sets <see cref="FactAttribute.Skip"/> when files cannot be made immutable here.</summary>
    public ImmutableFileFactAttribute() => Skip = Unsupported;

    /// <summary>Sets or clears the immutable flag of <paramref name="path"/>.</summary>
    public static void SetImmutable(string path, bool immutable)
    {
        using var chattr = Process.Start(new ProcessStartInfo("chattr", [immutable ? "+i" : "-i", path]) { RedirectStandardError = true })!;
        chattr.WaitForExit();
        if (chattr.ExitCode != 0)
        {
            throw new InvalidOperationException($"chattr {(immutable ? "+i" : "-i")} {path} failed: {chattr.StandardError.ReadToEnd()}");
        }
    }

    private static string? Probe()
    {
        var probe = Path.Combine(Path.GetTempPath(), $"ent-consent-chattr-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllBytes(probe, []);
            SetImmutable(probe, true);
            SetImmutable(probe, false);
            return null;
        }
        catch (Exception exception) when (exception is InvalidOperationException or System.ComponentModel.Win32Exception or IOException)
        {
            return $"needs chattr +i (root, a file system with the immutable flag): {exception.Message}";
        }
        finally
        {
            File.Delete(probe);
        }
    }
}
