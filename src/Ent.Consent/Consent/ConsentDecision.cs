namespace Ent.Consent;

/// <summary>A user's decision for one service.</summary>
public enum ConsentDecision
{
    /// <summary>No decision: consent-required services stay off, exempt audience runs.</summary>
    NotAsked = 0,

    /// <summary>The user agreed (consent-required) or did not object (exempt audience).</summary>
    Granted = 1,

    /// <summary>The user refused (consent-required) or objected (exempt audience).</summary>
    Denied = 2,
}

/// <summary>Where a choice was made; recorded with the choice and its proof.</summary>
public enum ConsentChannel
{
    /// <summary>The banner's "accept all" or "refuse all".</summary>
    FirstLayer = 0,

    /// <summary>The per-service preference centre (or a blocked-content placeholder).</summary>
    PreferenceCentre = 1,

    /// <summary>The JSON API, called by the host's own code.</summary>
    Api = 2,

    /// <summary>The browser's Global Privacy Control signal (<c>Sec-GPC: 1</c>), taken as a refusal.</summary>
    PrivacySignal = 3,
}
