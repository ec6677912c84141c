namespace Ent.Consent.Cli.Scanning;

/// <summary>The three visits of a scan, each in a fresh browser profile.</summary>
internal enum ScanPass
{
    /// <summary>No button pressed: what a visitor gets before any choice.</summary>
    NoChoice,

    /// <summary>The banner's "refuse all" pressed first.</summary>
    RefuseAll,

    /// <summary>The banner's "accept all" pressed first.</summary>
    AcceptAll,
}

/// <summary>A cookie the browser held at the end of a pass.</summary>
internal sealed record ObservedCookie(string Name, string Domain, string Path, DateTimeOffset? Expires, bool HttpOnly, bool Secure, DateTimeOffset ObservedAt);

/// <summary>A localStorage or sessionStorage key a page of the site held.</summary>
internal sealed record ObservedStorageKey(string Area, string Key, string Origin);

/// <summary>
/// What one pass saw. <paramref name="ClockShift"/> is how far the machine's wall clock moved against its monotonic
/// clock during the pass (a step or slew by time synchronisation): cookie lifetimes are measured from the wall clock,
/// so they are judged with that much more slack. <paramref name="ServerDateLag"/> is the most the site's <c>Date</c>
/// header lagged behind the machine's clock when a response arrived: a browser counts a cookie's <c>Expires</c> from
/// that header, so a lagging one lengthens the lifetime the browser keeps by as much.
/// </summary>
internal sealed record PassObservation(
    ScanPass Pass,
    IReadOnlyList<string> Pages,
    string? Banner,
    IReadOnlyList<ObservedCookie> Cookies,
    IReadOnlyList<ObservedStorageKey> StorageKeys,
    IReadOnlyList<string> ThirdPartyHosts,
    TimeSpan ClockShift = default,
    TimeSpan ServerDateLag = default);

/// <summary>One cookie, storage key or third-party host, with what the catalogue says of it and where it was seen.</summary>
internal sealed record ScanFinding(
    string Kind,
    string Name,
    string? Domain,
    string? ServiceId,
    ServiceCategory Category,
    bool IsDeclared,
    IReadOnlyList<ScanPass> Passes,
    DateTimeOffset? Expires,
    double? LifetimeDays,
    bool? HttpOnly);

/// <summary>A rule the site breaks, one sentence.</summary>
internal sealed record ScanViolation(string Rule, string Kind, string Name, ScanPass? Pass, string Message);

/// <summary>The whole result of a scan, as reports and <c>--json</c> write it.</summary>
internal sealed record ScanReport(
    Uri Site,
    DateTimeOffset ScannedAt,
    string Policy,
    string PolicyVersion,
    IReadOnlyList<PassObservation> Passes,
    IReadOnlyList<ScanFinding> Findings,
    IReadOnlyList<ScanViolation> Violations,
    IReadOnlyList<string> Warnings,
    string? DraftServices)
{
    public bool HasViolations => Violations.Count > 0;
}
