using System.Diagnostics.CodeAnalysis;

namespace Ent.Consent;

/// <summary>
/// The one table of the stable names that decisions, channels and categories take outside the process: in the HTTP
/// contract (<c>GET</c>/<c>POST {prefix}</c>), the widget's embedded state, proof hashes, exports and stores. A name
/// here is part of the proof chain's hash input: never change one.
/// </summary>
public static class ConsentWireNames
{
    /// <summary>The stable name of a decision: <c>notAsked</c>, <c>granted</c> or <c>denied</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined decision.</exception>
    public static string Of(ConsentDecision decision) => decision switch
    {
        ConsentDecision.NotAsked => "notAsked",
        ConsentDecision.Granted => "granted",
        ConsentDecision.Denied => "denied",
        _ => throw new ArgumentOutOfRangeException(nameof(decision), decision, "Not a defined decision."),
    };

    /// <summary>The stable name of a channel: <c>firstLayer</c>, <c>preferenceCentre</c>, <c>api</c> or <c>privacySignal</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined channel.</exception>
    public static string Of(ConsentChannel channel) => channel switch
    {
        ConsentChannel.FirstLayer => "firstLayer",
        ConsentChannel.PreferenceCentre => "preferenceCentre",
        ConsentChannel.Api => "api",
        ConsentChannel.PrivacySignal => "privacySignal",
        _ => throw new ArgumentOutOfRangeException(nameof(channel), channel, "Not a defined channel."),
    };

    /// <summary>The stable name of a category: <c>essential</c>, <c>exemptAudience</c> or <c>consentRequired</c>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined category.</exception>
    public static string Of(ServiceCategory category) => category switch
    {
        ServiceCategory.Essential => "essential",
        ServiceCategory.ExemptAudience => "exemptAudience",
        ServiceCategory.ConsentRequired => "consentRequired",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "Not a defined category."),
    };

    /// <summary>The decision a stable name stands for (exact, case-sensitive).</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out ConsentDecision decision)
    {
        foreach (var candidate in Decisions)
        {
            if (string.Equals(name, Of(candidate), StringComparison.Ordinal))
            {
                decision = candidate;
                return true;
            }
        }

        decision = default;
        return false;
    }

    /// <summary>The channel a stable name stands for (exact, case-sensitive).</summary>
    public static bool TryParse([NotNullWhen(true)] string? name, out ConsentChannel channel)
    {
        foreach (var candidate in Channels)
        {
            if (string.Equals(name, Of(candidate), StringComparison.Ordinal))
            {
                channel = candidate;
                return true;
            }
        }

        channel = default;
        return false;
    }

    /// <summary>The decision a stable name stands for.</summary>
    /// <exception cref="FormatException">The name is not a decision's.</exception>
    public static ConsentDecision ParseDecision(string name)
        => TryParse(name, out ConsentDecision decision) ? decision : throw new FormatException($"'{name}' is not a consent decision.");

    /// <summary>The channel a stable name stands for.</summary>
    /// <exception cref="FormatException">The name is not a channel's.</exception>
    public static ConsentChannel ParseChannel(string name)
        => TryParse(name, out ConsentChannel channel) ? channel : throw new FormatException($"'{name}' is not a consent channel.");

    private static readonly ConsentDecision[] Decisions = Enum.GetValues<ConsentDecision>();
    private static readonly ConsentChannel[] Channels = Enum.GetValues<ConsentChannel>();
}
