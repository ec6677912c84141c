namespace Ent.Consent.EndToEnd.Tests; public class Placeholder { [Fact] public void Builds() => Assert.True(true); }
