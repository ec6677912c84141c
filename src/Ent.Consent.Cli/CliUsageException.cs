namespace Ent.Consent.Cli;

/// <summary>A mistake in the command line or a configuration file: reported without a stack trace, exit code 2.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException(string message)
        : base(message)
    {
        Problems = [message];
    }

    public CliUsageException(string message, IReadOnlyList<string> problems)
        : base(message)
    {
        Problems = problems;
    }

    /// <summary>Every problem found, one sentence each.</summary>
    public IReadOnlyList<string> Problems { get; }
}

/// <summary>Something the command needs is unreachable (site, browser, database): exit code 3.</summary>
internal sealed class CliUnavailableException : Exception
{
    public CliUnavailableException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
