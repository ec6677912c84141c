namespace Ent.Consent;

/// <summary>A purpose services are grouped under in the preference centre (audience measurement, video, …).</summary>
public sealed class PurposeDefinition
{
    /// <summary>A stable identifier: lowercase letters, digits and hyphens.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The purpose's name as shown to the user.</summary>
    public LocalizedText Name { get; set; } = new();

    /// <summary>What the purpose is for, in plain words.</summary>
    public LocalizedText Description { get; set; } = new();

    internal PurposeDefinition Clone() => new() { Id = Id, Name = Name.Clone(), Description = Description.Clone() };
}
