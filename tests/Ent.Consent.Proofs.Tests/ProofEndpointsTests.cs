using System.Net;
using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Ent.Consent.Proofs.Tests;

/// <summary>The proof endpoints over HTTP, on a real SQLite store, behind the host's authorization policy.</summary>
public sealed class ProofEndpointsTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-endpoints-").FullName;
    private WebApplication _app = null!;
    private HttpClient _client = null!;

    private string DatabasePath => Path.Combine(_folder, "proofs.db");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddEntConsent(TestPortal.Configure)
            .AddSqliteProofStore(DatabasePath, o => o.BusyTimeout = TimeSpan.FromSeconds(1));
        builder.Services.AddAuthentication("Test").AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>("Test", null);
        builder.Services.AddAuthorization(o => o.AddPolicy("DpoOnly", p => p.RequireRole("dpo")));
        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapEntConsentProofs("/consent/proofs", "DpoOnly");
        await _app.StartAsync();
        _client = _app.GetTestClient();

        var store = _app.Services.GetRequiredService<IConsentProofStore>();
        await store.AppendAsync(Drafts.Choice("laptop", subjectKey: "alice"));
        await store.AppendAsync(Drafts.Choice("other", subjectKey: "bob"));
        await store.AppendAsync(Drafts.Choice("laptop", subjectKey: "alice", youtube: ConsentDecision.Denied));
        await store.AppendAsync(Drafts.Choice("phone", subjectKey: TestPortal.SubjectKeyOf("jdupont@ac-test.fr")));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Anonymous_caller_is_challenged_and_a_signed_in_non_dpo_is_forbidden()
    {
        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.GetAsync("/consent/proofs/consents/laptop")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send("/consent/proofs/consents/laptop", role: "teacher")).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send("/consent/proofs/verification", role: "teacher")).StatusCode);
    }

    [Fact]
    public async Task Dpo_exports_every_record_of_a_consent_id_as_json_that_is_not_cached()
    {
        var response = await Send("/consent/proofs/consents/laptop", role: "dpo");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        var export = ConsentProofExport.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("laptop", export.ConsentId);
        Assert.Equal([1L, 3], export.Records.Select(r => r.Sequence));
        Assert.All(export.Records, r => Assert.True(ProofChain.HasValidHash(r)));
        Assert.Equal(ConsentDecision.Denied, export.Records[1].Content.Decisions["youtube"]);
    }

    [Fact]
    public async Task Dpo_exports_every_record_of_a_subject()
    {
        var export = ConsentProofExport.Parse(await (await Send("/consent/proofs/subjects/bob", role: "dpo")).Content.ReadAsStringAsync());

        Assert.Equal("bob", export.SubjectKey);
        Assert.Equal(["other"], export.Records.Select(r => r.Content.ConsentId));
    }

    [Fact]
    public async Task Dpo_exports_the_records_of_a_user_id_posted_in_the_body_hashed_as_the_consent_cookie_hashes_it()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/consent/proofs/subjects/by-user") { Content = JsonContent.Create(new { userId = "jdupont@ac-test.fr" }) };
        request.Headers.Add("X-Test-Role", "dpo");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var export = ConsentProofExport.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(TestPortal.SubjectKeyOf("jdupont@ac-test.fr"), export.SubjectKey);
        Assert.Equal(["phone"], export.Records.Select(r => r.Content.ConsentId));
    }

    [Fact]
    public async Task User_lookup_without_a_user_id_is_a_bad_request()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/consent/proofs/subjects/by-user") { Content = JsonContent.Create(new { user = "x" }) };
        request.Headers.Add("X-Test-Role", "dpo");

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Verification_endpoint_reports_the_first_broken_record()
    {
        var valid = await (await Send("/consent/proofs/verification", role: "dpo")).Content.ReadFromJsonAsync(ConsentProofJsonContext.Default.ChainVerification);
        Assert.True(valid!.IsValid);
        Assert.Equal(4, valid.RecordCount);

        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "UPDATE consent_proofs SET locale = 'en' WHERE sequence = 2";
            command.ExecuteNonQuery();
        }

        var broken = await (await Send("/consent/proofs/verification", role: "dpo")).Content.ReadFromJsonAsync(ConsentProofJsonContext.Default.ChainVerification);
        Assert.False(broken!.IsValid);
        Assert.Equal(2, broken.FirstBrokenSequence);
        Assert.NotNull(broken.FirstBrokenRecordId);
    }

    [Fact]
    public async Task Unreadable_store_answers_503_problem_json()
    {
        // The database file is gone and a folder stands in its place: SQLite cannot open it.
        File.Delete(DatabasePath);
        File.Delete(DatabasePath + "-wal");
        File.Delete(DatabasePath + "-shm");
        Directory.CreateDirectory(DatabasePath);

        var response = await Send("/consent/proofs/verification", role: "dpo");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("unavailable", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public void Mapping_without_a_policy_is_refused()
    {
        Assert.Throws<ArgumentException>(() => _app.MapEntConsentProofs("/other", " "));
    }

    private Task<HttpResponseMessage> Send(string path, string role)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("X-Test-Role", role);
        return _client.SendAsync(request);
    }

    internal sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue("X-Test-Role", out var role))
            {
                return Task.FromResult(AuthenticateResult.NoResult());
            }

            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "someone"), new Claim(ClaimTypes.Role, role.ToString())], "Test");
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), "Test")));
        }
    }
}
