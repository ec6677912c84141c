namespace Ent.Consent.Widget.Tests; public class Placeholder { [Fact] public void Builds() => Assert.True(true); }
