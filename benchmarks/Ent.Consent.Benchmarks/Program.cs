using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

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

BenchmarkSwitcher.FromAssembly(typeof(Ent.Consent.Benchmarks.BenchmarkPortal).Assembly).Run(args, config);
