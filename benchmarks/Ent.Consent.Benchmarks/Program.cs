using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Ent.Consent.Benchmarks;

if (args is ["--repeat", var scenario, var countText])
{
    // For an instruction count under `valgrind --tool=callgrind`, which load does not disturb (see RESULTS.md):
    // the difference between two counts is the cost of the extra requests.
    var count = int.Parse(countText, System.Globalization.CultureInfo.InvariantCulture);
    var benchmarks = new MiddlewareBenchmarks();
    benchmarks.Setup();
    var serve = MiddlewareBenchmarks.Scenario(benchmarks, scenario);
    for (var i = 0; i < count; i++)
    {
        serve().AsTask().GetAwaiter().GetResult();
    }

    return;
}

if (args is ["--gateway-repeat", var gatewayScenario, var gatewayCountText])
{
    // The same for GatewayPageBenchmarks (the gateway's response transform), under callgrind: see RESULTS.md.
    var count = int.Parse(gatewayCountText, System.Globalization.CultureInfo.InvariantCulture);
    var benchmarks = new GatewayPageBenchmarks();
    benchmarks.Setup();
    var serve = GatewayPageBenchmarks.Scenario(benchmarks, gatewayScenario);
    for (var i = 0; i < count; i++)
    {
        serve().AsTask().GetAwaiter().GetResult();
    }

    benchmarks.Cleanup();
    return;
}

if (args is ["--gateway-allocations"])
{
    // Bytes allocated per page by GatewayPageBenchmarks' scenarios (valid under load, unlike times): see RESULTS.md.
    var benchmarks = new GatewayPageBenchmarks();
    benchmarks.Setup();
    foreach (var name in new[] { "html-copy", "html-gateway", "html-gateway-antiforgery", "static-copy", "static-gateway" })
    {
        Console.WriteLine($"{name}: {await GatewayPageBenchmarks.BytesPerServeAsync(GatewayPageBenchmarks.Scenario(benchmarks, name))} B per page");
    }

    await GatewayPageBenchmarks.WidgetPartAllocationsAsync(benchmarks, Console.WriteLine);
    benchmarks.Cleanup();
    return;
}

if (args is ["--joint-consent-allocations"])
{
    // Bytes allocated per request on this thread (valid under load, unlike times): see RESULTS.md.
    var benchmarks = new JointConsentBenchmarks();
    benchmarks.Setup();
    foreach (var (name, serve) in new (string, Func<ValueTask<int>>)[] { ("signed-in adult", benchmarks.Adult), ("signed-in minor", benchmarks.Minor) })
    {
        for (var i = 0; i < 2_000; i++)
        {
            await serve();
        }

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            await serve();
        }

        Console.WriteLine($"{name}: {(GC.GetAllocatedBytesForCurrentThread() - before) / 1_000} B per request");
    }

    benchmarks.Cleanup();
    return;
}

// A short job, in process, so the whole set runs in a few minutes on a shared 2-core machine (see RESULTS.md).
var job = Job.Default
    .WithToolchain(InProcessEmitToolchain.Instance)
    .WithLaunchCount(1)
    .WithWarmupCount(4)
    .WithIterationCount(12)
    .WithIterationTime(Perfolizer.Horology.TimeInterval.FromMilliseconds(250));
var config = DefaultConfig.Instance
    .AddJob(job)
    .AddDiagnoser(MemoryDiagnoser.Default)
    .WithOptions(ConfigOptions.JoinSummary);

BenchmarkSwitcher.FromAssembly(typeof(BenchmarkPortal).Assembly).Run(args, config);
