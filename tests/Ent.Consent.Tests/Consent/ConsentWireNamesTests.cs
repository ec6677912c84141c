namespace Ent.Consent.Tests.Consent;

public sealed class ConsentWireNamesTests
{
    // These names are hashed into every proof: changing one breaks the verification of every chain ever written.
    [Theory]
    [InlineData(ConsentDecision.NotAsked, "notAsked")]
    [InlineData(ConsentDecision.Granted, "granted")]
    [InlineData(ConsentDecision.Denied, "denied")]
    public void Decision_names_are_pinned_and_read_back(ConsentDecision decision, string name)
    {
        Assert.Equal(name, ConsentWireNames.Of(decision));
        Assert.Equal(decision, ConsentWireNames.ParseDecision(name));
    }

    [Theory]
    [InlineData(ConsentChannel.FirstLayer, "firstLayer")]
    [InlineData(ConsentChannel.PreferenceCentre, "preferenceCentre")]
    [InlineData(ConsentChannel.Api, "api")]
    [InlineData(ConsentChannel.PrivacySignal, "privacySignal")]
    public void Channel_names_are_pinned_and_read_back(ConsentChannel channel, string name)
    {
        Assert.Equal(name, ConsentWireNames.Of(channel));
        Assert.Equal(channel, ConsentWireNames.ParseChannel(name));
    }

    [Fact]
    public void Every_defined_value_has_a_distinct_name()
    {
        var names = Enum.GetValues<ConsentDecision>().Select(static d => ConsentWireNames.Of(d))
            .Concat(Enum.GetValues<ConsentChannel>().Select(static c => ConsentWireNames.Of(c)))
            .Concat(Enum.GetValues<ServiceCategory>().Select(static c => ConsentWireNames.Of(c)))
            .ToList();

        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("Granted")]
    [InlineData("granted ")]
    [InlineData("")]
    [InlineData(null)]
    public void Names_are_read_exactly(string? name)
    {
        Assert.False(ConsentWireNames.TryParse(name, out ConsentDecision _));
        Assert.False(ConsentWireNames.TryParse(name, out ConsentChannel _));
    }
}
