using BenchmarkDotNet.Attributes;
using Ent.Consent.AspNetCore.Cookies;
using Ent.Consent.AspNetCore.Enforcement;

namespace Ent.Consent.Benchmarks;

/// <summary>The consent cookie: parse and verify its MAC (first sight), a returning value (cache hit), and issue one.</summary>
[MemoryDiagnoser]
public class ConsentCookieBenchmarks
{
    private BenchmarkPortal _portal = null!;
    private ConsentRuntime _runtime = null!;
    private string _value = null!;

    [GlobalSetup]
    public void Setup()
    {
        _portal = new BenchmarkPortal();
        _runtime = _portal.Runtime;
        _value = _portal.ConsentCookieValue;
        if (!ConsentCookie.TryRead(_value, _portal.Policy, _runtime.ConsentCookieSigner, out var cookie))
        {
            throw new InvalidOperationException("The benchmark's consent cookie does not verify.");
        }

        _runtime.Cache.Add(_value, cookie!);
    }

    [Benchmark(Description = "parse + verify (first sight)")]
    public bool Parse_and_verify() => ConsentCookie.TryRead(_value, _portal.Policy, _runtime.ConsentCookieSigner, out _);

    [Benchmark(Description = "returning value (verified-cookie cache)")]
    public bool Cached() => _runtime.Cache.TryGet(_value, out _);

    [Benchmark(Description = "issue (format + MAC)")]
    public string Issue() => ConsentCookie.Write(_portal.State, null, _runtime.ConsentCookieSigner);
}
