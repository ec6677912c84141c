namespace Ent.Consent;

/// <summary>
/// What the retention job deletes and when: consent proofs older than <see cref="ProofRetention"/>, and the exempt
/// audience data purges the host registers.
/// </summary>
public sealed class ConsentRetentionOptions
{
    private readonly List<AudienceDataPurgeRegistration> _audienceDataPurges = [];

    /// <summary>
    /// How long a consent proof is kept after it was recorded. Default 5 years (<c>P5Y</c>): the French civil
    /// limitation period (Code civil art. 2224), during which the controller may have to show the consent. At least
    /// 13 months, so that a proof outlives the longest choice it proves.
    /// </summary>
    public CalendarPeriod ProofRetention { get; set; } = CalendarPeriod.FromMonths(60);

    /// <summary>How often the job runs. Default one day; the first run is at start-up.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Whether the job purges consent proofs. Default true; turn off only when another process purges them.</summary>
    public bool PurgeProofs { get; set; } = true;

    /// <summary>The exempt audience data purges registered so far.</summary>
    public IReadOnlyList<AudienceDataPurgeRegistration> AudienceDataPurges => _audienceDataPurges;

    /// <summary>
    /// Registers a purge of data collected by an exempt audience tracker, run by the retention job with the cutoff
    /// "now minus <paramref name="retention"/>".
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="retention"/> is zero or longer than 25 months (<see cref="RegulatoryDurations.ExemptAudienceDataMaxRetention"/>).
    /// </exception>
    /// <exception cref="ArgumentException">The name is empty or already registered.</exception>
    public ConsentRetentionOptions RegisterAudienceDataPurge(string name, CalendarPeriod retention, Func<DateTimeOffset, CancellationToken, Task<long>> purge)
    {
        ArgumentNullException.ThrowIfNull(purge);
        return Add(new AudienceDataPurgeRegistration(CheckName(name), CheckRetention(name, retention), (_, cutoff, cancellationToken) => purge(cutoff, cancellationToken)));
    }

    /// <summary>
    /// Registers a purge of data collected by an exempt audience tracker, done by <typeparamref name="TPurge"/>
    /// (taken from the services of a scope created for each run, or created with them).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="retention"/> is zero or longer than 25 months (<see cref="RegulatoryDurations.ExemptAudienceDataMaxRetention"/>).
    /// </exception>
    /// <exception cref="ArgumentException">The name is empty or already registered.</exception>
    public ConsentRetentionOptions RegisterAudienceDataPurge<TPurge>(string name, CalendarPeriod retention)
        where TPurge : class, IAudienceDataPurge
        => Add(AudienceDataPurgeRegistration.ForService<TPurge>(CheckName(name), CheckRetention(name, retention)));

    private ConsentRetentionOptions Add(AudienceDataPurgeRegistration registration)
    {
        if (_audienceDataPurges.Exists(r => string.Equals(r.Name, registration.Name, StringComparison.Ordinal)))
        {
            throw new ArgumentException($"An audience data purge named '{registration.Name}' is already registered.", nameof(registration));
        }

        _audienceDataPurges.Add(registration);
        return this;
    }

    private static string CheckName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return name;
    }

    private static CalendarPeriod CheckRetention(string name, CalendarPeriod retention)
    {
        if (retention.IsZero || !retention.IsWithin(RegulatoryDurations.ExemptAudienceDataMaxRetention))
        {
            throw new ArgumentOutOfRangeException(
                nameof(retention),
                retention,
                $"Audience data purge '{name}': a retention of {retention} is refused; data collected by exempt audience trackers may be kept {RegulatoryDurations.ExemptAudienceDataMaxRetention} (25 months) at most, and a zero retention would delete it as it is collected.");
        }

        return retention;
    }
}
