using BenchmarkDotNet.Attributes;

namespace Ent.Consent.Benchmarks;

/// <summary>Classifying a cookie name, as the response filter does for every <c>Set-Cookie</c>.</summary>
[MemoryDiagnoser]
public class ClassificationBenchmarks
{
    private TrackerClassifier _classifier = null!;

    [GlobalSetup]
    public void Setup() => _classifier = new BenchmarkPortal().Policy.Classifier;

    [Benchmark(Description = "known exact name (_ga)")]
    public TrackerClassification Known_exact() => _classifier.Classify("_ga".AsSpan(), default);

    [Benchmark(Description = "known prefix (_pk_id.1.a1b2)")]
    public TrackerClassification Known_prefix() => _classifier.Classify("_pk_id.1.a1b2".AsSpan(), default);

    [Benchmark(Description = "unknown name")]
    public TrackerClassification Unknown() => _classifier.Classify("tracker_visitor_id".AsSpan(), default);
}
