using System.Diagnostics;
using System.Globalization;
using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Ent.Consent.Cli.Scanning;

/// <summary>
/// Visits a site in headless Chromium, once per <see cref="ScanPass"/>, each time in a new profile: presses the
/// banner's button for the pass, then follows same-origin links up to a page budget, and reads what the browser holds.
/// </summary>
internal sealed class SiteCrawler
{
    private static readonly string[] ChromiumArgs = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

    private readonly Uri _start;
    private readonly int _pages;
    private readonly string? _browserPath;
    private readonly TimeSpan _pageTimeout;
    private readonly Action<string> _progress;

    public SiteCrawler(Uri start, int pages, string? browserPath, TimeSpan pageTimeout, Action<string> progress)
    {
        _start = start;
        _pages = pages;
        _browserPath = browserPath;
        _pageTimeout = pageTimeout;
        _progress = progress;
    }

    /// <summary>The machine's Chromium when there is one, so that nothing is downloaded.</summary>
    public static string? FindChromium()
        => Environment.GetEnvironmentVariable("ENT_CONSENT_CHROMIUM") is { Length: > 0 } configured
            ? configured
            : new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public async Task<IReadOnlyList<PassObservation>> CrawlAsync(CancellationToken cancellationToken)
    {
        IPlaywright playwright;
        IBrowser browser;
        try
        {
            playwright = await Playwright.CreateAsync();
            browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { Headless = true, ExecutablePath = _browserPath, Args = ChromiumArgs });
        }
        catch (PlaywrightException e)
        {
            throw new CliUnavailableException($"cannot start Chromium{(_browserPath is null ? " (give one with --browser <path>)" : $" at {_browserPath}")}: {FirstLine(e.Message)}", e);
        }

        try
        {
            var passes = new List<PassObservation>();
            foreach (var pass in Enum.GetValues<ScanPass>())
            {
                passes.Add(await CrawlPassAsync(browser, pass, cancellationToken));
            }

            return passes;
        }
        finally
        {
            await browser.CloseAsync();
            playwright.Dispose();
        }
    }

    private async Task<PassObservation> CrawlPassAsync(IBrowser browser, ScanPass pass, CancellationToken cancellationToken)
    {
        var name = ScanAnalyzer.Wire(pass);
        var startedAt = DateTimeOffset.UtcNow;
        var started = Stopwatch.GetTimestamp();
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "fr-FR" });
        context.SetDefaultNavigationTimeout((float)_pageTimeout.TotalMilliseconds);
        context.SetDefaultTimeout((float)_pageTimeout.TotalMilliseconds);
        var hosts = new ConcurrentDictionary<string, byte>(StringComparer.OrdinalIgnoreCase);
        context.Request += (_, request) =>
        {
            if (Uri.TryCreate(request.Url, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"
                && !string.Equals(url.Host, _start.Host, StringComparison.OrdinalIgnoreCase))
            {
                hosts.TryAdd(url.Host, 0);
            }
        };

        // Browsers count Expires from the response's Date header: note how far behind the machine's clock it was.
        long dateLagTicks = 0;
        context.Response += (_, response) =>
        {
            if (response.Headers.TryGetValue("date", out var date)
                && DateTimeOffset.TryParseExact(date, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sent))
            {
                var lag = (DateTimeOffset.UtcNow - sent).Ticks;
                for (var seen = Interlocked.Read(ref dateLagTicks); lag > seen; seen = Interlocked.Read(ref dateLagTicks))
                {
                    if (Interlocked.CompareExchange(ref dateLagTicks, lag, seen) == seen)
                    {
                        break;
                    }
                }
            }
        };

        var page = await context.NewPageAsync();
        string? banner = null;
        if (pass != ScanPass.NoChoice)
        {
            _progress($"{name}: opening {_start} and pressing the banner's button");
            await GotoAsync(page, _start, required: true);
            banner = await PressBannerAsync(page, accept: pass == ScanPass.AcceptAll);
        }

        var storage = new HashSet<ObservedStorageKey>();
        var visited = new List<string>();
        var queued = new HashSet<string>(StringComparer.Ordinal) { Normalize(_start) };
        var queue = new Queue<Uri>([_start]);
        while (queue.Count > 0 && visited.Count < _pages)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var url = queue.Dequeue();
            _progress($"{name}: page {visited.Count + 1}/{_pages} {url}");
            if (!await GotoAsync(page, url, required: visited.Count == 0))
            {
                continue;
            }

            visited.Add(url.ToString());
            foreach (var key in await ReadStorageAsync(page))
            {
                storage.Add(key);
            }

            foreach (var link in await page.EvaluateAsync<string[]>("() => Array.from(document.querySelectorAll('a[href]'), a => a.href)"))
            {
                if (Uri.TryCreate(link, UriKind.Absolute, out var target) && IsSameOrigin(target) && queued.Add(Normalize(target)))
                {
                    queue.Enqueue(new Uri(Normalize(target)));
                }
            }
        }

        var observedAt = DateTimeOffset.UtcNow;
        var clockShift = observedAt - startedAt - Stopwatch.GetElapsedTime(started);
        var exactExpiries = await ReadExactExpiriesAsync(context, page);
        var cookies = (await context.CookiesAsync())
            .Select(c => new ObservedCookie(c.Name, c.Domain, c.Path, Expiry(c, exactExpiries), c.HttpOnly, c.Secure, observedAt))
            .ToList();
        return new PassObservation(pass, visited, banner, cookies, [.. storage.OrderBy(static k => (k.Area, k.Key))], [.. hosts.Keys.Order(StringComparer.OrdinalIgnoreCase)], clockShift, TimeSpan.FromTicks(Interlocked.Read(ref dateLagTicks)));
    }

    /// <summary>
    /// Every cookie's end to the microsecond, as Chromium's DevTools protocol gives it. Playwright hands expiries out
    /// as single-precision floats, which at today's Unix times are only 128 s apart: too coarse for a 13-month cap
    /// judged with a minute of slack.
    /// </summary>
    private static async Task<Dictionary<(string Name, string Domain, string Path), double>> ReadExactExpiriesAsync(IBrowserContext context, IPage page)
    {
        var expiries = new Dictionary<(string, string, string), double>();
        var session = await context.NewCDPSessionAsync(page);
        try
        {
            if (await session.SendAsync("Network.getAllCookies") is { } result && result.TryGetProperty("cookies", out var cookies))
            {
                foreach (var cookie in cookies.EnumerateArray())
                {
                    expiries[(cookie.GetProperty("name").GetString()!, cookie.GetProperty("domain").GetString()!, cookie.GetProperty("path").GetString()!)]
                        = cookie.GetProperty("expires").GetDouble();
                }
            }
        }
        finally
        {
            await session.DetachAsync();
        }

        return expiries;
    }

    private static DateTimeOffset? Expiry(BrowserContextCookiesResult cookie, Dictionary<(string Name, string Domain, string Path), double> exactExpiries)
    {
        // Session cookies have -1; a cookie the protocol did not list (it cannot be) keeps Playwright's coarse value.
        var seconds = exactExpiries.TryGetValue((cookie.Name, cookie.Domain, cookie.Path), out var exact) ? exact : cookie.Expires;
        return seconds > 0 ? DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(seconds * 1000)) : null;
    }

    private async Task<bool> GotoAsync(IPage page, Uri url, bool required)
    {
        try
        {
            await page.GotoAsync(url.ToString(), new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        }
        catch (PlaywrightException e)
        {
            if (required)
            {
                throw new CliUnavailableException($"cannot load {url}: {FirstLine(e.Message)}", e);
            }

            _progress($"skipped {url}: {FirstLine(e.Message)}");
            return false;
        }

        await SettleAsync(page);
        return true;
    }

    private static async Task SettleAsync(IPage page)
    {
        try
        {
            // Scripts that set cookies after load (tags, measurement) get a moment; a page that never idles is read anyway.
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle, new PageWaitForLoadStateOptions { Timeout = 3000 });
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>Presses "accept all" or "refuse all": Ent.Consent's by its stable hooks, any other banner by the button's words.</summary>
    private async Task<string?> PressBannerAsync(IPage page, bool accept)
    {
        var hook = page.Locator($"[data-ent-consent-banner] [data-ent-consent-action=\"{(accept ? "accept-all" : "refuse-all")}\"]");
        if (await hook.CountAsync() > 0 && await hook.First.IsVisibleAsync())
        {
            await hook.First.ClickAsync();
            return await AfterPressAsync(page, page.Locator("[data-ent-consent-banner]").First, "ent-consent");
        }

        var words = accept ? AcceptWords : RefuseWords;
        foreach (var role in new[] { AriaRole.Button, AriaRole.Link })
        {
            var candidates = page.GetByRole(role, new PageGetByRoleOptions { NameRegex = words });
            var count = await candidates.CountAsync();
            for (var i = 0; i < count; i++)
            {
                var candidate = candidates.Nth(i);
                if (await candidate.IsVisibleAsync())
                {
                    await candidate.ClickAsync();
                    return await AfterPressAsync(page, candidate, "generic");
                }
            }
        }

        return null;
    }

    /// <summary>
    /// Waits until the pressed banner is gone (a script hid it, or the form's post reloaded the page): reading on
    /// while the choice is still on its way would scan the site as if no choice had been made.
    /// </summary>
    private async Task<string> AfterPressAsync(IPage page, ILocator banner, string kind)
    {
        try
        {
            await banner.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Hidden, Timeout = (float)_pageTimeout.TotalMilliseconds });
        }
        catch (TimeoutException)
        {
            _progress($"the {kind} banner was still shown {_pageTimeout.TotalSeconds:0} s after pressing its button");
            await SettleAsync(page);
            return $"{kind} (still shown after pressing)";
        }

        await SettleAsync(page);
        return kind;
    }

    private static async Task<IReadOnlyList<ObservedStorageKey>> ReadStorageAsync(IPage page)
    {
        var entries = await page.EvaluateAsync<string[][]>("""
            () => {
              const read = (area, name) => { try { return Object.keys(area).map(k => [name, k, location.origin]); } catch { return []; } };
              return [...read(localStorage, 'localStorage'), ...read(sessionStorage, 'sessionStorage')];
            }
            """);
        return [.. entries.Select(static e => new ObservedStorageKey(e[0], e[1], e[2]))];
    }

    private bool IsSameOrigin(Uri url)
        => url.Scheme == _start.Scheme && string.Equals(url.Host, _start.Host, StringComparison.OrdinalIgnoreCase) && url.Port == _start.Port;

    private static string Normalize(Uri url) => new UriBuilder(url) { Fragment = string.Empty }.Uri.ToString();

    private static string FirstLine(string message) => message.Split('\n', 2)[0].Trim();

    // Whole labels, so that "Accepter et fermer" matches but a "Refuser" inside a sentence does not. Playwright
    // passes the pattern to the browser, which takes IgnoreCase and nothing else.
    private static readonly Regex AcceptWords = new(@"^\s*(tout accepter|accepter tout|accepter|j['’]accepte|accepter et (fermer|continuer)|accept all|accept all cookies|accept|allow all|agree|i agree|ok)\s*$", RegexOptions.IgnoreCase);

    private static readonly Regex RefuseWords = new(@"^\s*(tout refuser|refuser tout|refuser|je refuse|continuer sans accepter|refuser et fermer|reject all|reject|refuse all|refuse|decline|deny|deny all|necessary only|only necessary)\s*$", RegexOptions.IgnoreCase);
}
