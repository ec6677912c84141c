using Ent.Consent.AspNetCore;
using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Encodings.Web;
using Ent.Consent.AspNetCore.Enforcement;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ent.Consent.Widget.Console;

/// <summary>
/// The consent console's pages, mapped by <see cref="Microsoft.AspNetCore.Builder.ConsentConsoleEndpointRouteBuilderExtensions"/>.
/// Aggregates are cached for <see cref="CacheDuration"/> in a small <see cref="MemoryCache"/> of its own: the figures
/// may be that old, the cache holds the query's task so that concurrent visitors share one query, and a node-local
/// cache is enough for one DPO's page views (a distributed cache would add a dependency and serialization for no
/// gain at this size).
/// </summary>
internal sealed partial class ConsoleApp : IDisposable
{
    public static readonly TimeSpan CacheDuration = TimeSpan.FromSeconds(30);
    private const int ActionsShown = 20;

    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 128 });
    private readonly HashSet<string> _rememberedPolicies = new(StringComparer.Ordinal);
    private readonly IConsentProofStatistics _statistics;
    private readonly IConsentAdministrationJournal _journal;
    private readonly IConsentProofStore _store;
    private readonly ConsentWidget _widget;
    private readonly IAntiforgery _antiforgery;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IServiceProvider _services;

    public ConsoleApp(string prefix, IServiceProvider services)
    {
        Prefix = prefix.TrimEnd('/');
        _services = services;
        _statistics = services.GetRequiredService<IConsentProofStatistics>();
        _journal = services.GetRequiredService<IConsentAdministrationJournal>();
        _store = services.GetRequiredService<IConsentProofStore>();
        _widget = services.GetRequiredService<ConsentWidget>();
        _antiforgery = services.GetRequiredService<IAntiforgery>();
        _time = services.GetService<TimeProvider>() ?? TimeProvider.System;
        _logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Ent.Consent.Widget.Console");
    }

    public string Prefix { get; }

    public void Dispose() => _cache.Dispose();

    // ---- Choices over time ----

    public async Task ChoicesAsync(HttpContext context)
    {
        var page = Begin(context);
        var summary = await Cached("ledger", () => _statistics.GetLedgerSummaryAsync(CancellationToken.None)).ConfigureAwait(false);
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        if (!ConsoleFilter.TryRead(context.Request.Query, today, summary.Tenants, out var filter, out var error))
        {
            await BadRequestAsync(context, page, error!).ConfigureAwait(false);
            return;
        }

        var key = $"choices|{ConsoleFilter.Iso(filter.From)}|{ConsoleFilter.Iso(filter.To)}|{filter.Tenant}";
        var counts = await Cached(key, () => _statistics.CountChoicesAsync(filter.ToQuery(), CancellationToken.None)).ConfigureAwait(false);
        var services = ConsoleChoices.Build(counts, filter);
        var t = page.Texts;
        var html = new StringBuilder(16 * 1024);
        html.Append("<h2>").Append(E(t.NavChoices)).Append("</h2>");
        FilterForm(html, page, filter, summary.Tenants);
        html.Append("<p class=\"ec-hint\">").Append(E(t.ChoicesHint)).Append("</p>");
        if (services.Count == 0)
        {
            html.Append("<p id=\"ecc-no-choices\">").Append(E(t.NoChoices)).Append("</p>");
        }
        else
        {
            html.Append("<div class=\"ec-table\"><table id=\"ecc-summary\"><caption>").Append(E(t.Summary)).Append("</caption><thead><tr><th scope=\"col\">").Append(E(t.Service))
                .Append("</th><th scope=\"col\">").Append(E(t.Granted)).Append("</th><th scope=\"col\">").Append(E(t.Refused)).Append("</th><th scope=\"col\">").Append(E(t.Withdrawn))
                .Append("</th><th scope=\"col\">").Append(E(t.AcceptanceRate)).Append("</th><th scope=\"col\">").Append(E(t.SignalShare)).Append("</th></tr></thead><tbody>");
            foreach (var service in services)
            {
                html.Append("<tr><th scope=\"row\">").Append(E(ServiceName(page, service.ServiceId))).Append("</th><td>").Append(N(page, service.Granted)).Append("</td><td>")
                    .Append(N(page, service.Refused)).Append("</td><td>").Append(N(page, service.Withdrawn)).Append("</td><td>").Append(P(page, service.AcceptanceRate))
                    .Append("</td><td>").Append(P(page, service.SignalShare)).Append("</td></tr>");
            }

            html.Append("</tbody></table></div>");
            var unit = filter.ByWeek ? t.Week : t.Day;
            foreach (var service in services)
            {
                var id = "ecc-chart-" + Slug(service.ServiceId);
                var title = string.Format(page.Culture, t.ChartOf, ServiceName(page, service.ServiceId), unit);
                html.Append("<div class=\"ecc-series\"><h3 id=\"").Append(id).Append("-h\">").Append(E(title)).Append("</h3><div class=\"ecc-pair\"><div>");
                ConsoleCharts.Stacked(html, id, title, service.Buckets, t);
                html.Append("</div><div class=\"ec-table ecc-scroll\" tabindex=\"0\" role=\"region\" aria-labelledby=\"").Append(id).Append("-c\"><table><caption id=\"").Append(id).Append("-c\">")
                    .Append(E(title)).Append("</caption><thead><tr><th scope=\"col\">").Append(E(filter.ByWeek ? t.Week : t.Day)).Append("</th><th scope=\"col\">").Append(E(t.Granted))
                    .Append("</th><th scope=\"col\">").Append(E(t.Refused)).Append("</th><th scope=\"col\">").Append(E(t.Withdrawn)).Append("</th></tr></thead><tbody>");
                foreach (var bucket in service.Buckets)
                {
                    html.Append("<tr><th scope=\"row\">").Append(ConsoleFilter.Iso(bucket.Start)).Append("</th><td>").Append(N(page, bucket.Granted)).Append("</td><td>")
                        .Append(N(page, bucket.Refused)).Append("</td><td>").Append(N(page, bucket.Withdrawn)).Append("</td></tr>");
                }

                html.Append("</tbody></table></div></div></div>");
            }
        }

        await WritePageAsync(context, page, t.NavChoices, "choices", html).ConfigureAwait(false);
    }

    private void FilterForm(StringBuilder html, ConsolePage page, ConsoleFilter filter, IReadOnlyList<string> tenants)
    {
        var t = page.Texts;
        html.Append("<form class=\"ecc-filters\" method=\"get\" action=\"").Append(E(page.Url("/choices"))).Append("\"><fieldset><legend>").Append(E(t.Filters)).Append("</legend>")
            .Append("<p><label for=\"ecc-tenant\">").Append(E(t.Tenant)).Append("</label> <select id=\"ecc-tenant\" name=\"tenant\"><option value=\"\">").Append(E(t.AllTenants)).Append("</option>");
        foreach (var tenant in tenants)
        {
            html.Append("<option").Append(tenant == filter.Tenant ? " selected" : string.Empty).Append(">").Append(E(tenant)).Append("</option>");
        }

        html.Append("</select></p><p><label for=\"ecc-from\">").Append(E(t.From)).Append("</label> <input id=\"ecc-from\" name=\"from\" type=\"date\" value=\"").Append(ConsoleFilter.Iso(filter.From))
            .Append("\"></p><p><label for=\"ecc-to\">").Append(E(t.To)).Append("</label> <input id=\"ecc-to\" name=\"to\" type=\"date\" value=\"").Append(ConsoleFilter.Iso(filter.To))
            .Append("\"></p><p><label for=\"ecc-by\">").Append(E(t.GroupBy)).Append("</label> <select id=\"ecc-by\" name=\"by\"><option value=\"day\"").Append(filter.ByWeek ? string.Empty : " selected").Append(">")
            .Append(E(t.Day)).Append("</option><option value=\"week\"").Append(filter.ByWeek ? " selected" : string.Empty).Append(">").Append(E(t.Week)).Append("</option></select></p>")
            .Append("<p><button class=\"ec-btn ec-btn-small\" type=\"submit\">").Append(E(t.Show)).Append("</button></p></fieldset></form>");
    }

    // ---- Ledger ----

    public async Task LedgerAsync(HttpContext context)
    {
        var page = Begin(context);
        var t = page.Texts;
        var summary = await Cached("ledger", () => _statistics.GetLedgerSummaryAsync(CancellationToken.None)).ConfigureAwait(false);
        var verifications = await _journal.ReadRecentAsync(1, ConsoleActions.Verify, context.RequestAborted).ConfigureAwait(false);
        var actions = await _journal.ReadRecentAsync(ActionsShown, null, context.RequestAborted).ConfigureAwait(false);
        var html = new StringBuilder(8 * 1024);
        html.Append("<h2>").Append(E(t.NavLedger)).Append("</h2>");

        html.Append("<section aria-labelledby=\"ecc-chain\"><h3 id=\"ecc-chain\">").Append(E(t.Chain)).Append("</h3><dl class=\"ec-facts\" id=\"ecc-chain-facts\">");
        Fact(html, t.LastVerification, verifications.Count == 0 ? t.NeverVerified : $"{verifications[0].Outcome} ({D(verifications[0].At)}, {verifications[0].Actor})");
        Fact(html, t.Records, N(page, summary.RecordCount));
        Fact(html, t.HeadSequence, N(page, summary.HeadSequence));
        Fact(html, t.LastCheckpoint, LastCheckpoint(page) ?? t.CheckpointUnavailable);
        html.Append("</dl><form method=\"post\" action=\"").Append(E(page.Url("/ledger/verify"))).Append("\">").Append(page.AntiforgeryField)
            .Append("<button class=\"ec-btn ec-btn-small\" type=\"submit\">").Append(E(t.VerifyNow)).Append("</button></form></section>");

        html.Append("<section aria-labelledby=\"ecc-retention\"><h3 id=\"ecc-retention\">").Append(E(t.Retention)).Append("</h3><dl class=\"ec-facts\" id=\"ecc-retention-facts\">");
        Fact(html, t.Oldest, summary.OldestRecordedAt is { } oldest ? D(oldest) : t.None);
        Fact(html, t.Newest, summary.NewestRecordedAt is { } newest ? D(newest) : t.None);
        var retention = _services.GetService<ConsentRetention>() is null ? null : _services.GetService<IOptions<ConsentRetentionOptions>>()?.Value;
        if (retention is { PurgeProofs: true })
        {
            Fact(html, t.KeptFor, retention.ProofRetention.ToString());
            Fact(html, t.NextPurge, summary.OldestRecordedAt is { } first ? D(retention.ProofRetention.AddTo(first)) : t.None);
        }
        else
        {
            Fact(html, t.KeptFor, t.NoPurge);
        }

        Fact(html, t.LastPurge, summary.LastPurgeAt is { } purged ? $"{D(purged)} (< {D(summary.LastPurgeCutoff!.Value)})" : t.None);
        html.Append("</dl></section>");

        html.Append("<section aria-labelledby=\"ecc-export\"><h3 id=\"ecc-export\">").Append(E(t.Export)).Append("</h3><p class=\"ec-hint\">").Append(E(t.ExportHint)).Append("</p>")
            .Append("<form method=\"post\" action=\"").Append(E(page.Url("/ledger/export"))).Append("\">").Append(page.AntiforgeryField)
            .Append("<fieldset><legend>").Append(E(t.FindBy)).Append("</legend><p><input type=\"radio\" id=\"ecc-by-consent\" name=\"by\" value=\"consent\" checked> <label for=\"ecc-by-consent\">").Append(E(t.ByConsent))
            .Append("</label></p><p><input type=\"radio\" id=\"ecc-by-user\" name=\"by\" value=\"user\"> <label for=\"ecc-by-user\">").Append(E(t.ByUser)).Append("</label></p></fieldset>")
            .Append("<p><label for=\"ecc-value\">").Append(E(t.Value)).Append("</label> <input id=\"ecc-value\" name=\"value\" type=\"text\" required autocomplete=\"off\" spellcheck=\"false\"></p>")
            .Append("<fieldset><legend>").Append(E(t.Format)).Append("</legend><p><input type=\"radio\" id=\"ecc-json\" name=\"format\" value=\"json\" checked> <label for=\"ecc-json\">JSON</label></p>")
            .Append("<p><input type=\"radio\" id=\"ecc-csv\" name=\"format\" value=\"csv\"> <label for=\"ecc-csv\">CSV</label></p></fieldset>")
            .Append("<p><button class=\"ec-btn ec-btn-small\" type=\"submit\">").Append(E(t.Download)).Append("</button></p></form></section>");

        html.Append("<section aria-labelledby=\"ecc-actions\"><h3 id=\"ecc-actions\">").Append(E(t.Actions)).Append("</h3>");
        if (actions.Count == 0)
        {
            html.Append("<p>").Append(E(t.NoActions)).Append("</p>");
        }
        else
        {
            html.Append("<div class=\"ec-table\"><table id=\"ecc-actions-table\"><thead><tr><th scope=\"col\">").Append(E(t.When)).Append("</th><th scope=\"col\">").Append(E(t.Who))
                .Append("</th><th scope=\"col\">").Append(E(t.What)).Append("</th><th scope=\"col\">").Append(E(t.Target)).Append("</th><th scope=\"col\">").Append(E(t.Outcome)).Append("</th></tr></thead><tbody>");
            foreach (var action in actions)
            {
                html.Append("<tr><td>").Append(D(action.At)).Append("</td><td>").Append(E(action.Actor)).Append("</td><td>").Append(E(action.Action)).Append("</td><td class=\"ecc-code\">")
                    .Append(E(action.Target)).Append("</td><td>").Append(E(action.Outcome)).Append("</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("</section>");
        await WritePageAsync(context, page, t.NavLedger, "ledger", html).ConfigureAwait(false);
    }

    /// <summary>The latest signed checkpoint (record and time), or null when checkpoints are off or none was taken yet.</summary>
    private string? LastCheckpoint(ConsolePage page)
        => _services.GetRequiredService<ConsentProofVerifier>().ReadLatestCheckpoint() is { } checkpoint
            ? string.Format(page.Culture, page.Texts.CheckpointAt, N(page, checkpoint.Sequence), D(checkpoint.CreatedAt))
            : null;

    public async Task VerifyAsync(HttpContext context)
    {
        var page = Begin(context);
        if (!await IsValidPostAsync(context, page).ConfigureAwait(false))
        {
            return;
        }

        // The same verification as the proof endpoint: against the signed checkpoints when they are on.
        var verification = await _services.GetRequiredService<ConsentProofVerifier>().VerifyAsync(context.RequestAborted).ConfigureAwait(false);
        var outcome = verification.IsValid
            ? $"{page.Texts.ChainValid}: {verification.RecordCount.ToString(CultureInfo.InvariantCulture)} records, head {verification.HeadSequence.ToString(CultureInfo.InvariantCulture)}"
            : $"{page.Texts.ChainBroken} at {verification.FirstBrokenSequence?.ToString(CultureInfo.InvariantCulture)}: {verification.Reason}";
        var actor = Actor(context.User);
        await _journal.RecordAsync(new ConsentAdministrationEntry(_time.GetUtcNow(), actor, ConsoleActions.Verify, "chain", outcome), CancellationToken.None).ConfigureAwait(false);
        LogVerified(_logger, actor, verification.IsValid, verification.RecordCount);
        context.Response.Redirect(page.Url("/ledger"));
    }

    public async Task ExportAsync(HttpContext context)
    {
        var page = Begin(context);
        if (!await IsValidPostAsync(context, page).ConfigureAwait(false))
        {
            return;
        }

        var form = context.Request.Form;
        var by = form["by"].ToString();
        var value = form["value"].ToString().Trim();
        var format = form["format"].ToString();
        if (by is not ("consent" or "user") || format is not ("json" or "csv") || value.Length is 0 or > 512)
        {
            await BadRequestAsync(context, page, "The export needs 'by' (consent or user), a non-empty 'value' of at most 512 characters and 'format' (json or csv).").ConfigureAwait(false);
            return;
        }

        ConsentProofExport export;
        string target;
        if (by == "consent")
        {
            target = value;
            export = new ConsentProofExport { ExportedAt = _time.GetUtcNow(), ConsentId = value, Records = await _store.ExportByConsentIdAsync(value, context.RequestAborted).ConfigureAwait(false) };
        }
        else
        {
            var subjects = _services.GetService<ConsentRuntime>()?.Subjects;
            if (subjects is null || subjects.IsEphemeral)
            {
                // Without a configured key, subject keys change at every restart: a lookup would miss older records.
                await ErrorAsync(context, page, StatusCodes.Status409Conflict, "No subject key configured",
                    "EntConsentOptions.SubjectKey is not set, so user ids cannot be matched to stored proofs.").ConfigureAwait(false);
                return;
            }

            target = subjects.Hash(value);
            export = new ConsentProofExport { ExportedAt = _time.GetUtcNow(), SubjectKey = target, Records = await _store.ExportBySubjectAsync(target, context.RequestAborted).ConfigureAwait(false) };
        }

        // Recorded before the data leaves: an export that cannot be traced is not made.
        var actor = Actor(context.User);
        var action = by == "consent" ? ConsoleActions.ExportConsent : ConsoleActions.ExportUser;
        await _journal.RecordAsync(new ConsentAdministrationEntry(export.ExportedAt, actor, action, target,
            $"{export.Records.Count.ToString(CultureInfo.InvariantCulture)} records, {format}"), CancellationToken.None).ConfigureAwait(false);
        LogExported(_logger, actor, export.Records.Count, action, target, format);

        var stamp = export.ExportedAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"consent-proofs-{by}-{stamp}.{format}\"";
        if (format == "json")
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await export.WriteToAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            context.Response.ContentType = "text/csv; charset=utf-8";
            await context.Response.WriteAsync(ConsoleCsv.Write(export), context.RequestAborted).ConfigureAwait(false);
        }
    }

    // ---- Trackers seen ----

    public async Task TrackersAsync(HttpContext context)
    {
        var page = Begin(context);
        var t = page.Texts;
        var sightings = _services.GetService<ConsentRuntime>()?.UndeclaredCookies;
        var list = sightings?.Snapshot() ?? [];
        var html = new StringBuilder(4 * 1024);
        html.Append("<h2>").Append(E(t.NavTrackers)).Append("</h2><p>").Append(E(t.TrackersIntro)).Append("</p>");
        if (list.Count == 0)
        {
            html.Append("<p id=\"ecc-no-trackers\">").Append(E(t.NoTrackers)).Append("</p>");
        }
        else
        {
            html.Append("<div class=\"ec-table\"><table id=\"ecc-trackers\"><thead><tr><th scope=\"col\">").Append(E(t.Name)).Append("</th><th scope=\"col\">").Append(E(t.InResponses))
                .Append("</th><th scope=\"col\">").Append(E(t.InRequests)).Append("</th><th scope=\"col\">").Append(E(t.FirstSeen)).Append("</th><th scope=\"col\">").Append(E(t.LastSeen))
                .Append("</th><th scope=\"col\">").Append(E(t.Draft)).Append("</th></tr></thead><tbody>");
            foreach (var sighting in list)
            {
                html.Append("<tr><th scope=\"row\" class=\"ecc-code\">").Append(E(sighting.Name)).Append("</th><td>").Append(N(page, sighting.InResponses)).Append("</td><td>")
                    .Append(N(page, sighting.InRequests)).Append("</td><td>").Append(D(sighting.FirstSeen)).Append("</td><td>").Append(D(sighting.LastSeen))
                    .Append("</td><td><details class=\"ec-details ecc-draft\"><summary>").Append(E(t.Draft)).Append("<span class=\"ecc-sr\"> ").Append(E(sighting.Name)).Append("</span></summary><p>")
                    .Append(E(t.DraftHint)).Append("</p><pre class=\"ecc-code\" tabindex=\"0\"><code>").Append(E(ConsoleCatalogue.DraftJson(sighting.Name, sighting.FirstSeen))).Append("</code></pre><pre class=\"ecc-code\" tabindex=\"0\"><code>")
                    .Append(E(ConsoleCatalogue.DraftCSharp(sighting.Name))).Append("</code></pre></details></td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        if (sightings is { Overflow: > 0 })
        {
            html.Append("<p>").Append(E(string.Format(page.Culture, t.Overflow, sightings.Overflow))).Append("</p>");
        }

        await WritePageAsync(context, page, t.NavTrackers, "trackers", html).ConfigureAwait(false);
    }

    // ---- Policy ----

    public async Task PolicyAsync(HttpContext context)
    {
        var page = Begin(context);
        var t = page.Texts;
        var policy = page.Widget.Policy;
        var lines = ConsoleCatalogue.Lines(policy);
        await RememberAsync(policy, lines).ConfigureAwait(false);
        var previous = await _journal.FindPreviousPolicyAsync(policy.Version, context.RequestAborted).ConfigureAwait(false);
        var html = new StringBuilder(8 * 1024);
        html.Append("<h2>").Append(E(t.NavPolicy)).Append("</h2><p>").Append(E(t.PolicyIntro)).Append("</p><dl class=\"ec-facts\"><dt>").Append(E(t.Version))
            .Append("</dt><dd class=\"ecc-code\" id=\"ecc-version\">").Append(E(policy.Version)).Append("</dd></dl>");
        html.Append("<div class=\"ec-table\"><table id=\"ecc-catalogue\"><thead><tr><th scope=\"col\">").Append(E(t.Service)).Append("</th><th scope=\"col\">").Append(E(t.Category))
            .Append("</th><th scope=\"col\">").Append(E(t.Purpose)).Append("</th><th scope=\"col\">").Append(E(t.Provider)).Append("</th><th scope=\"col\">").Append(E(t.Cookies)).Append("</th></tr></thead><tbody>");
        foreach (var service in policy.Services)
        {
            html.Append("<tr><th scope=\"row\">").Append(E(page.Widget.Text(service.Name))).Append(" <span class=\"ecc-code\">(").Append(E(service.Id)).Append(")</span></th><td>")
                .Append(E(ConsentWireNames.Of(service.Category))).Append("</td><td>").Append(E(policy.FindPurpose(service.Purpose) is { } purpose ? page.Widget.Text(purpose.Name) : service.Purpose))
                .Append("</td><td>").Append(E(service.Provider)).Append("</td><td>");
            if (service.Cookies.Count > 0)
            {
                html.Append("<ul>");
                foreach (var cookie in service.Cookies)
                {
                    html.Append("<li><span class=\"ecc-code\">").Append(E(cookie.Name)).Append("</span> — ").Append(E(cookie.Lifetime?.ToString() ?? "session")).Append("</li>");
                }

                html.Append("</ul>");
            }

            html.Append("</td></tr>");
        }

        html.Append("</tbody></table></div><section aria-labelledby=\"ecc-changes\"><h3 id=\"ecc-changes\">").Append(E(t.Changes)).Append("</h3>");
        if (previous is null)
        {
            html.Append("<p id=\"ecc-no-previous\">").Append(E(t.NoPrevious)).Append("</p>");
        }
        else
        {
            var diff = ConsoleCatalogue.Diff(previous.Lines, lines);
            html.Append("<p>").Append(E(t.Version)).Append(" <span class=\"ecc-code\">").Append(E(previous.Version)).Append("</span> (").Append(D(previous.FirstSeenAt)).Append(") → <span class=\"ecc-code\">")
                .Append(E(policy.Version)).Append("</span></p>");
            if (diff.Count == 0)
            {
                html.Append("<p>").Append(E(t.NoChanges)).Append("</p>");
            }
            else
            {
                html.Append("<div class=\"ec-table\"><table id=\"ecc-diff\"><thead><tr><th scope=\"col\">").Append(E(t.Item)).Append("</th><th scope=\"col\">").Append(E(t.Before))
                    .Append("</th><th scope=\"col\">").Append(E(t.After)).Append("</th></tr></thead><tbody>");
                foreach (var (path, before, after) in diff)
                {
                    html.Append("<tr><th scope=\"row\" class=\"ecc-code\">").Append(E(path)).Append("</th><td>").Append(before is null ? "—" : E(before)).Append("</td><td>")
                        .Append(after is null ? "—" : E(after)).Append("</td></tr>");
                }

                html.Append("</tbody></table></div>");
            }
        }

        html.Append("</section>");
        await WritePageAsync(context, page, t.NavPolicy, "policy", html).ConfigureAwait(false);
    }

    /// <summary>Keeps the policy's catalogue once per version, so that the next version can show what changed.</summary>
    public async Task RememberAsync(ConsentPolicy policy, IReadOnlyList<string>? lines = null)
    {
        lock (_rememberedPolicies)
        {
            if (_rememberedPolicies.Contains(policy.Version))
            {
                return;
            }
        }

        await _journal.RememberPolicyAsync(new ConsentPolicySnapshot(policy.Version, _time.GetUtcNow(), lines ?? ConsoleCatalogue.Lines(policy)), CancellationToken.None).ConfigureAwait(false);
        lock (_rememberedPolicies)
        {
            _rememberedPolicies.Add(policy.Version);
        }
    }

    public static Task StyleAsync(HttpContext context) => WidgetEndpoints.WriteAssetAsync(context, WidgetAsset.Console);

    // ---- Shared ----

    private ConsolePage Begin(HttpContext context)
    {
        var widget = _widget.CreateRequest(context);
        context.Response.Headers.CacheControl = "no-store";
        return new ConsolePage(widget, ConsoleTexts.For(widget.Culture), context.Request.PathBase.Add(Prefix).Value ?? Prefix);
    }

    private async Task<bool> IsValidPostAsync(HttpContext context, ConsolePage page)
    {
        if (!context.Request.HasFormContentType)
        {
            await ErrorAsync(context, page, StatusCodes.Status415UnsupportedMediaType, page.Texts.InvalidRequest, "Send the console's own form.").ConfigureAwait(false);
            return false;
        }

        try
        {
            await _antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
            return true;
        }
        catch (AntiforgeryValidationException)
        {
            await ErrorAsync(context, page, StatusCodes.Status400BadRequest, page.Texts.InvalidRequest, "The form's antiforgery token is missing or invalid; reload the page and try again.").ConfigureAwait(false);
            return false;
        }
    }

    private Task BadRequestAsync(HttpContext context, ConsolePage page, string detail)
        => ErrorAsync(context, page, StatusCodes.Status400BadRequest, page.Texts.InvalidRequest, detail);

    /// <summary>An error as a page for a browser, as application/problem+json for anything else.</summary>
    public async Task ErrorAsync(HttpContext context, ConsolePage page, int status, string title, string detail)
    {
        context.Response.StatusCode = status;
        if (!context.Request.Headers.Accept.ToString().Contains("text/html", StringComparison.OrdinalIgnoreCase))
        {
            await Results.Problem(statusCode: status, title: title, detail: detail).ExecuteAsync(context).ConfigureAwait(false);
            return;
        }

        var html = new StringBuilder();
        html.Append("<h2>").Append(E(title)).Append("</h2><p role=\"alert\" id=\"ecc-error\">").Append(E(detail)).Append("</p><p><a href=\"").Append(E(page.Url("/choices"))).Append("\">")
            .Append(E(page.Texts.NavChoices)).Append("</a></p>");
        await WritePageAsync(context, page, title, string.Empty, html).ConfigureAwait(false);
    }

    private Task WritePageAsync(HttpContext context, ConsolePage page, string title, string active, StringBuilder body)
    {
        var t = page.Texts;
        var html = new StringBuilder(body.Length + 2048);
        html.Append("<!DOCTYPE html><html lang=\"").Append(E(page.Culture.TwoLetterISOLanguageName == "fr" ? "fr" : "en")).Append("\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"robots\" content=\"noindex\"><title>").Append(E(title)).Append(" — ").Append(E(t.Title)).Append("</title>")
            .Append(WidgetRenderer.StyleTag(page.Widget, nonce: null))
            .Append("<link rel=\"stylesheet\" href=\"").Append(E(page.Url("/console.css") + "?v=" + WidgetAsset.Console.Version)).Append("\" integrity=\"").Append(WidgetAsset.Console.Integrity).Append("\">")
            .Append("</head><body class=\"ec-page\"><div class=\"ec ecc\"").Append(page.Widget.Theme == ConsentWidgetTheme.Dsfr ? " data-ent-consent-theme=\"dsfr\"" : string.Empty).Append(">")
            .Append("<header class=\"ecc-header\"><h1 class=\"ec-title\">").Append(E(t.Title)).Append("</h1><nav aria-label=\"").Append(E(t.Navigation)).Append("\"><ul class=\"ecc-nav\">");
        NavItem(html, page, "/choices", t.NavChoices, active == "choices");
        NavItem(html, page, "/ledger", t.NavLedger, active == "ledger");
        NavItem(html, page, "/trackers", t.NavTrackers, active == "trackers");
        NavItem(html, page, "/policy", t.NavPolicy, active == "policy");
        html.Append("</ul></nav></header><main>").Append(body).Append("</main></div></body></html>");
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html.ToString(), context.RequestAborted);
    }

    private static void NavItem(StringBuilder html, ConsolePage page, string path, string label, bool current)
        => html.Append("<li><a href=\"").Append(E(page.Url(path))).Append('"').Append(current ? " aria-current=\"page\"" : string.Empty).Append('>').Append(E(label)).Append("</a></li>");

    private async Task<T> Cached<T>(string key, Func<Task<T>> load)
    {
        if (_cache.TryGetValue(key, out Task<T>? cached) && cached is not null)
        {
            return await cached.ConfigureAwait(false);
        }

        var task = load();
        _ = _cache.Set<Task<T>>(key, task, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = CacheDuration, Size = 1 });
        try
        {
            return await task.ConfigureAwait(false);
        }
        catch
        {
            // A failed query is not kept: the next view asks again.
            _cache.Remove(key);
            throw;
        }
    }

    private static void Fact(StringBuilder html, string term, string value)
        => html.Append("<dt>").Append(E(term)).Append("</dt><dd>").Append(E(value)).Append("</dd>");

    private static string ServiceName(ConsolePage page, string serviceId)
        => page.Widget.Policy.FindService(serviceId) is { } service ? page.Widget.Text(service.Name) : serviceId;

    internal static string Actor(ClaimsPrincipal user)
        => user.Identity?.Name is { Length: > 0 } name
            ? name + (user.FindFirst(ClaimTypes.NameIdentifier)?.Value is { Length: > 0 } id && id != name ? $" ({id})" : string.Empty)
            : user.FindFirst(ClaimTypes.NameIdentifier)?.Value ?? "(unknown)";

    private static string Slug(string id) => new([.. id.Select(static c => char.IsAsciiLetterOrDigit(c) ? c : '-')]);

    private static string N(ConsolePage page, long value) => value.ToString("N0", page.Culture);

    private static string P(ConsolePage page, double? value) => value is { } rate ? rate.ToString("P1", page.Culture) : "—";

    private static string D(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string E(string text) => HtmlEncoder.Default.Encode(text);

    [LoggerMessage(EventId = 511, Level = LogLevel.Information, Message = "Consent console: {Actor} exported {Count} proof record(s) ({Action} {Target}) as {Format}")]
    private static partial void LogExported(ILogger logger, string actor, int count, string action, string target, string format);

    [LoggerMessage(EventId = 512, Level = LogLevel.Information, Message = "Consent console: {Actor} verified the proof chain: valid {IsValid}, {RecordCount} record(s)")]
    private static partial void LogVerified(ILogger logger, string actor, bool isValid, long recordCount);
}

/// <summary>One console request: the widget's view of it (policy, culture, token), the texts and the URLs.</summary>
internal sealed record ConsolePage(WidgetRequest Widget, ConsoleTexts Texts, string Root)
{
    public CultureInfo Culture => Widget.Culture;

    public string Url(string path) => Root + path;

    public string AntiforgeryField
        => $"<input type=\"hidden\" name=\"{HtmlEncoder.Default.Encode(Widget.AntiforgeryFieldName)}\" value=\"{HtmlEncoder.Default.Encode(Widget.AntiforgeryToken)}\">";
}

/// <summary>The stable names of the actions the console journals.</summary>
internal static class ConsoleActions
{
    public const string Verify = "verify";
    public const string ExportConsent = "export-consent";
    public const string ExportUser = "export-user";
}
