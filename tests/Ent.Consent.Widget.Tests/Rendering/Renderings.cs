using System.Globalization;
using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Ent.Consent.Widget.Tests;

/// <summary>
/// Fixed inputs for the renderer: a fixed token, URLs and, when asked, a fixed choice; and the widget itself over a fixed
/// consent view of the portal's policy, with ASP.NET Core's real antiforgery.
/// </summary>
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

    /// <summary>The services a widget from <see cref="Widget"/> reaches its antiforgery through; give them to its requests.</summary>
    public static readonly IServiceProvider Services = new ServiceCollection().AddLogging().AddAntiforgery().BuildServiceProvider();

    /// <summary>A <see cref="ConsentWidget"/> whose every request reads this view of <see cref="TestPolicies.Portal"/>.</summary>
    public static ConsentWidget Widget(bool pending, Func<string, bool> isAllowed, EntConsentOptions? consentOptions = null) => new(
        new FixedState(TestPolicies.Portal(), pending, isAllowed),
        Services.GetRequiredService<IAntiforgery>(),
        Services.GetRequiredService<IOptions<AntiforgeryOptions>>(),
        Options.Create(new ConsentWidgetOptions()),
        Options.Create(consentOptions ?? new EntConsentOptions()));

    public static ConsentState Choice(ConsentPolicy policy, params (string Service, ConsentDecision Decision)[] decisions)
        => new("AAAAAAAAAAAAAAAAAAAAAA", policy.Version, GivenAt, GivenAt.AddMonths(6), ConsentChannel.PreferenceCentre,
            decisions.Select(static d => KeyValuePair.Create(d.Service, d.Decision)));

    /// <summary>The JSON <c>policy.js</c> assigns: its bytes without <c>window.EntConsentPolicy=</c> and the closing <c>;\n</c>.</summary>
    public static string PolicyJson(byte[] script)
    {
        var text = System.Text.Encoding.UTF8.GetString(script);
        Assert.StartsWith("window.EntConsentPolicy=", text, StringComparison.Ordinal);
        Assert.EndsWith(";\n", text, StringComparison.Ordinal);
        return text["window.EntConsentPolicy=".Length..^2];
    }

    private sealed class FixedState(ConsentPolicy policy, bool pending, Func<string, bool> isAllowed) : IConsentStateReader
    {
        public ConsentView Read(HttpContext context) => new(policy, State: null, IsPending: pending, SubjectIsMinor: false, IsAllowed: isAllowed);
    }
}
