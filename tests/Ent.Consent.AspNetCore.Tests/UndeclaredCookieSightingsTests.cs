using Ent.Consent.AspNetCore.Diagnostics;
using Microsoft.Extensions.Time.Testing;

namespace Ent.Consent.AspNetCore.Tests;

/// <summary>The console's "trackers seen" list: counted by name and source, bounded, free once a name is known.</summary>
public sealed class UndeclaredCookieSightingsTests
{
    [Fact]
    public void Counts_each_source_with_first_and_last_sighting()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero));
        var sightings = new UndeclaredCookieSightings(clock);
        sightings.Record("_fbp", CookieSightingSource.Response);
        clock.Advance(TimeSpan.FromHours(2));
        sightings.Record("_fbp", CookieSightingSource.Request);
        sightings.Record("_fbp", CookieSightingSource.Request);

        var seen = Assert.Single(sightings.Snapshot());
        Assert.Equal(("_fbp", 1L, 2L), (seen.Name, seen.InResponses, seen.InRequests));
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 8, 0, 0, TimeSpan.Zero), seen.FirstSeen);
        Assert.Equal(new DateTimeOffset(2026, 11, 30, 10, 0, 0, TimeSpan.Zero), seen.LastSeen);
    }

    [Fact]
    public void Stays_bounded_when_a_site_mints_random_names()
    {
        var sightings = new UndeclaredCookieSightings(TimeProvider.System);
        for (var i = 0; i < UndeclaredCookieSightings.MaxNames + 120; i++)
        {
            sightings.Record("rnd_" + i, CookieSightingSource.Request);
        }

        Assert.Equal(UndeclaredCookieSightings.MaxNames, sightings.Snapshot().Count);
        Assert.Equal(120, sightings.Overflow);
    }

    [Fact]
    public void Recording_a_known_name_allocates_nothing()
    {
        var sightings = new UndeclaredCookieSightings(TimeProvider.System);
        const string name = "_ga";
        sightings.Record(name, CookieSightingSource.Response);
        sightings.Record(name, CookieSightingSource.Request);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            sightings.Record(name, CookieSightingSource.Request);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(1001, Assert.Single(sightings.Snapshot()).InRequests);
    }
}
