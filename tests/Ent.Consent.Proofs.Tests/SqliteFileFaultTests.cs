using Ent.Consent.Sqlite;
using Microsoft.Data.Sqlite;
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
}
