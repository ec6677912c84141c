using System.Text.Json;
using System.Text.RegularExpressions;

namespace Ent.Consent.Widget.Tests;

public sealed class GuardConfigTests
{
    private static readonly ConsentPolicy Policy = TestPolicies.Portal(o =>
    {
        o.BuiltInServices.Add("dnma");
        o.BuiltInServices.Add("google-analytics");
        // One name declared twice: the stricter service governs it, on the server and in the guard.
        o.Services.Add(new ServiceDeclaration
        {
            Id = "shared-id",
            Name = new("Identifiant partagé", "Shared id"),
            Description = new("Identifiant.", "Id."),
            Provider = "Exemple",
            Purpose = "audience-measurement",
            Category = ServiceCategory.ConsentRequired,
            LegalBasis = LegalBasis.Consent,
            Cookies = [new CookieDeclaration { Name = "_pk_id.shared", Lifetime = CalendarPeriod.FromMonths(6), Description = new("Id.", "Id.") }],
        });
    });

    [Fact]
    public void Head_tags_put_the_policy_script_then_the_guard_first_as_blocking_scripts_with_integrity_and_nonce()
    {
        var request = Renderings.Request(Policy);
        var html = WidgetRenderer.HeadTags(request, "N1");
        var policy = PolicyScript.Find(Regex.Match(html, "policy\\.js\\?lang=fr-FR&amp;v=([0-9a-f]{16})\"").Groups[1].Value);
        Assert.NotNull(policy);
        Assert.StartsWith(
            $"<script src=\"/consent/policy.js?lang=fr-FR&amp;v={policy.Version}\" integrity=\"{policy.Integrity}\" nonce=\"N1\"></script>"
            + "<script type=\"application/json\" id=\"ent-consent-guard\" nonce=\"N1\">", html);
        var tag = html[html.IndexOf("<script src=\"/consent/guard.js", StringComparison.Ordinal)..];
        tag = tag[..(tag.IndexOf('>') + 1)];
        Assert.Equal($"<script src=\"/consent/guard.js?v={WidgetAsset.Guard.Version}\" integrity=\"{ConsentWidgetAssets.GuardIntegrity}\" nonce=\"N1\">", tag);
        Assert.True(html.IndexOf(tag, StringComparison.Ordinal) < html.IndexOf("<link rel=\"stylesheet\"", StringComparison.Ordinal));
        Assert.Equal(JsonSerializer.Serialize(WidgetRenderer.PolicyData(request), WidgetJsonContext.Default.PolicyScriptData), Renderings.PolicyJson(policy.Content));
    }

    [Theory]
    [InlineData("atid")]
    [InlineData("pa_vid")]
    [InlineData("_pk_id.1.abcd")]
    [InlineData("_pk_id.shared")]
    [InlineData("_ga_XYZ")]
    [InlineData("_ga")]
    [InlineData("ps_session42")]
    [InlineData("JSESSIONID")]
    [InlineData(".AspNetCore.Antiforgery.x1")]
    [InlineData("not_declared")]
    public void Guard_governs_each_cookie_name_by_the_service_the_server_classifier_picks(string name)
    {
        var config = WidgetRenderer.GuardPolicy(Renderings.Request(Policy));
        Assert.Equal(Policy.Classifier.Classify(name).Service?.Id, GuardOwner(config.Cookies, name));
    }

    [Fact]
    public void Guard_lists_every_declared_cookie_and_storage_key_of_the_policy()
    {
        var config = WidgetRenderer.GuardPolicy(Renderings.Request(Policy));
        Assert.Equal(Policy.Services.SelectMany(static s => s.Cookies.Select(static c => c.Name)).ToHashSet(), config.Cookies.Keys.ToHashSet());
        Assert.Equal(Policy.Services.SelectMany(static s => s.StorageKeys).ToHashSet(), config.StorageKeys.Keys.ToHashSet());
    }

    [Fact]
    public void Guard_knows_the_allowed_services_now_and_asks_the_deadline_only_when_an_exempt_one_runs()
    {
        var asked = 0;
        var deadline = new DateTimeOffset(2027, 4, 2, 9, 30, 0, TimeSpan.Zero);
        var pending = Renderings.Request(Policy) is var r ? new WidgetRequest
        {
            Policy = r.Policy, State = r.State, Pending = r.Pending, Culture = r.Culture, AntiforgeryToken = r.AntiforgeryToken,
            AntiforgeryFieldName = r.AntiforgeryFieldName, AntiforgeryHeaderName = r.AntiforgeryHeaderName, IsAllowed = r.IsAllowed,
            ReturnUrl = r.ReturnUrl, ConsentUrl = r.ConsentUrl, CookiePageUrl = r.CookiePageUrl,
            ExemptAudienceDeadline = () => { asked++; return deadline; },
        } : null!;
        var config = WidgetRenderer.Guard(pending);
        Assert.Equal(["matomo-exempt"], config.Allowed);
        Assert.Equal(deadline.ToUnixTimeMilliseconds(), config.ExemptDeadline);

        var objected = Renderings.Choice(Policy, ("matomo-exempt", ConsentDecision.Denied));
        var withoutExempt = new WidgetRequest
        {
            Policy = Policy, State = objected, Pending = false, Culture = pending.Culture, AntiforgeryToken = "T",
            AntiforgeryFieldName = "f", AntiforgeryHeaderName = null, IsAllowed = id => Policy.IsAllowed(id, objected),
            ReturnUrl = "/", ConsentUrl = "/consent", CookiePageUrl = "/consent/cookies",
            ExemptAudienceDeadline = () => { asked++; return deadline; },
        };
        Assert.Null(WidgetRenderer.Guard(withoutExempt).ExemptDeadline);
        Assert.Equal(1, asked);
    }

    [Fact]
    public void Guard_data_block_cannot_close_its_script_element_and_the_policy_script_is_one_assignment_of_json()
    {
        var policy = TestPolicies.Portal(o =>
        {
            o.Services[0].StorageKeys.Add("</script><b>");
            o.Services[0].Name = new("Ligne\u2028séparée", "Line\u2028separated");
        });
        var request = Renderings.Request(policy);
        var html = WidgetRenderer.HeadTags(request, null);
        Assert.DoesNotContain("</script><b>", html, StringComparison.Ordinal);
        var block = html[html.IndexOf("id=\"ent-consent-guard\">", StringComparison.Ordinal)..];
        var json = block[(block.IndexOf('>') + 1)..block.IndexOf("</script>", StringComparison.Ordinal)];
        Assert.Equal(JsonValueKind.Object, JsonDocument.Parse(json).RootElement.ValueKind);

        // Read by the browser as a script: nothing in it may end a string or the statement early.
        var script = WidgetTemplates.PolicyScript(request).Asset.Content;
        Assert.All(script, static b => Assert.InRange(b, (byte)0x0A, (byte)0x7E));
        var data = JsonDocument.Parse(Renderings.PolicyJson(WidgetTemplates.PolicyScript(request).Asset.Content)).RootElement;
        Assert.Contains("</script><b>", data.GetProperty("guard").GetProperty("s").EnumerateObject().Select(static p => p.Name));
    }

    // The guard's lookup (guard.js owner()): the exact name, then the longest declared prefix.
    private static string? GuardOwner(IReadOnlyDictionary<string, string> map, string name)
        => map.TryGetValue(name, out var id) ? id
            : map.Where(kv => kv.Key.EndsWith('*') && name.StartsWith(kv.Key[..^1], StringComparison.Ordinal))
                .OrderByDescending(static kv => kv.Key.Length).Select(static kv => kv.Value).FirstOrDefault();
}
