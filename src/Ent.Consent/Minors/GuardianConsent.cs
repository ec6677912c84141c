namespace Ent.Consent;

/// <summary>
/// What a minor's guardians decided about the minor: who is on file (keyed subject hashes) and the latest choice each
/// made for this minor. Built per request for a signed-in minor; <see cref="ConsentPolicy.IsAllowed"/>
/// reads it. Immutable.
/// </summary>
public sealed class GuardianConsent
{
    private readonly ConsentState?[] _choices;

    private GuardianConsent(string[] guardianKeys, ConsentState?[] choices)
    {
        GuardianKeys = Array.AsReadOnly(guardianKeys);
        _choices = choices;
    }

    /// <summary>A minor without any guardian on file: nobody can agree with them, so nothing consent-required runs.</summary>
    public static GuardianConsent None { get; } = new([], []);

    /// <summary>The guardians on file (keyed subject hashes), in the directory's order, without duplicates.</summary>
    public IReadOnlyList<string> GuardianKeys { get; }

    /// <summary>
    /// The guardians on file and, for those who decided, their latest unexpired choice about the minor. Choices of
    /// someone who is no longer on file are ignored: only a current holder of parental authority agrees.
    /// </summary>
    public static GuardianConsent Create(IEnumerable<string> guardianKeys, IReadOnlyDictionary<string, ConsentState> latestChoiceByGuardian)
    {
        ArgumentNullException.ThrowIfNull(guardianKeys);
        ArgumentNullException.ThrowIfNull(latestChoiceByGuardian);
        var keys = guardianKeys.Where(static k => !string.IsNullOrEmpty(k)).Distinct(StringComparer.Ordinal).ToArray();
        if (keys.Length == 0)
        {
            return None;
        }

        var choices = new ConsentState?[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            choices[i] = latestChoiceByGuardian.TryGetValue(keys[i], out var choice) ? choice : null;
        }

        return new GuardianConsent(keys, choices);
    }

    /// <summary>The latest choice of the guardian <paramref name="guardianKey"/> about the minor, or null.</summary>
    public ConsentState? ChoiceOf(string guardianKey)
    {
        for (var i = 0; i < _choices.Length; i++)
        {
            if (string.Equals(GuardianKeys[i], guardianKey, StringComparison.Ordinal))
            {
                return _choices[i];
            }
        }

        return null;
    }

    /// <summary>How many guardians on file granted <paramref name="serviceId"/> under <paramref name="policyVersion"/>.</summary>
    internal int CountGranting(string serviceId, string policyVersion)
    {
        var count = 0;
        foreach (var choice in _choices)
        {
            if (choice is not null && choice.PolicyVersion == policyVersion && choice.GetDecision(serviceId) == ConsentDecision.Granted)
            {
                count++;
            }
        }

        return count;
    }
}
