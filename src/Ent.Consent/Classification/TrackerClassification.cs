namespace Ent.Consent;

/// <summary>
/// What the classifier knows of a cookie: its category and the services that declare it. Instances are prepared
/// when the policy is built and shared, so classifying allocates nothing.
/// </summary>
public sealed class TrackerClassification
{
    internal TrackerClassification(ServiceCategory category, ServiceDefinition[] services, CookieDefinition? cookie)
    {
        Category = category;
        Services = Array.AsReadOnly(services);
        Cookie = cookie;
    }

    /// <summary>The answer for a cookie no service declares: consent-required, with no service to grant.</summary>
    public static TrackerClassification Unknown { get; } = new(ServiceCategory.ConsentRequired, [], null);

    /// <summary>The strictest category among the services that declare the cookie.</summary>
    public ServiceCategory Category { get; }

    /// <summary>Every service that declares the cookie, the strictest first; empty when unknown.</summary>
    public IReadOnlyList<ServiceDefinition> Services { get; }

    /// <summary>The service whose category applies (the strictest), or null when unknown.</summary>
    public ServiceDefinition? Service => Services.Count > 0 ? Services[0] : null;

    /// <summary>The declaration of the governing service, or null when unknown.</summary>
    public CookieDefinition? Cookie { get; }

    /// <summary>Whether any service declares the cookie.</summary>
    public bool IsKnown => Services.Count > 0;
}
