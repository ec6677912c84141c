using Microsoft.Extensions.DependencyInjection;
using System.Globalization;
using System.Text.Json;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Ent.Consent.Console.Tests;

/// <summary>The console's checks, run against each store by the test classes.</summary>
internal static class ConsoleChecks
{
    public const string Console = "/consent/console";

    public static string Period(Ledger ledger) => $"from={Iso(ledger.FirstDay)}&to={Iso(ledger.LastDay)}";

    public static async Task Choices_show_the_seeded_figures_as_charts_and_tables(ConsoleSite site, string? tenant)
    {
        var page = await site.NewPageAsync("dpo");
        var query = Period(site.Seeded) + (tenant is null ? string.Empty : "&tenant=" + tenant);
        var response = await page.GotoAsync($"{site.Url}{Console}/choices?{query}");
        Assert.Equal(200, response!.Status);

        // One chart per service, with bars, and the summary table equal to what the seeding counted.
        Assert.Equal(Ledger.Services.Length, await page.Locator("svg.ecc-chart").CountAsync());
        foreach (var service in Ledger.Services)
        {
            var bars = await page.Locator($"#ecc-chart-{service} rect").CountAsync();
            Assert.True(bars >= Ledger.Days, $"{service}: {bars} bars");
            var row = page.Locator("#ecc-summary tbody tr", new() { HasText = ServiceName(service) });
            var cells = await row.Locator("td").AllInnerTextsAsync();
            var expected = site.Seeded.Total(service, tenant);
            Assert.True(expected.G > 1000 && expected.R > 1000 && expected.W > 100 && expected.S > 100, $"the seeding gives every figure: {expected}");
            Assert.Equal(expected.G, Number(cells[0]));
            Assert.Equal(expected.R, Number(cells[1]));
            Assert.Equal(expected.W, Number(cells[2]));
            Assert.Equal(Percent((double)expected.G / (expected.G + expected.R + expected.W)), cells[3].Replace('\u202f', ' ').Replace('\u00a0', ' '));
            Assert.Equal(Percent((double)expected.S / (expected.R + expected.W)), cells[4].Replace('\u202f', ' ').Replace('\u00a0', ' '));

            // The table beside the chart holds the same figures, bucket by bucket.
            var bucketCells = await page.Locator($"#ecc-chart-{service}-c").Locator("xpath=ancestor::table").Locator("tbody tr td:nth-child(2)").AllInnerTextsAsync();
            Assert.Equal(expected.G, bucketCells.Sum(Number));
        }

        await AssertNoAxeViolationsAsync(page);
        await page.Context.CloseAsync();
    }

    public static async Task Choices_group_by_week_in_english(ConsoleSite site)
    {
        var page = await site.NewPageAsync("dpo", "en-GB");
        var response = await page.GotoAsync($"{site.Url}{Console}/choices?{Period(site.Seeded)}&by=week");
        Assert.Equal(200, response!.Status);
        Assert.Equal("en", await page.GetAttributeAsync("html", "lang"));
        await Assertions.Expect(page.Locator("#ecc-chart-youtube-h")).ToContainTextAsync("choices by week");
        var weeks = int.Parse(await page.GetAttributeAsync("#ecc-chart-youtube", "data-buckets") ?? "0", CultureInfo.InvariantCulture);
        Assert.InRange(weeks, Ledger.Days / 7, (Ledger.Days / 7) + 2);
        var grants = await page.Locator("#ecc-chart-youtube-c").Locator("xpath=ancestor::table").Locator("tbody tr td:nth-child(2)").AllInnerTextsAsync();
        Assert.Equal(site.Seeded.Total("youtube").G, grants.Sum(Number));
        await AssertNoAxeViolationsAsync(page);
        await page.Context.CloseAsync();
    }

    public static async Task Bad_filters_get_a_clear_400(ConsoleSite site)
    {
        var page = await site.NewPageAsync("dpo", "en-GB");
        foreach (var (query, words) in new[]
        {
            ("from=2026-13-01", "'from' must be a date"),
            ("from=2026-10-10&to=2026-10-01", "is after 'to'"),
            ("from=2020-01-01&to=2026-01-01", "at most 366"),
            ("tenant=nowhere", "'nowhere' has no record"),
            ("by=month", "'by' must be 'day' or 'week'"),
            ("to=2026-01-01&to=2026-01-02", "given 2 times"),
        })
        {
            var response = await page.GotoAsync($"{site.Url}{Console}/choices?{query}");
            Assert.Equal(400, response!.Status);
            await Assertions.Expect(page.Locator("#ecc-error")).ToContainTextAsync(words);
        }

        await AssertNoAxeViolationsAsync(page);

        // A client that does not ask for HTML gets the same reason as problem+json.
        var api = await page.Context.APIRequest.GetAsync($"{site.Url}{Console}/choices?by=month", new() { Headers = new Dictionary<string, string> { ["Accept"] = "application/json" } });
        Assert.Equal(400, api.Status);
        Assert.StartsWith("application/problem+json", api.Headers["content-type"], StringComparison.Ordinal);
        using var problem = JsonDocument.Parse(await api.TextAsync());
        Assert.Contains("'by' must be", problem.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await page.Context.CloseAsync();
    }

    public static async Task Ledger_verifies_and_shows_retention(ConsoleSite site)
    {
        var page = await site.NewPageAsync("dpo", "en-GB");
        var response = await page.GotoAsync($"{site.Url}{Console}/ledger");
        Assert.Equal(200, response!.Status);
        var facts = page.Locator("#ecc-chain-facts");
        await Assertions.Expect(facts).ToContainTextAsync(Ledger.Size.ToString("N0", CultureInfo.GetCultureInfo("en-GB")));
        await Assertions.Expect(page.Locator("#ecc-retention-facts")).ToContainTextAsync(Iso(site.Seeded.FirstDay));
        await AssertNoAxeViolationsAsync(page);

        await page.ClickAsync("text=Verify now");
        await page.WaitForURLAsync($"{site.Url}{Console}/ledger");
        await Assertions.Expect(facts).ToContainTextAsync($"chain valid: {Ledger.Size} records");
        await Assertions.Expect(facts).ToContainTextAsync(new System.Text.RegularExpressions.Regex(@"Last checkpoint\s*record [\d,]+, signed"));
        await Assertions.Expect(page.Locator("#ecc-actions-table")).ToContainTextAsync("verify");
        await page.Context.CloseAsync();
    }

    public static async Task Exports_are_downloaded_as_json_and_csv_and_journalled(ConsoleSite site)
    {
        var page = await site.NewPageAsync("dpo", "en-GB");
        await page.GotoAsync($"{site.Url}{Console}/ledger");

        var json = await DownloadAsync(page, "consent", Ledger.KnownConsentId, "json");
        var export = ConsentProofExport.Parse(json);
        Assert.Equal(Ledger.KnownConsentId, export.ConsentId);
        Assert.Equal(site.Seeded.KnownRecords, export.Records.Count);
        Assert.All(export.Records, r => Assert.True(ProofChain.HasValidHash(r)));

        var csv = await DownloadAsync(page, "consent", Ledger.KnownConsentId, "csv");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("sequence,record_id,recorded_at,consent_id,subject_key,tenant,timestamp,decisions,policy_version,texts_hash,locale,channel,user_agent_family,ip_prefix,previous_hash,hash", lines[0]);
        Assert.Equal(site.Seeded.KnownRecords, lines.Length - 1);
        var first = lines[1].Split(',');
        Assert.Equal(export.Records[0].Sequence.ToString(CultureInfo.InvariantCulture), first[0]);
        Assert.Equal(Ledger.KnownConsentId, first[3]);
        Assert.Equal(export.Records[0].Hash, first[15]);
        Assert.StartsWith("dailymotion=", first[7], StringComparison.Ordinal);

        // By user: the id typed in is hashed with the subject key, as the consent cookie does.
        var byUser = ConsentProofExport.Parse(await DownloadAsync(page, "user", Ledger.KnownUserId, "json"));
        Assert.Equal(ConsentSubject.Hash(ConsoleSite.SubjectSecret, Ledger.KnownUserId), byUser.SubjectKey);
        Assert.Equal(Ledger.KnownConsentId, Assert.Single(byUser.Records).Content.ConsentId);

        // Each export is in the journal: who, what, on what, when; the raw user id never.
        await page.GotoAsync($"{site.Url}{Console}/ledger");
        var actions = page.Locator("#ecc-actions-table");
        await Assertions.Expect(actions).ToContainTextAsync("export-user");
        await Assertions.Expect(actions).ToContainTextAsync("export-consent");
        await Assertions.Expect(actions).ToContainTextAsync("Alex DPO");
        await Assertions.Expect(actions).ToContainTextAsync(byUser.SubjectKey!);
        Assert.DoesNotContain(Ledger.KnownUserId, await actions.InnerTextAsync(), StringComparison.Ordinal);
        var entries = await site.Services.GetRequiredService<IConsentAdministrationJournal>().ReadRecentAsync(10);
        Assert.Contains(entries, e => e is { Action: "export-consent", Actor: "Alex DPO (dpo)", Target: Ledger.KnownConsentId } && e.Outcome.EndsWith("csv", StringComparison.Ordinal));
        await page.Context.CloseAsync();
    }

    public static async Task Others_are_refused(ConsoleSite site)
    {
        foreach (var path in new[] { "/choices", "/ledger", "/trackers", "/policy" })
        {
            // Nobody signed in: the cookie scheme's challenge sends them to sign in.
            var anonymous = await site.NewPageAsync(null);
            var challenge = await anonymous.Context.APIRequest.GetAsync(site.Url + Console + path, new() { MaxRedirects = 0 });
            Assert.Equal(302, challenge.Status);
            Assert.Contains("/sign-in?ReturnUrl=", challenge.Headers["location"], StringComparison.Ordinal);
            await anonymous.Context.CloseAsync();

            // Signed in without the role: forbidden (the scheme's access-denied redirect).
            var pupil = await site.NewPageAsync("pupil");
            var forbidden = await pupil.Context.APIRequest.GetAsync(site.Url + Console + path, new() { MaxRedirects = 0 });
            Assert.Equal(302, forbidden.Status);
            Assert.Contains("/Account/AccessDenied", forbidden.Headers["location"], StringComparison.Ordinal);
            await pupil.Context.CloseAsync();
        }

        var other = await site.NewPageAsync("pupil");
        var post = await other.Context.APIRequest.PostAsync(site.Url + Console + "/ledger/export", new() { MaxRedirects = 0, Form = other.Context.APIRequest.CreateFormData().Set("by", "consent").Set("value", Ledger.KnownConsentId).Set("format", "json") });
        Assert.Equal(302, post.Status);
        Assert.Contains("/Account/AccessDenied", post.Headers["location"], StringComparison.Ordinal);
        await other.Context.CloseAsync();

        // The same request from the DPO gets the page: the refusals above are the policy's, not a broken route.
        var dpo = await site.NewPageAsync("dpo");
        Assert.Equal(200, (await dpo.Context.APIRequest.GetAsync(site.Url + Console + "/choices", new() { MaxRedirects = 0 })).Status);
        await dpo.Context.CloseAsync();
    }

    public static async Task Policy_shows_the_catalogue_and_the_changes(ConsoleSite site)
    {
        var page = await site.NewPageAsync("dpo", "en-GB");
        var response = await page.GotoAsync($"{site.Url}{Console}/policy");
        Assert.Equal(200, response!.Status);
        var version = site.Services.GetRequiredService<ConsentPolicy>().Version;
        await Assertions.Expect(page.Locator("#ecc-version")).ToHaveTextAsync(version);
        await Assertions.Expect(page.Locator("#ecc-catalogue")).ToContainTextAsync("YouTube");
        var diff = page.Locator("#ecc-diff");
        await Assertions.Expect(page.Locator("#ecc-changes + p")).ToContainTextAsync(ConsoleSite.PreviousPolicyVersion);
        // The service the previous release had and this one has not.
        await Assertions.Expect(diff.Locator("tr", new() { HasText = "services.old-widget.category" })).ToContainTextAsync("consentRequired");
        // An unchanged line is not listed; a new one is.
        Assert.Equal(0, await diff.Locator("th", new() { HasTextString = "services.youtube.category" }).CountAsync());
        Assert.True(await diff.Locator("th", new() { HasText = "services.dailymotion.category" }).CountAsync() == 1);
        await AssertNoAxeViolationsAsync(page);
        await page.Context.CloseAsync();
    }

    public static async Task<string> DownloadAsync(IPage page, string by, string value, string format)
    {
        await page.CheckAsync($"#ecc-by-{by}");
        await page.FillAsync("#ecc-value", value);
        await page.CheckAsync($"#ecc-{format}");
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#ecc-export ~ form button[type=submit]"));
        Assert.EndsWith("." + format, download.SuggestedFilename, StringComparison.Ordinal);
        var path = await download.PathAsync();
        return await File.ReadAllTextAsync(path!);
    }

    public static async Task AssertNoAxeViolationsAsync(IPage page)
    {
        var result = await page.RunAxe();
        Assert.True(result.Violations.Length == 0, string.Join("\n", result.Violations.Select(v => $"{v.Id}: {v.Help} ({string.Join(", ", v.Nodes.Select(n => n.Html))})")));
    }

    public static string ServiceName(string id) => id == "youtube" ? "YouTube" : "Dailymotion";

    private static long Number(string text) => long.Parse(new string([.. text.Where(char.IsAsciiDigit)]), CultureInfo.InvariantCulture);

    private static string Percent(double value) => value.ToString("P1", CultureInfo.GetCultureInfo("fr-FR")).Replace('\u202f', ' ').Replace('\u00a0', ' ');

    private static string Iso(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
