using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using Perfolizer.Horology;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace IvrVoice.Benchmarks.Audio;

/// <summary>
/// Short runs on the host runtime, in process (no generated project is built, so nothing is written into the source
/// tree): 5 warm-ups and 60 measured iterations of about 3 ms, so the whole audio suite takes minutes, and on a
/// shared machine (the 2-core CI machine often runs at a load average of 30 and more) some iterations fit in one
/// scheduler slice and run undisturbed (the Min column); 25 ms iterations were all disturbed at that load. Only MemoryDiagnoser
/// (BenchmarkDotNet 0.14's other diagnosers misdetect .NET 10). The default exporters write the CSV the bench script reads.
/// </summary>
internal sealed class AudioBenchmarkConfig : ManualConfig
{
    public AudioBenchmarkConfig()
    {
        AddJob(Job.Default.WithWarmupCount(5).WithIterationCount(60).WithIterationTime(TimeInterval.FromMilliseconds(3))
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        // Min beside the mean: on a shared machine the fastest iteration is the least disturbed one.
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, RankColumn.Arabic);
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
    }
}
