namespace Ent.Consent;

/// <summary>
/// A purpose services are grouped under in the preference centre (audience measurement, video, …), as declared
/// (mutable, bound from configuration).
/// </summary>
public sealed class PurposeDeclaration
{
    /// <summary>A stable identifier: lowercase letters, digits and hyphens.</summary>
    public string Id { get; set; } = string.Empty;

    /// <summary>The purpose's name as shown to the user.</summary>
    public LocalizedTextDeclaration Name { get; set; } = new();

    /// <summary>What the purpose is for, in plain words.</summary>
    public LocalizedTextDeclaration Description { get; set; } = new();
}

/// <summary>A purpose as compiled into a <see cref="ConsentPolicy"/>: immutable.</summary>
public sealed class PurposeDefinition
{
    private PurposeDefinition(PurposeDeclaration declaration)
    {
        Id = declaration.Id ?? string.Empty;
        Name = LocalizedText.From(declaration.Name);
        Description = LocalizedText.From(declaration.Description);
    }

    /// <inheritdoc cref="PurposeDeclaration.Id"/>
    public string Id { get; }

    /// <inheritdoc cref="PurposeDeclaration.Name"/>
    public LocalizedText Name { get; }

    /// <inheritdoc cref="PurposeDeclaration.Description"/>
    public LocalizedText Description { get; }

    internal static PurposeDefinition From(PurposeDeclaration declaration) => new(declaration);
}
