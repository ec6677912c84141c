using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Enforcement;
using Ent.Consent.AspNetCore.Tests.Infrastructure;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace Ent.Consent.AspNetCore.Tests;

public sealed class ConsentCookieTests
{
    [Fact]
    public async Task Accept_all_sets_the_contract_cookie_httponly_with_Lax_and_remaining_validity()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();

        var response = await app.PostChoiceAsync(jar, new { action = "accept-all" });

        var cookie = CookieJar.FindSetCookie(response, "ent_consent");
        Assert.NotNull(cookie);
        Assert.True(cookie.HttpOnly);
        Assert.False(cookie.Secure);
        Assert.Equal(Microsoft.Net.Http.Headers.SameSiteMode.Lax, cookie.SameSite);
        Assert.Equal("/", cookie.Path.Value);
        Assert.Equal(ConsentTestApp.Start.AddMonths(6) - ConsentTestApp.Start, cookie.MaxAge);
        var fields = cookie.Value.Value!.Split('.');
        Assert.Equal(9, fields.Length);
        Assert.Equal("1", fields[0]);
        Assert.Equal(app.Services.GetRequiredService<ConsentPolicy>().Version, fields[1]);
        Assert.Equal(22, fields[2].Length);
        Assert.Equal(ConsentTestApp.Start.ToUnixTimeSeconds().ToString(), fields[3]);
        Assert.Equal(ConsentTestApp.Start.AddMonths(6).ToUnixTimeSeconds().ToString(), fields[4]);
        Assert.Equal("0", fields[5]);
        Assert.Equal("partner:g|stats:g|videos:g", fields[6]);
        Assert.Equal(string.Empty, fields[7]);
    }

    [Fact]
    public async Task Consent_cookie_is_Secure_on_https()
    {
        await using var app = await ConsentTestApp.StartAsync();
        app.Client.BaseAddress = new Uri("https://ent.portal.test/");
        var jar = new CookieJar();

        var response = await app.PostChoiceAsync(jar, new { action = "refuse-all" });

        Assert.True(CookieJar.FindSetCookie(response, "ent_consent")?.Secure);
    }

    [Fact]
    public async Task Max_Age_is_the_remaining_validity_when_the_choice_is_rewritten_later()
    {
        await using var app = await ConsentTestApp.StartAsync(o => o.Policy.ChoiceValidity = CalendarPeriod.FromMonths(13));
        var jar = new CookieJar();

        var response = await app.PostChoiceAsync(jar, new { action = "accept-all" });

        Assert.Equal(ConsentTestApp.Start.AddMonths(13) - ConsentTestApp.Start, CookieJar.FindSetCookie(response, "ent_consent")?.MaxAge);
    }

    [Fact]
    public async Task A_custom_cookie_name_is_used_for_reading_and_writing()
    {
        await using var app = await ConsentTestApp.StartAsync(o => o.Policy.ConsentCookieName = "ent_choix");
        var jar = new CookieJar();

        await app.PostChoiceAsync(jar, new { action = "accept-all" });
        var state = await (await app.GetAsync("/state", jar)).Content.ReadAsStringAsync();

        Assert.NotNull(jar["ent_choix"]);
        Assert.Null(jar["ent_consent"]);
        Assert.StartsWith("pending=False;videos=True", state);
    }

    [Fact]
    public async Task Consent_cookie_for_twenty_services_fits_in_a_few_hundred_bytes()
    {
        await using var app = await ConsentTestApp.StartAsync(o =>
        {
            for (var i = 0; i < 17; i++)
            {
                o.Policy.Services.Add(new ServiceDeclaration
                {
                    Id = $"service-{i:00}",
                    Name = new($"Service {i}"),
                    Provider = "Éditeur",
                    Purpose = "video",
                    Cookies = [new CookieDeclaration { Name = $"svc{i}" }],
                });
            }
        });
        var jar = new CookieJar();

        await app.PostChoiceAsync(jar, new { action = "accept-all" }, r => r.Headers.Add("X-Test-User", "eleve.42"));

        var header = "ent_consent=" + jar["ent_consent"];
        Assert.Equal(20, jar["ent_consent"]!.Split('.')[6].Split('|').Length);
        Assert.InRange(header.Length, 300, 600);
    }

    [Fact]
    public async Task Tampered_cookie_means_no_choice_and_consent_required_cookies_stay_off()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        await app.PostChoiceAsync(jar, new { action = "refuse-all" });
        // The user edits their refusal into a grant; the MAC no longer matches.
        jar["ent_consent"] = jar["ent_consent"]!.Replace("videos:d", "videos:g");

        var state = await (await app.GetAsync("/state", jar)).Content.ReadAsStringAsync();
        var raw = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_pref=x; path=/"), jar);

        Assert.StartsWith("pending=True;videos=False", state);
        Assert.Null(CookieJar.FindSetCookie(raw, "vid_pref"));
        var mac = jar["ent_consent"]!.Split('.')[8];
        Assert.DoesNotContain(app.Logs.Entries, e => e.Message.Contains(mac));
        Assert.Contains(app.Logs.OwnEntries, e => e.Id.Id == 104);
    }

    [Fact]
    public async Task Expired_cookie_means_no_choice()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        await app.PostChoiceAsync(jar, new { action = "accept-all" });
        var kept = jar["ent_consent"]!;

        app.Time.Advance(ConsentTestApp.Start.AddMonths(6) - ConsentTestApp.Start);
        jar["ent_consent"] = kept; // A browser that ignored Max-Age.
        var state = await (await app.GetAsync("/state", jar)).Content.ReadAsStringAsync();

        Assert.StartsWith("pending=True;videos=False", state);
    }

    [Fact]
    public async Task Cookie_of_another_policy_version_means_no_choice()
    {
        var keys = Directory.CreateTempSubdirectory("ent-consent-keys");
        try
        {
            void SharedKeys(IDataProtectionBuilder builder) => builder.PersistKeysToFileSystem(keys).SetApplicationName("portal");
            var jar = new CookieJar();
            await using (var before = await ConsentTestApp.StartAsync(dataProtection: SharedKeys))
            {
                await before.PostChoiceAsync(jar, new { action = "accept-all" });
            }

            await using var after = await ConsentTestApp.StartAsync(o => o.Policy.Texts.BannerTitle["fr"] = "Vos choix, nouvelle version", dataProtection: SharedKeys);
            var state = await (await after.GetAsync("/state", jar)).Content.ReadAsStringAsync();

            Assert.StartsWith("pending=True;videos=False", state);
        }
        finally
        {
            keys.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Objection_to_exempt_audience_outlives_a_policy_change_while_grants_do_not()
    {
        var keys = Directory.CreateTempSubdirectory("ent-consent-keys");
        try
        {
            void SharedKeys(IDataProtectionBuilder builder) => builder.PersistKeysToFileSystem(keys).SetApplicationName("portal");
            var jar = new CookieJar();
            await using (var before = await ConsentTestApp.StartAsync(dataProtection: SharedKeys))
            {
                await before.PostChoiceAsync(jar, new { action = "save", services = new { stats = false, videos = true } });
            }

            await using var after = await ConsentTestApp.StartAsync(o => o.Policy.Texts.BannerTitle["fr"] = "Nouvelle version", dataProtection: SharedKeys);
            var state = await (await after.GetAsync("/state", jar)).Content.ReadAsStringAsync();
            var raw = await after.GetAsync("/raw?h=" + Uri.EscapeDataString("_pk_id.1.x=v") + "&h=" + Uri.EscapeDataString("vid_pref=v"), jar);

            Assert.StartsWith("pending=True;videos=False;stats=False", state);
            Assert.Empty(CookieJar.SetCookies(raw));
        }
        finally
        {
            keys.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Two_nodes_sharing_a_key_ring_accept_each_others_cookies_and_a_foreign_ring_does_not()
    {
        var keys = Directory.CreateTempSubdirectory("ent-consent-keys");
        try
        {
            void SharedKeys(IDataProtectionBuilder builder) => builder.PersistKeysToFileSystem(keys).SetApplicationName("portal");
            await using var node1 = await ConsentTestApp.StartAsync(dataProtection: SharedKeys);
            await using var node2 = await ConsentTestApp.StartAsync(dataProtection: SharedKeys);
            await using var stranger = await ConsentTestApp.StartAsync();
            var jar = new CookieJar();
            await node1.PostChoiceAsync(jar, new { action = "accept-all" });

            var onNode2 = await (await node2.GetAsync("/state", jar)).Content.ReadAsStringAsync();
            var onStranger = await (await stranger.GetAsync("/state", jar)).Content.ReadAsStringAsync();

            Assert.StartsWith("pending=False;videos=True", onNode2);
            Assert.StartsWith("pending=True;videos=False", onStranger);
        }
        finally
        {
            keys.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Cookie_given_by_one_signed_in_user_is_not_trusted_for_another_or_after_sign_out()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        await app.PostChoiceAsync(jar, new { action = "accept-all" }, r => r.Headers.Add("X-Test-User", "alice"));

        var alice = await (await app.GetAsync("/state", jar, r => r.Headers.Add("X-Test-User", "alice"))).Content.ReadAsStringAsync();
        var bob = await (await app.GetAsync("/state", jar, r => r.Headers.Add("X-Test-User", "bob"))).Content.ReadAsStringAsync();
        var signedOut = await (await app.GetAsync("/state", jar)).Content.ReadAsStringAsync();

        Assert.StartsWith("pending=False;videos=True", alice);
        Assert.StartsWith("pending=True;videos=False", bob);
        Assert.StartsWith("pending=True;videos=False", signedOut);
        Assert.DoesNotContain("alice", jar["ent_consent"]);
    }

    [Fact]
    public async Task Choice_made_before_signing_in_still_holds_after_signing_in()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        await app.PostChoiceAsync(jar, new { action = "accept-all" });

        var state = await (await app.GetAsync("/state", jar, r => r.Headers.Add("X-Test-User", "alice"))).Content.ReadAsStringAsync();

        Assert.StartsWith("pending=False;videos=True", state);
    }

    [Fact]
    public async Task GET_state_answers_the_contract_json()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();

        var pending = await (await app.GetAsync("/consent", jar)).Content.ReadFromJsonAsync<JsonElement>();
        await app.PostChoiceAsync(jar, new { action = "save", services = new { videos = true } });
        var response = await app.GetAsync("/consent", jar);
        var chosen = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(pending.GetProperty("pending").GetBoolean());
        Assert.Equal(JsonValueKind.Null, pending.GetProperty("consentId").ValueKind);
        Assert.Equal("notAsked", pending.GetProperty("services").GetProperty("videos").GetProperty("decision").GetString());
        Assert.True(pending.GetProperty("services").GetProperty("stats").GetProperty("allowed").GetBoolean());
        Assert.False(chosen.GetProperty("pending").GetBoolean());
        Assert.Equal("preferenceCentre", chosen.GetProperty("channel").GetString());
        var videos = chosen.GetProperty("services").GetProperty("videos");
        Assert.Equal("consentRequired", videos.GetProperty("category").GetString());
        Assert.Equal("granted", videos.GetProperty("decision").GetString());
        Assert.True(videos.GetProperty("allowed").GetBoolean());
        Assert.Equal("notAsked", chosen.GetProperty("services").GetProperty("partner").GetProperty("decision").GetString());
        Assert.Equal(app.Services.GetRequiredService<ConsentPolicy>().Version, chosen.GetProperty("policyVersion").GetString());
    }

    [Fact]
    public async Task Fuzz_100000_mutated_and_forged_cookies_none_is_accepted_as_consent()
    {
        await using var app = await ConsentTestApp.StartAsync();
        await using var attacker = await ConsentTestApp.StartAsync();
        var policy = app.Services.GetRequiredService<ConsentPolicy>();
        var signer = app.Services.GetRequiredService<ConsentRuntime>().ConsentCookieSigner;
        var foreignSigner = attacker.Services.GetRequiredService<ConsentRuntime>().ConsentCookieSigner;
        var now = app.Time.GetUtcNow();
        string[] genuine =
        [
            ConsentCookie.Write(ConsentState.ForAll(policy, ConsentDecision.Denied, ConsentChannel.FirstLayer, now), null, signer),
            ConsentCookie.Write(ConsentState.ForAll(policy, ConsentDecision.Granted, ConsentChannel.FirstLayer, now), "AAAAAAAAAAAAAAAAAAAAAA", signer),
            ConsentCookie.Write(ConsentState.Create(policy, [KeyValuePair.Create("videos", ConsentDecision.Denied)], ConsentChannel.PreferenceCentre, now), null, signer),
            ConsentCookie.Write(ConsentState.Create(policy, [], ConsentChannel.PrivacySignal, now), null, signer),
        ];
        Assert.All(genuine, g => Assert.True(ConsentCookie.TryRead(g, policy, signer, out _)));

        var random = new Random(20261122);
        const string octets = "!#$%&'()*+-./0123456789:<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[]^_`abcdefghijklmnopqrstuvwxyz{|}~";
        var accepted = new List<string>();
        var tried = 0;
        while (tried < 100_000)
        {
            var source = genuine[random.Next(genuine.Length)];
            var candidate = Mutate(source, random.Next(12));
            if (genuine.Contains(candidate))
            {
                continue;
            }

            tried++;
            if (ConsentCookie.TryRead(candidate, policy, signer, out _))
            {
                accepted.Add(candidate);
            }
        }

        Assert.Empty(accepted);

        string Mutate(string source, int kind)
        {
            var fields = source.Split('.');
            switch (kind)
            {
                case 0: // Change one character.
                {
                    var chars = source.ToCharArray();
                    chars[random.Next(chars.Length)] = octets[random.Next(octets.Length)];
                    return new string(chars);
                }

                case 1: // Delete one character.
                    return source.Remove(random.Next(source.Length), 1);
                case 2: // Insert one character.
                    return source.Insert(random.Next(source.Length + 1), octets[random.Next(octets.Length)].ToString());
                case 3: // Truncate.
                    return source[..random.Next(source.Length)];
                case 4: // Turn refusals into grants, keep the MAC.
                    fields[6] = fields[6].Replace(":d", ":g");
                    fields[6] = fields[6].Length == 0 ? "videos:g" : fields[6];
                    return string.Join('.', fields);
                case 5: // Push the expiry further.
                    fields[4] = (long.Parse(fields[4]) + random.Next(1, 100_000_000)).ToString();
                    return string.Join('.', fields);
                case 6: // Move the MAC of another genuine cookie onto this one.
                    fields[8] = genuine[random.Next(genuine.Length)].Split('.')[8];
                    return string.Join('.', fields);
                case 7: // Flip one bit of the MAC's bytes.
                {
                    var mac = Convert.FromBase64String(fields[8].Replace('-', '+').Replace('_', '/') + new string('=', (4 - (fields[8].Length % 4)) % 4));
                    mac[random.Next(mac.Length)] ^= (byte)(1 << random.Next(8));
                    fields[8] = Base64UrlText.Encode(mac);
                    return string.Join('.', fields);
                }

                case 8: // Forge: a well-formed cookie with random MAC bytes.
                {
                    var bytes = new byte[random.Next(1, 120)];
                    random.NextBytes(bytes);
                    fields[6] = "partner:g|stats:g|videos:g";
                    fields[8] = Base64UrlText.Encode(bytes);
                    return string.Join('.', fields);
                }

                case 9: // Forge: signed with the attacker's own key ring.
                {
                    fields[6] = "partner:g|stats:g|videos:g";
                    fields[2] = ConsentState.NewConsentId();
                    var payload = string.Join('.', fields[..8]);
                    return payload + "." + foreignSigner.Sign(payload);
                }

                case 10: // Swap two fields.
                {
                    var a = random.Next(fields.Length);
                    var b = random.Next(fields.Length);
                    (fields[a], fields[b]) = (fields[b], fields[a]);
                    return string.Join('.', fields);
                }

                default: // Change the subject (another user's hash) or add one.
                    fields[7] = ConsentState.NewConsentId();
                    return string.Join('.', fields);
            }
        }
    }

    [Fact]
    public async Task Mutated_cookies_sent_over_HTTP_never_let_a_consent_required_cookie_through()
    {
        await using var app = await ConsentTestApp.StartAsync();
        var jar = new CookieJar();
        await app.PostChoiceAsync(jar, new { action = "refuse-all" });
        var genuine = jar["ent_consent"]!;
        var random = new Random(42);

        for (var i = 0; i < 500; i++)
        {
            var chars = genuine.ToCharArray();
            chars[random.Next(chars.Length)] = "abcdgABC0123-_|:."[random.Next(17)];
            var mutated = new string(chars).Replace("videos:d", "videos:g");
            if (mutated == genuine)
            {
                continue;
            }

            var probe = new CookieJar { ["ent_consent"] = mutated };
            var response = await app.GetAsync("/raw?h=" + Uri.EscapeDataString("vid_pref=x; path=/"), probe);
            Assert.Null(CookieJar.FindSetCookie(response, "vid_pref"));
        }
    }
}
