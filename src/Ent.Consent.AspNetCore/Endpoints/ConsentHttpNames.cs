namespace Ent.Consent.AspNetCore;

/// <summary>
/// The names of the consent endpoint's contract (<c>docs/adr/0004-http-contract.md</c>): the fields of a posted
/// choice, as JSON or as a form, and its actions. The endpoint reads them, the widget renders and posts them; the
/// widget's script receives them in its configuration and spells none itself. Decision, channel and category names
/// are in <see cref="ConsentWireNames"/>.
/// </summary>
public static class ConsentHttpNames
{
    /// <summary>The field naming the action: one of <see cref="AcceptAll"/>, <see cref="RefuseAll"/>, <see cref="Save"/>.</summary>
    public const string Action = "action";

    /// <summary>The field naming the channel of a choice (<see cref="ConsentWireNames.Of(ConsentChannel)"/>); optional.</summary>
    public const string Channel = "channel";

    /// <summary>The JSON field mapping service ids to <c>true</c> (granted) or <c>false</c> (denied), for <see cref="Save"/>.</summary>
    public const string Services = "services";

    /// <summary>The form field, repeated, naming each service the form showed (each is denied unless also in <see cref="Grant"/>).</summary>
    public const string Decide = "decide";

    /// <summary>The form field, repeated, naming each service the form grants.</summary>
    public const string Grant = "grant";

    /// <summary>The form field with the local URL to go back to after a form post.</summary>
    public const string ReturnUrl = "returnUrl";

    /// <summary>Grants every choosable service.</summary>
    public const string AcceptAll = "accept-all";

    /// <summary>Refuses every choosable service (and objects to exempt audience measurement).</summary>
    public const string RefuseAll = "refuse-all";

    /// <summary>Applies the decisions listed by <see cref="Services"/> or <see cref="Decide"/>/<see cref="Grant"/>.</summary>
    public const string Save = "save";
}
