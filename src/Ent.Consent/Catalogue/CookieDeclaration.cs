namespace Ent.Consent;

/// <summary>A cookie a service writes or reads.</summary>
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
    public LocalizedText Description { get; set; } = new();

    /// <summary>Whether <see cref="Name"/> is a prefix.</summary>
    public bool IsPrefix => Name.EndsWith('*');

    /// <summary>The name without the trailing <c>*</c> of a prefix.</summary>
    public string NameOrPrefix => IsPrefix ? Name[..^1] : Name;

    internal CookieDeclaration Clone() => new()
    {
        Name = Name,
        Domain = Domain,
        Path = Path,
        Lifetime = Lifetime,
        HttpOnly = HttpOnly,
        Description = Description.Clone(),
    };
}
