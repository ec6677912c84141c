using System.Net;
using Ent.Consent.AspNetCore;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Ent.Consent.Proofs.Tests;

/// <summary>
/// A proof endpoint whose authorization cannot work (policy not registered, nobody to challenge) used to answer 500
/// to the DPO; the host now refuses to start and names the fix. Also where the prefix-less overload maps.
/// </summary>
public sealed class ProofEndpointsMappingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("ent-consent-proof-mapping-").FullName;

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task An_unregistered_authorization_policy_stops_start_up_naming_AddPolicy()
    {
        await using var app = Build(authorization: null);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("authorization policy 'DataProtectionOfficer', which is not registered", error.Message);
        Assert.Contains("AddAuthorization(o => o.AddPolicy(\"DataProtectionOfficer\"", error.Message);
    }

    [Fact]
    public async Task A_policy_without_an_authentication_scheme_to_challenge_stops_start_up_naming_AddAuthentication()
    {
        await using var app = Build(authorization: static s => s.AddAuthorization(o => o.AddPolicy("DataProtectionOfficer", p => p.RequireRole("dpo"))));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.Contains("AddAuthentication", error.Message);
    }

    [Fact]
    public async Task Without_a_prefix_the_proofs_are_mapped_under_the_path_prefix_and_an_anonymous_caller_gets_401()
    {
        await using var app = Build(static s =>
        {
            s.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie();
            s.AddAuthorization(o => o.AddPolicy("DataProtectionOfficer", p => p.RequireRole("dpo")));
        });
        await app.StartAsync();

        var routes = app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Select(static e => e.RoutePattern.RawText);
        Assert.Contains("/choix/proofs/verification", routes);
        var request = new HttpRequestMessage(HttpMethod.Get, "/choix/proofs/verification");
        request.Headers.Add("X-Requested-With", "XMLHttpRequest");
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.GetTestClient().SendAsync(request)).StatusCode);
    }

    private WebApplication Build(Action<IServiceCollection>? authorization)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Services.AddDataProtection().UseEphemeralDataProtectionProvider();
        builder.Services.AddEntConsent(static o =>
        {
            TestPortal.Configure(o);
            o.PathPrefix = "/choix";
        }).AddSqliteProofStore(Path.Combine(_folder, "proofs.db"));
        authorization?.Invoke(builder.Services);
        var app = builder.Build();
        app.UseEntConsent();
        app.MapEntConsent();
        app.MapEntConsentProofs("DataProtectionOfficer");
        return app;
    }
}
