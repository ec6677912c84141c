namespace Ent.Consent;

/// <summary>Thrown when a <see cref="ConsentPolicyOptions"/> declaration is invalid; lists every problem found.</summary>
public sealed class ConsentPolicyException : Exception
{
    /// <summary>Creates the exception with the problems found.</summary>
    public ConsentPolicyException(IReadOnlyList<string> errors)
        : base("The Ent.Consent policy is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Select(static e => " - " + e)))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception with a message.</summary>
    public ConsentPolicyException()
        : this([])
    {
    }

    /// <summary>Creates the exception with one problem.</summary>
    public ConsentPolicyException(string message)
        : this([message])
    {
    }

    /// <summary>Creates the exception with one problem and its cause.</summary>
    public ConsentPolicyException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [message];
    }

    /// <summary>Each problem, one sentence naming the service, the rule and the figure.</summary>
    public IReadOnlyList<string> Errors { get; }
}
