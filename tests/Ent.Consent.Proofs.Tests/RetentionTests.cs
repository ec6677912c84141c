using Ent.Consent.Sqlite;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.Proofs.Tests;

/// <summary>Retention: proofs kept 5 years by default, exempt audience data 25 months at most, purged by a background job.</summary>
public sealed class RetentionTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-retention-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Theory]
    [InlineData("P26M")]
    [InlineData("P25M1D")]
    [InlineData("P3Y")]
    [InlineData("P0D")]
    public void Audience_data_purge_keeping_data_longer_than_25_months_is_refused_at_registration(string retention)
    {
        var options = new ConsentRetentionOptions();

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() =>
            options.RegisterAudienceDataPurge("matomo-visits", CalendarPeriod.Parse(retention), (_, _) => Task.FromResult(0L)));

        Assert.Contains("matomo-visits", exception.Message);
        Assert.Contains(CalendarPeriod.Parse(retention).ToString(), exception.Message);
        Assert.Contains("25 months", exception.Message);
        Assert.Empty(options.AudienceDataPurges);
    }

    [Fact]
    public void Audience_data_purge_of_25_months_is_accepted_and_a_second_one_with_the_same_name_is_refused()
    {
        var options = new ConsentRetentionOptions();

        options.RegisterAudienceDataPurge("matomo-visits", CalendarPeriod.FromMonths(25), (_, _) => Task.FromResult(0L));

        Assert.Equal("matomo-visits", Assert.Single(options.AudienceDataPurges).Name);
        Assert.Throws<ArgumentException>(() => options.RegisterAudienceDataPurge("matomo-visits", CalendarPeriod.FromMonths(12), (_, _) => Task.FromResult(0L)));
    }

    [Fact]
    public void Proof_retention_defaults_to_five_years_and_a_retention_shorter_than_13_months_is_rejected_at_start()
    {
        var validator = new ConsentRetentionOptionsValidator();

        Assert.Equal(CalendarPeriod.FromMonths(60), new ConsentRetentionOptions().ProofRetention);
        Assert.True(validator.Validate(null, new ConsentRetentionOptions()).Succeeded);
        var failure = validator.Validate(null, new ConsentRetentionOptions { ProofRetention = CalendarPeriod.FromMonths(12) });
        Assert.True(failure.Failed);
        Assert.Contains("ProofRetention is P1Y", failure.FailureMessage);
    }

    [Fact]
    public async Task One_pass_purges_proofs_older_than_the_retention_and_runs_each_audience_purge_with_its_cutoff()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2020, 1, 31, 12, 0, 0, TimeSpan.Zero));
        using var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = Path.Combine(_folder, "p.db") }, time);
        await store.AppendAsync(Drafts.Choice("old"));
        time.SetUtcNow(new DateTimeOffset(2021, 6, 1, 0, 0, 0, TimeSpan.Zero));
        await store.AppendAsync(Drafts.Choice("recent"));
        time.SetUtcNow(new DateTimeOffset(2025, 3, 1, 0, 0, 0, TimeSpan.Zero));

        DateTimeOffset? audienceCutoff = null;
        var retention = CreateRetention(store, time, o =>
        {
            o.RegisterAudienceDataPurge("broken", CalendarPeriod.FromMonths(13), (_, _) => throw new IOException("disk gone"));
            o.RegisterAudienceDataPurge("matomo-visits", CalendarPeriod.FromMonths(25), (cutoff, _) =>
            {
                audienceCutoff = cutoff;
                return Task.FromResult(42L);
            });
        });

        var report = await retention.RunOnceAsync();

        var proofs = Assert.Single(report.Outcomes, o => o.Name == "consent-proofs");
        Assert.Equal(new DateTimeOffset(2020, 3, 1, 0, 0, 0, TimeSpan.Zero), proofs.Cutoff);
        Assert.Equal(1, proofs.Deleted);
        Assert.Empty(await store.ExportByConsentIdAsync("old"));
        Assert.Single(await store.ExportByConsentIdAsync("recent"));
        Assert.True((await store.VerifyAsync()).IsValid);
        Assert.Equal(new DateTimeOffset(2023, 2, 1, 0, 0, 0, TimeSpan.Zero), audienceCutoff);
        Assert.Equal(42, Assert.Single(report.Outcomes, o => o.Name == "matomo-visits").Deleted);
        Assert.IsType<IOException>(Assert.Single(report.Outcomes, o => o.Name == "broken").Error);
        Assert.False(report.Succeeded);
    }

    [Fact]
    public async Task On_31_March_the_pass_deletes_data_of_29_February_two_years_back_which_is_past_its_25_months()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 31, 14, 0, 0, TimeSpan.Zero));
        using var store = new SqliteConsentProofStore(new SqliteConsentProofStoreOptions { Path = Path.Combine(_folder, "p.db") }, time);
        DateTimeOffset? audienceCutoff = null;
        var retention = CreateRetention(store, time, o =>
        {
            o.ProofRetention = CalendarPeriod.FromMonths(25);
            o.RegisterAudienceDataPurge("matomo-visits", CalendarPeriod.FromMonths(25), (cutoff, _) =>
            {
                audienceCutoff = cutoff;
                return Task.FromResult(0L);
            });
        });

        var report = await retention.RunOnceAsync();

        // 29 February 2024 + 25 months = 29 March 2026: by 31 March the whole of 29 February is over 25 months old.
        var expected = new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero);
        Assert.Equal(expected, Assert.Single(report.Outcomes, o => o.Name == "consent-proofs").Cutoff);
        Assert.Equal(expected, audienceCutoff);
        Assert.Equal(RegulatoryDurations.ExemptAudienceDataCutoff(time.GetUtcNow()), audienceCutoff);
    }

    [Fact]
    public async Task Hosted_job_runs_at_start_and_again_after_each_interval()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var runs = new List<DateTimeOffset>();
        var ran = new SemaphoreSlim(0);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddEntConsent(TestPortal.Configure)
            .AddSqliteProofStore(Path.Combine(_folder, "hosted.db"))
            .AddRetention(o =>
        {
            o.Interval = TimeSpan.FromHours(6);
            o.RegisterAudienceDataPurge("matomo-visits", CalendarPeriod.FromMonths(25), (cutoff, _) =>
            {
                lock (runs)
                {
                    runs.Add(cutoff);
                }

                ran.Release();
                return Task.FromResult(0L);
            });
        });
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();
        await app.StartAsync();

        Assert.True(await ran.WaitAsync(TimeSpan.FromSeconds(30)), "the job did not run at start");
        // The job waits on the fake clock; moving it before the wait is registered would be lost, so move it until the
        // next pass comes (a wall-clock wait of 100 ms between moves only paces the loop).
        var secondPass = false;
        for (var attempt = 0; attempt < 300 && !secondPass; attempt++)
        {
            time.Advance(TimeSpan.FromHours(6));
            secondPass = await ran.WaitAsync(TimeSpan.FromMilliseconds(100));
        }

        await app.StopAsync();
        Assert.True(secondPass, "the job did not run after its interval");
        lock (runs)
        {
            Assert.Equal(new DateTimeOffset(2023, 12, 1, 0, 0, 0, TimeSpan.Zero), runs[0]);
            Assert.True(runs[1] - runs[0] >= TimeSpan.FromHours(6));
        }
    }

    [Fact]
    public async Task Hosted_job_with_an_invalid_retention_stops_the_host_at_start()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Services.AddEntConsent(TestPortal.Configure).AddRetention(o => o.ProofRetention = CalendarPeriod.FromMonths(6));
        builder.WebHost.UseTestServer();
        await using var app = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());
        Assert.Contains("ProofRetention is P6M", exception.Message);
    }

    private static ConsentRetention CreateRetention(IConsentProofStore store, TimeProvider time, Action<ConsentRetentionOptions> configure)
    {
        var services = new ServiceCollection().AddSingleton(store).BuildServiceProvider();
        var options = new ConsentRetentionOptions();
        configure(options);
        return new ConsentRetention(services.GetRequiredService<IServiceScopeFactory>(), Options.Create(options), time, NullLogger<ConsentRetention>.Instance);
    }
}
