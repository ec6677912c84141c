namespace Ent.Consent.Cli;

/// <summary>The exit codes of <c>ent-consent</c>, stable so that scripts and CI jobs can branch on them.</summary>
public static class ExitCodes
{
    /// <summary>The command did what was asked and found nothing wrong.</summary>
    public const int Ok = 0;

    /// <summary>The command ran and found something wrong: scan violations, a broken proof chain.</summary>
    public const int Findings = 1;

    /// <summary>The command line or a configuration file is wrong: unknown option, missing file, invalid catalogue.</summary>
    public const int UsageOrConfiguration = 2;

    /// <summary>Something the command needs could not be reached: the site, the browser, the database.</summary>
    public const int Unavailable = 3;

    /// <summary>Cancelled (Ctrl+C), as shells report SIGINT.</summary>
    public const int Cancelled = 130;
}
