using Ent.Portal.ThirdParty;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>The portal with the real Piano Analytics SDK (npm piano-analytics-js, pinned in eng/npm) as its dnma service.</summary>
public sealed class PianoPortalFixture : PortalFixture
{
    /// <summary>The SDK's browser build as eng/test-deps.sh installs it.</summary>
    public static string SdkPath { get; } = Path.Combine(RepositoryRoot(), "artifacts", "npm", "node_modules", "piano-analytics-js", "dist", "browser", "piano-analytics.js");

    public PianoAnalytics Piano => Server.Services.GetRequiredService<PianoAnalytics>();

    protected override string[] ServerArguments()
    {
        if (!File.Exists(SdkPath))
        {
            // Never skipped: the real SDK is what these tests are about.
            throw new InvalidOperationException($"The Piano Analytics SDK is not installed at {SdkPath}; run `bash eng/test-deps.sh install` (npm).");
        }

        return ["--ThirdParty:PianoSdkPath", SdkPath];
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Ent.Consent.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Ent.Consent.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The same SDK run as <c>dnma-exempt</c> (Piano's exempt mode), the profile attested by the portal.</summary>
public sealed class PianoExemptPortalFixture : PortalFixture
{
    protected override string[] ServerArguments()
    {
        if (!File.Exists(PianoPortalFixture.SdkPath))
        {
            throw new InvalidOperationException($"The Piano Analytics SDK is not installed at {PianoPortalFixture.SdkPath}; run `bash eng/test-deps.sh install` (npm).");
        }

        const string Attestation = "--EntConsent:Policy:Exemptions:dnma-exempt:";
        return
        [
            "--ThirdParty:PianoSdkPath", PianoPortalFixture.SdkPath,
            "--Portal:DnmaService", "dnma-exempt",
            "--EntConsent:Policy:BuiltInServices:2", "dnma-exempt",
            Attestation + "PurposeStrictlyAudienceMeasurement", "true",
            Attestation + "NoCrossSiteTracking", "true",
            Attestation + "AnonymousStatisticsOnly", "true",
            Attestation + "NoCrossReferencingOrSharing", "true",
            Attestation + "CookieLifetimeAtMost13Months", "true",
            Attestation + "DataRetentionAtMost25Months", "true",
            Attestation + "DataRetention", "P25M",
            Attestation + "Configuration", "Piano exempt mode, per-portal site id, data kept 25 months.",
        ];
    }
}

public sealed class PianoExemptSdkTests(PianoExemptPortalFixture portal) : IClassFixture<PianoExemptPortalFixture>
{
    [Fact]
    public async Task Before_any_choice_the_exempt_profile_runs_the_real_sdk_in_essential_mode_and_an_objection_leaves_nothing()
    {
        var piano = portal.Server.Services.GetRequiredService<PianoAnalytics>();
        var policy = portal.Server.Services.GetRequiredService<ConsentPolicy>();
        Assert.Equal(ServiceCategory.ExemptAudience, policy.FindService("dnma-exempt")!.Category);
        await using var visitor = await portal.NewVisitorAsync();

        // Exempt audience measurement runs without consent: the widget tells the SDK so with Piano's own mode.
        await visitor.GoToAsync("/");
        await visitor.Page.WaitForFunctionAsync("() => window.dnmaHits === 1 && window.pa");
        Assert.Equal("essential", await visitor.Page.EvaluateAsync<string>("() => pa.consent.getMode()"));
        for (var i = 0; i < 100 && piano.Hits.IsEmpty; i++)
        {
            await Task.Delay(100);
        }

        Assert.False(piano.Hits.IsEmpty, "the SDK sent no hit in essential mode");
        var written = await PianoSdkTests.WrittenBySdkAsync(visitor);
        Assert.NotEmpty(written.Cookies);
        foreach (var name in written.Cookies)
        {
            Assert.Equal("dnma-exempt", policy.Classifier.Classify(name).Service?.Id);
        }

        // The objection (refuse all covers exempt measurement too) switches the SDK off and leaves nothing behind.
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]"));
        Assert.Equal("opt-out", await visitor.Page.EvaluateAsync<string>("() => pa.consent.getMode()"));
        var hits = piano.Hits.Count;
        await visitor.Page.EvaluateAsync("() => pa.sendEvent('click.action', { click: 'after-objection' })");
        await visitor.ReloadAsync();
        await visitor.Page.WaitForTimeoutAsync(1000);
        Assert.Equal(0, await visitor.DnmaScriptRunsAsync());
        var left = await PianoSdkTests.WrittenBySdkAsync(visitor);
        Assert.Empty(left.Cookies);
        Assert.Empty(left.StorageKeys);
        Assert.Equal(hits, piano.Hits.Count);
    }
}

public sealed class PianoSdkTests(PianoPortalFixture portal, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<PianoPortalFixture>
{
    private static readonly string[] DnmaServices = ["dnma", "dnma-exempt"];

    [Fact]
    public async Task Real_sdk_writes_only_cookies_and_storage_keys_the_dnma_profiles_declare()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));
        await visitor.Page.WaitForFunctionAsync("() => window.dnmaHits === 1");
        await visitor.ReloadAsync();
        await visitor.Page.WaitForFunctionAsync("() => window.dnmaHits === 1 && window.pa");
        await WaitForHitsAsync(1);

        var policy = portal.Server.Services.GetRequiredService<ConsentPolicy>();
        var written = await WrittenBySdkAsync(visitor);
        output.WriteLine("cookies: " + string.Join(", ", written.Cookies) + "; storage keys: " + string.Join(", ", written.StorageKeys));
        Assert.NotEmpty(written.Cookies);
        foreach (var name in written.Cookies)
        {
            var governing = policy.Classifier.Classify(name).Service?.Id;
            Assert.True(governing is not null && DnmaServices.Contains(governing), $"the SDK wrote cookie '{name}', which no dnma profile declares ({governing ?? "undeclared"})");
        }

        foreach (var key in written.StorageKeys)
        {
            Assert.True(DnmaServices.Any(id => policy.Services.Single(s => s.Id == id).StorageKeys.Any(p => p.EndsWith('*') ? key.StartsWith(p[..^1], StringComparison.Ordinal) : p == key)),
                $"the SDK wrote storage key '{key}', which no dnma profile declares");
        }
    }

    [Fact]
    public async Task After_accept_all_then_withdrawal_of_dnma_no_sdk_cookie_or_key_is_left_and_no_hit_is_sent()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));
        await visitor.Page.WaitForFunctionAsync("() => window.dnmaHits === 1 && window.pa");
        await WaitForHitsAsync(1);
        Assert.NotEmpty((await WrittenBySdkAsync(visitor)).Cookies);
        // The widget's signal, read back from the SDK's own consent API.
        Assert.Equal("opt-in", await visitor.Page.EvaluateAsync<string>("() => pa.consent.getMode()"));

        await visitor.Page.Locator("footer [data-ent-consent-action=\"open\"]").ClickAsync();
        await visitor.Toggle("dnma").SetCheckedAsync(false);
        await visitor.ChooseAsync(visitor.Action("save"));
        Assert.Equal("opt-out", await visitor.Page.EvaluateAsync<string>("() => pa.consent.getMode()"));
        var hits = portal.Piano.Hits.Count;

        // The SDK is still in the page: what it does next must neither store nor send anything.
        await visitor.Page.EvaluateAsync("() => pa.sendEvent('click.action', { click: 'after-withdrawal' })");
        await visitor.Page.WaitForTimeoutAsync(1000);
        var left = await WrittenBySdkAsync(visitor);
        Assert.Empty(left.Cookies);
        Assert.Empty(left.StorageKeys);

        await visitor.ReloadAsync();
        await visitor.Page.WaitForTimeoutAsync(1000);
        Assert.Equal(0, await visitor.DnmaScriptRunsAsync());
        left = await WrittenBySdkAsync(visitor);
        Assert.Empty(left.Cookies);
        Assert.Empty(left.StorageKeys);
        Assert.Equal(hits, portal.Piano.Hits.Count);
    }

    [Fact]
    public async Task After_a_refusal_the_sdk_sends_no_hit_and_stores_nothing()
    {
        var before = portal.Piano.Hits.Count;
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"refuse-all\"]"));
        await visitor.ReloadAsync();
        await visitor.Page.WaitForTimeoutAsync(1000);
        Assert.Equal(0, await visitor.DnmaScriptRunsAsync());
        Assert.Equal(before, portal.Piano.Hits.Count);
        var left = await WrittenBySdkAsync(visitor);
        Assert.Empty(left.Cookies);
        Assert.Empty(left.StorageKeys);
    }

    private async Task WaitForHitsAsync(int atLeast)
    {
        for (var i = 0; i < 100 && portal.Piano.Hits.Count < atLeast; i++)
        {
            await Task.Delay(100);
        }

        Assert.True(portal.Piano.Hits.Count >= atLeast, "the SDK sent no hit to the local collector");
    }

    // What is in the browser that the portal itself does not write: the consent and deposit cookies, the antiforgery,
    // session and culture cookies and ent_audience (its own exempt measurement) are the portal's; xtidc is the careless
    // server tag, not the SDK.
    internal static async Task<(string[] Cookies, string[] StorageKeys)> WrittenBySdkAsync(PortalVisitor visitor)
    {
        var cookies = (await visitor.CookiesAsync()).Keys
            .Where(static n => !n.StartsWith("ent_consent", StringComparison.Ordinal) && !n.StartsWith(".AspNetCore.", StringComparison.Ordinal) && n is not ("xtidc" or "ent_audience"))
            .ToArray();
        var keys = await visitor.Page.EvaluateAsync<string[]>("() => [...Object.keys(localStorage), ...Object.keys(sessionStorage)]");
        return (cookies, keys);
    }
}
