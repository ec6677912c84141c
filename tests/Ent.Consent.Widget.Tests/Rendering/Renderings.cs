using System.Globalization;

namespace Ent.Consent.Widget.Tests;

/// <summary>Fixed inputs for the renderer: a fixed token, URLs and, when asked, a fixed choice.</summary>
internal static class Renderings
{
    public static readonly DateTimeOffset GivenAt = new(2026, 3, 2, 9, 30, 0, TimeSpan.Zero);

    public static WidgetRequest Request(ConsentPolicy policy, string culture = "fr-FR", ConsentState? state = null, ConsentWidgetTheme theme = ConsentWidgetTheme.Default) => new()
    {
        Policy = policy,
        State = state,
        Pending = state is null,
        Culture = CultureInfo.GetCultureInfo(culture),
        AntiforgeryToken = "TEST-TOKEN",
        AntiforgeryFieldName = "__RequestVerificationToken",
        AntiforgeryHeaderName = "RequestVerificationToken",
        IsAllowed = id => policy.IsAllowed(id, state),
        ReturnUrl = "/cours?id=4",
        ConsentUrl = "/consent",
        CookiePageUrl = "/consent/cookies",
        Theme = theme,
    };

    public static ConsentState Choice(ConsentPolicy policy, params (string Service, ConsentDecision Decision)[] decisions)
        => new("AAAAAAAAAAAAAAAAAAAAAA", policy.Version, GivenAt, GivenAt.AddMonths(6), ConsentChannel.PreferenceCentre,
            decisions.Select(static d => KeyValuePair.Create(d.Service, d.Decision)));
}
