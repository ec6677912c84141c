using System.Security.Claims;

namespace Ent.Consent.AspNetCore.Tests;

public sealed class GuardianDirectoryTests
{
    [Fact]
    public async Task Claims_directory_reads_a_pupils_guardians_and_a_parents_children_from_the_sso_attributes()
    {
        var directory = new ClaimsGuardianDirectory("ENTEleveAutoriteParentale", "ENTAuxPersRelEleveEleve", minorNameSeparator: "|");
        var pupil = Principal(("ENTEleveAutoriteParentale", "P1, P2"), ("ENTEleveAutoriteParentale", "P2;P3"), ("other", "X"));
        var parent = Principal(("ENTAuxPersRelEleveEleve", "E1|Camille Martin"), ("ENTAuxPersRelEleveEleve", "E2"), ("ENTAuxPersRelEleveEleve", "E1|Camille"));

        Assert.Equal(["P1", "P2", "P3"], await directory.GetGuardianIdsAsync("E1", pupil, default));
        Assert.Equal([new GuardedMinor("E1", "Camille Martin"), new GuardedMinor("E2", "E2")], await directory.GetMinorsAsync("P1", parent, default));
        Assert.Empty(await directory.GetGuardianIdsAsync("E1", Principal(), default));
        Assert.Throws<ArgumentException>(() => new ClaimsGuardianDirectory(" ", "x"));
        Assert.Throws<ArgumentException>(() => new ClaimsGuardianDirectory("x", "y", minorNameSeparator: ""));
    }

    [Fact]
    public async Task In_memory_directory_answers_both_ways_and_refuses_a_minor_listed_twice()
    {
        var camille = new GuardedMinor("E1", "Camille");
        var lou = new GuardedMinor("E2", "Lou");
        var directory = new InMemoryGuardianDirectory([(camille, ["P1", "P2", "P1"]), (lou, ["P2"])]);

        Assert.Equal(["P1", "P2"], await directory.GetGuardianIdsAsync("E1", Principal(), default));
        Assert.Equal([camille, lou], await directory.GetMinorsAsync("P2", Principal(), default));
        Assert.Empty(await directory.GetMinorsAsync("P9", Principal(), default));
        Assert.Empty(await directory.GetGuardianIdsAsync("E9", Principal(), default));
        Assert.Throws<ArgumentException>(() => new InMemoryGuardianDirectory([(camille, ["P1"]), (camille, ["P2"])]));
        Assert.Throws<ArgumentException>(() => new InMemoryGuardianDirectory([(camille, [""])]));
    }

    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims)
        => new(new ClaimsIdentity(claims.Select(static c => new Claim(c.Type, c.Value)), "Test"));
}
