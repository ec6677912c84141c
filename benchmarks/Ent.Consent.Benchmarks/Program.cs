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
