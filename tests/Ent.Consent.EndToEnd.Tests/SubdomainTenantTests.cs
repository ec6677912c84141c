using Ent.Consent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>
/// The sample portal reached as www., cas. and two schools' hosts of ent.test (Chromium maps *.ent.test to Kestrel on
/// 127.0.0.1), with EntConsent:Cookie:Domain ent.test: one choice across the portal's subdomains, each school its
/// own controllers, policy version and proofs.
/// </summary>
public sealed class SubdomainTenantTests : IAsyncLifetime
{
    private const string ChromiumPath = "/usr/bin/chromium";
    private PortalServer _server = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}; run `bash eng/test-deps.sh install` as root.");
        }

        _server = await PortalServer.StartAsync("--EntConsent:Cookie:Domain", "ent.test");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--host-resolver-rules=MAP *.ent.test 127.0.0.1"],
        });
    }

    public async Task DisposeAsync()
    {
        await _browser.CloseAsync();
        _playwright.Dispose();
        await _server.DisposeAsync();
    }

    private Uri On(string host) => new($"http://{host}:{_server.Address.Port}/");

    private Task<PortalVisitor> VisitorAsync(string host) => PortalVisitor.OpenAsync(_browser, On(host), firstPartyDomain: "ent.test");

    [Fact]
    public async Task A_choice_made_on_www_is_honoured_on_cas_and_a_withdrawal_on_cas_replaces_it_on_www()
    {
        await using var visitor = await VisitorAsync("www.ent.test");
        await visitor.GoToAsync("/");
        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));

        var cookie = Assert.Single(await visitor.Context.CookiesAsync(), static c => c.Name == "ent_consent");
        Assert.Equal(".ent.test", cookie.Domain);

        await visitor.GoToAsync(On("cas.ent.test").ToString());
        await Assertions.Expect(visitor.Banner).ToBeHiddenAsync();
        Assert.True((await StateAsync(visitor)).GetProperty("services").GetProperty("youtube").GetProperty("allowed").GetBoolean(), "the choice made on www. applies on cas.");

        // Withdraw on cas.: the new cookie has the same domain, so the browser replaces the acceptance instead of
        // keeping it beside the refusal for www.
        await visitor.Page.Locator("footer [data-ent-consent-action=\"open\"]").ClickAsync();
        await visitor.Toggle("youtube").SetCheckedAsync(false);
        await visitor.ChooseAsync(visitor.Action("save"));
        await visitor.GoToAsync("/");
        var cookies = (await visitor.Context.CookiesAsync()).Where(static c => c.Name == "ent_consent").ToList();
        Assert.Equal(".ent.test", Assert.Single(cookies).Domain);
        Assert.False((await StateAsync(visitor)).GetProperty("services").GetProperty("youtube").GetProperty("allowed").GetBoolean(), "the withdrawal made on cas. applies on www.");
        await Assertions.Expect(visitor.Banner).ToBeHiddenAsync();
    }

    [Fact]
    public async Task Each_school_shows_its_own_controllers_records_its_tenant_and_asks_again_under_its_own_policy_version()
    {
        await using var visitor = await VisitorAsync("college-jean-moulin.ent.test");
        await visitor.GoToAsync("/");
        await Assertions.Expect(visitor.Banner).ToContainTextAsync("le collège Jean Moulin (0750001A)");
        await Assertions.Expect(visitor.Banner).Not.ToContainTextAsync("lycée Arago");
        await visitor.ChooseAsync(visitor.Banner.Locator("[data-ent-consent-action=\"accept-all\"]"));
        var state = await StateAsync(visitor);
        var consentId = state.GetProperty("consentId").GetString()!;

        var store = _server.Services.GetRequiredService<IConsentProofStore>();
        var proof = Assert.Single(await WaitForProofAsync(store, consentId));
        Assert.Equal("0750001A", proof.Content.Tenant);

        // Same browser, same ent.test cookie: the lycée runs another policy (its head is a joint controller), so the
        // collège's choice is asked again there, never read as the lycée's.
        await visitor.GoToAsync(On("lycee-arago.ent.test").ToString());
        await Assertions.Expect(visitor.Banner).ToBeVisibleAsync();
        await Assertions.Expect(visitor.Banner).ToContainTextAsync("le lycée Arago (0750002B)");
        var lycee = await StateAsync(visitor);
        Assert.True(lycee.GetProperty("pending").GetBoolean());
        Assert.False(lycee.GetProperty("services").GetProperty("youtube").GetProperty("allowed").GetBoolean());
        Assert.NotEqual(state.GetProperty("policyVersion").GetString(), lycee.GetProperty("policyVersion").GetString());
    }

    // From the page, so that Chromium's host mapping applies (Playwright's own request client resolves names itself).
    private static async Task<System.Text.Json.JsonElement> StateAsync(PortalVisitor visitor)
    {
        var text = await visitor.Page.EvaluateAsync<string>("async () => await (await fetch('/consent', { credentials: 'same-origin' })).text()");
        using var document = System.Text.Json.JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    private static async Task<IReadOnlyList<ConsentProof>> WaitForProofAsync(IConsentProofStore store, string consentId)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var proofs = await store.ExportByConsentIdAsync(consentId);
            if (proofs.Count > 0)
            {
                return proofs;
            }

            await Task.Delay(50);
        }

        return [];
    }
}
