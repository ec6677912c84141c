using System.Globalization;
using System.Security.Claims;
using BenchmarkDotNet.Attributes;
using Ent.Consent;
using Ent.Consent.AspNetCore;
using Ent.Consent.AspNetCore.Tenants;
using Microsoft.AspNetCore.Http;

namespace Ent.Consent.Benchmarks;

/// <summary>
/// Picking a request's tenant (EntConsent:Tenants) among 1 or 500 schools, by host, by path prefix and by claim: a
/// region's 500 schools must not cost a request more than one school does.
/// </summary>
[MemoryDiagnoser]
public class TenantBenchmarks
{
    private IConsentPolicyResolver _resolver = null!;
    private DefaultHttpContext _byHost = null!;
    private DefaultHttpContext _byPath = null!;
    private DefaultHttpContext _byClaim = null!;

    [Params(1, 500)]
    public int Tenants { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var options = new EntConsentOptions { TenantClaimType = "ent_uai" };
        options.Policy.Controllers = ["Région de test"];
        options.Policy.BuiltInServices = ["ent-session", "aspnetcore", "youtube"];
        for (var i = 0; i < Tenants; i++)
        {
            var uai = string.Create(CultureInfo.InvariantCulture, $"0{i:D6}X");
            options.Tenants[uai] = new ConsentTenantOptions
            {
                Hosts = [string.Create(CultureInfo.InvariantCulture, $"college-{i}.ent.example.fr")],
                PathPrefix = string.Create(CultureInfo.InvariantCulture, $"/etablissements/college-{i}"),
                Claim = uai,
            };
        }

        _resolver = new TenantConsentPolicyResolver(ConsentPolicy.Create(options.Policy), options);
        // The last school configured: no cheaper than any other in a dictionary, the worst case in a list.
        var last = Tenants - 1;
        _byHost = new DefaultHttpContext();
        _byHost.Request.Host = new HostString(string.Create(CultureInfo.InvariantCulture, $"college-{last}.ent.example.fr:443"));
        _byHost.Request.Path = "/cahier-de-textes";
        _byPath = new DefaultHttpContext();
        _byPath.Request.Host = new HostString("www.ent.example.fr");
        _byPath.Request.Path = string.Create(CultureInfo.InvariantCulture, $"/etablissements/college-{last}/cahier-de-textes/2");
        _byClaim = new DefaultHttpContext
        {
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "u1"), new Claim("ent_uai", string.Create(CultureInfo.InvariantCulture, $"0{last:D6}X"))], "Test")),
        };
        _byClaim.Request.Host = new HostString("www.ent.example.fr");
        _byClaim.Request.Path = "/accueil";
        if (_resolver.Resolve(_byHost).Tenant is null || _resolver.Resolve(_byPath).Tenant is null || _resolver.Resolve(_byClaim).Tenant is null)
        {
            throw new InvalidOperationException("A benchmark request matched no tenant.");
        }
    }

    [Benchmark(Description = "tenant by host")]
    public string? Host() => _resolver.Resolve(_byHost).Tenant;

    [Benchmark(Description = "tenant by path prefix")]
    public string? Path() => _resolver.Resolve(_byPath).Tenant;

    [Benchmark(Description = "tenant by claim")]
    public string? Claim() => _resolver.Resolve(_byClaim).Tenant;
}
