namespace Ent.Consent;

/// <summary>
/// Deletes, in the host's own storage, the data collected by an exempt audience tracker before a cutoff (CNIL: such
/// data may be kept 25 months at most). Registered with
/// <see cref="ConsentRetentionOptions.RegisterAudienceDataPurge{TPurge}(string, CalendarPeriod)"/>.
/// </summary>
public interface IAudienceDataPurge
{
    /// <summary>Deletes the data collected before <paramref name="cutoff"/> and returns how many items went.</summary>
    Task<long> PurgeAsync(DateTimeOffset cutoff, CancellationToken cancellationToken);
}
