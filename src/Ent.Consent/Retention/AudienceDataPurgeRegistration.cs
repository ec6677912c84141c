using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent;

/// <summary>A purge of exempt audience data that the retention job runs, with the retention it enforces.</summary>
public sealed class AudienceDataPurgeRegistration
{
    private readonly Func<IServiceProvider, DateTimeOffset, CancellationToken, Task<long>> _purge;

    internal AudienceDataPurgeRegistration(string name, CalendarPeriod retention, Func<IServiceProvider, DateTimeOffset, CancellationToken, Task<long>> purge)
    {
        Name = name;
        Retention = retention;
        _purge = purge;
    }

    /// <summary>The name logs and reports use ("matomo-visits").</summary>
    public string Name { get; }

    /// <summary>How long the data is kept; never above 25 months.</summary>
    public CalendarPeriod Retention { get; }

    internal Task<long> RunAsync(IServiceProvider services, DateTimeOffset cutoff, CancellationToken cancellationToken)
        => _purge(services, cutoff, cancellationToken);

    internal static AudienceDataPurgeRegistration ForService<TPurge>(string name, CalendarPeriod retention)
        where TPurge : class, IAudienceDataPurge
        => new(name, retention, static (services, cutoff, cancellationToken) =>
            ActivatorUtilities.GetServiceOrCreateInstance<TPurge>(services).PurgeAsync(cutoff, cancellationToken));
}
