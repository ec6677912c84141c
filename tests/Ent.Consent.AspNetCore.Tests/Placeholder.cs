namespace Ent.Consent.AspNetCore.Tests; public class Placeholder { [Fact] public void Builds() => Assert.True(true); }
