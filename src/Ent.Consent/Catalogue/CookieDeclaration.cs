namespace Ent.Consent;

/// <summary>A cookie a service writes or reads, as declared (mutable, bound from configuration).</summary>
public sealed class CookieDeclaration
{
    /// <summary>
    /// The cookie's name, exact (<c>_pk_ses</c>) or a prefix ending with <c>*</c> (<c>_pk_id.*</c> matches
    /// <c>_pk_id.1.ab12</c>). Matched case-sensitively, as browsers do.
    /// </summary>
    public string Name { get; set; } = string.Empty;

    /// <summary>
    /// The domain the cookie is set for, when it is not the host's own (for example <c>.youtube.com</c>). Null
    /// matches any domain.
    /// </summary>
    public string? Domain { get; set; }

    /// <summary>The path the cookie is set for; "/" when null. Used when the cookie has to be deleted.</summary>
    public string? Path { get; set; }

    /// <summary>The declared lifetime as an ISO 8601 period (<c>P13M</c>); null for a session cookie.</summary>
    public CalendarPeriod? Lifetime { get; set; }

    /// <summary>Whether the cookie is HttpOnly (only the server can delete it).</summary>
    public bool HttpOnly { get; set; }

    /// <summary>What the cookie holds, shown on the cookie information page.</summary>
    public LocalizedTextDeclaration Description { get; set; } = new();
}

/// <summary>A cookie a service writes or reads, as compiled into a <see cref="ConsentPolicy"/>: immutable.</summary>
public sealed class CookieDefinition
{
    private CookieDefinition(CookieDeclaration declaration)
    {
        Name = declaration.Name ?? string.Empty;
        Domain = declaration.Domain;
        Path = declaration.Path;
        Lifetime = declaration.Lifetime;
        HttpOnly = declaration.HttpOnly;
        Description = LocalizedText.From(declaration.Description);
    }

    /// <inheritdoc cref="CookieDeclaration.Name"/>
    public string Name { get; }

    /// <inheritdoc cref="CookieDeclaration.Domain"/>
    public string? Domain { get; }

    /// <inheritdoc cref="CookieDeclaration.Path"/>
    public string? Path { get; }

    /// <inheritdoc cref="CookieDeclaration.Lifetime"/>
    public CalendarPeriod? Lifetime { get; }

    /// <inheritdoc cref="CookieDeclaration.HttpOnly"/>
    public bool HttpOnly { get; }

    /// <inheritdoc cref="CookieDeclaration.Description"/>
    public LocalizedText Description { get; }

    /// <summary>Whether <see cref="Name"/> is a prefix.</summary>
    public bool IsPrefix => Name.EndsWith('*');

    /// <summary>The name without the trailing <c>*</c> of a prefix.</summary>
    public string NameOrPrefix => IsPrefix ? Name[..^1] : Name;

    internal static CookieDefinition From(CookieDeclaration declaration) => new(declaration);
}
