using System.Globalization;
using Microsoft.Playwright;

namespace Ent.Consent.Console.Tests;

/// <summary>The console on a SQLite ledger of 100,000 proofs.</summary>
public sealed class SqliteConsoleTests(SqliteConsoleSite site) : IClassFixture<SqliteConsoleSite>
{
    [Fact]
    public Task Choices_show_the_seeded_figures() => ConsoleChecks.Choices_show_the_seeded_figures_as_charts_and_tables(site, null);

    [Fact]
    public Task Choices_filter_by_tenant() => ConsoleChecks.Choices_show_the_seeded_figures_as_charts_and_tables(site, Ledger.Tenants[1]);

    [Fact]
    public Task Choices_group_by_week_in_english() => ConsoleChecks.Choices_group_by_week_in_english(site);

    [Fact]
    public Task Bad_filters_get_a_clear_400() => ConsoleChecks.Bad_filters_get_a_clear_400(site);

    [Fact]
    public Task Ledger_verifies_and_shows_retention() => ConsoleChecks.Ledger_verifies_and_shows_retention(site);

    [Fact]
    public Task Exports_are_json_and_csv_and_journalled() => ConsoleChecks.Exports_are_downloaded_as_json_and_csv_and_journalled(site);

    [Fact]
    public Task Others_are_refused() => ConsoleChecks.Others_are_refused(site);

    [Fact]
    public Task Policy_shows_the_catalogue_and_the_changes() => ConsoleChecks.Policy_shows_the_catalogue_and_the_changes(site);

    [Fact]
    public async Task Trackers_seen_list_undeclared_names_with_a_draft_declaration()
    {
        // A visitor meets a careless page (an undeclared Set-Cookie) and carries a cookie nobody declared.
        var visitor = await site.NewPageAsync(null);
        await visitor.GotoAsync(site.Url + "/careless");
        await visitor.Context.AddCookiesAsync([new Cookie { Name = "stray_cookie", Value = "secret-value-1", Url = site.Url }]);
        await visitor.GotoAsync(site.Url + "/plain");
        await visitor.Context.CloseAsync();

        var page = await site.NewPageAsync("dpo", "en-GB");
        var response = await page.GotoAsync($"{site.Url}{ConsoleChecks.Console}/trackers");
        Assert.Equal(200, response!.Status);
        var careless = page.Locator("#ecc-trackers tbody tr", new() { Has = page.Locator("th", new() { HasTextString = "careless_tracker" }) });
        var stray = page.Locator("#ecc-trackers tbody tr", new() { Has = page.Locator("th", new() { HasTextString = "stray_cookie" }) });
        Assert.Equal("1", (await careless.Locator("td").AllInnerTextsAsync())[0]);
        Assert.Equal("1", (await stray.Locator("td").AllInnerTextsAsync())[1]);
        var content = await page.ContentAsync();
        Assert.DoesNotContain("value-never-shown", content, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-value-1", content, StringComparison.Ordinal);
        await ConsoleChecks.AssertNoAxeViolationsAsync(page);

        // One click shows the declaration to add.
        var draft = careless.Locator("details pre").First;
        await Assertions.Expect(draft).ToBeHiddenAsync();
        await careless.Locator("summary").ClickAsync();
        await Assertions.Expect(draft).ToBeVisibleAsync();
        await Assertions.Expect(draft).ToContainTextAsync("\"Name\": \"careless_tracker\"");
        await Assertions.Expect(careless.Locator("details pre").Nth(1)).ToContainTextAsync("new CookieDeclaration { Name = \"careless_tracker\"");
        await ConsoleChecks.AssertNoAxeViolationsAsync(page);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task Axe_check_reports_a_planted_violation()
    {
        // Proves the accessibility checks above can fail.
        var page = await site.NewPageAsync("dpo");
        await page.GotoAsync($"{site.Url}{ConsoleChecks.Console}/ledger");
        await page.EvaluateAsync("() => document.querySelector('#ecc-value').removeAttribute('id')");
        await Assert.ThrowsAsync<Xunit.Sdk.TrueException>(() => ConsoleChecks.AssertNoAxeViolationsAsync(page));
        await page.Context.CloseAsync();
    }
}

/// <summary>The console on a PostgreSQL ledger of 100,000 proofs.</summary>
public sealed class PostgresConsoleTests(PostgresConsoleSite site) : IClassFixture<PostgresConsoleSite>
{
    [PostgresFact]
    public Task Choices_show_the_seeded_figures() => ConsoleChecks.Choices_show_the_seeded_figures_as_charts_and_tables(site, null);

    [PostgresFact]
    public Task Choices_filter_by_tenant() => ConsoleChecks.Choices_show_the_seeded_figures_as_charts_and_tables(site, Ledger.Tenants[0]);

    [PostgresFact]
    public Task Choices_group_by_week_in_english() => ConsoleChecks.Choices_group_by_week_in_english(site);

    [PostgresFact]
    public Task Bad_filters_get_a_clear_400() => ConsoleChecks.Bad_filters_get_a_clear_400(site);

    [PostgresFact]
    public Task Ledger_verifies_and_shows_retention() => ConsoleChecks.Ledger_verifies_and_shows_retention(site);

    [PostgresFact]
    public Task Exports_are_json_and_csv_and_journalled() => ConsoleChecks.Exports_are_downloaded_as_json_and_csv_and_journalled(site);

    [PostgresFact]
    public Task Others_are_refused() => ConsoleChecks.Others_are_refused(site);

    [PostgresFact]
    public Task Policy_shows_the_catalogue_and_the_changes() => ConsoleChecks.Policy_shows_the_catalogue_and_the_changes(site);
}
