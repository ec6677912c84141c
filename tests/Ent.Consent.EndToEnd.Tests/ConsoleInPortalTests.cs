using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Ent.Consent.EndToEnd.Tests;

/// <summary>The sample portal's data protection officer reaches the consent console; the other accounts do not.</summary>
public sealed class ConsoleInPortalTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task The_DPO_opens_the_console_from_the_home_page_under_the_portal_CSP()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.SubmitPortalFormAsync("sign-in-demo-dpo");
        // A grant is acknowledged only once its proof is durable, so the console's first view sees it.
        await visitor.ChooseAsync(visitor.Action("accept-all"));
        // Keyboard activation, as a DPO navigating by keyboard would: Playwright's pointer click on this page does not
        // reach the link once the allowed YouTube frame's navigation has been aborted by the test's network rule.
        await visitor.Page.FocusAsync("a[href='/consent/console']");
        await visitor.Page.Keyboard.PressAsync("Enter");
        // Polled rather than WaitForURLAsync, which can miss a navigation that commits while it sets up.
        await Assertions.Expect(visitor.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/consent/console/choices$"));
        await Assertions.Expect(visitor.Page.Locator("h1")).ToHaveTextAsync("Console de consentement");

        // The choice just made is in the ledger, so the choices page draws it.
        await Assertions.Expect(visitor.Page.Locator("svg.ecc-chart").First).ToBeVisibleAsync();
        foreach (var path in new[] { "/consent/console/choices", "/consent/console/ledger", "/consent/console/trackers", "/consent/console/policy" })
        {
            await visitor.GoToAsync(path);
            var result = await visitor.Page.RunAxe();
            Assert.True(result.Violations.Length == 0, path + ": " + string.Join("; ", result.Violations.Select(v => v.Id + " " + v.Help)));
        }

        // The console's stylesheets load under the portal's Content-Security-Policy, and nothing breaks it.
        Assert.Empty(visitor.PolicyViolations);
        Assert.Equal("rgb(29, 79, 145)", await visitor.Page.EvaluateAsync<string>("() => getComputedStyle(document.querySelector('.ecc-nav a')).color"));
    }

    [Fact]
    public async Task A_pupil_is_refused()
    {
        await using var visitor = await portal.NewVisitorAsync();
        await visitor.GoToAsync("/");
        await visitor.SubmitPortalFormAsync("sign-in-demo-pupil");
        var response = await visitor.Context.APIRequest.GetAsync(portal.Server.Address + "consent/console/ledger", new() { MaxRedirects = 0 });
        Assert.Equal(302, response.Status);
        Assert.Contains("AccessDenied", response.Headers["location"], StringComparison.Ordinal);
    }
}
