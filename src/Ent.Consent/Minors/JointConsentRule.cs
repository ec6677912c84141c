namespace Ent.Consent;

/// <summary>
/// Whose agreement a minor's consent-required service needs besides the minor's own (in France, under 15: joint
/// consent with the holders of parental authority, loi Informatique et Libertés art. 45).
/// </summary>
public enum JointConsentRule
{
    /// <summary>No guardian consent is collected: a minor's consent-required services stay off.</summary>
    Off = 0,

    /// <summary>The minor and at least one guardian on file must have granted the service.</summary>
    AnyGuardian = 1,

    /// <summary>The minor and every guardian on file must have granted the service.</summary>
    EveryGuardian = 2,
}
