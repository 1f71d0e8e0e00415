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
/// tree): 5 warm-ups and 30 measured iterations of about 25 ms, so the whole audio suite takes minutes, and on a
/// shared machine some iterations run undisturbed (the Min column). Only MemoryDiagnoser
/// (BenchmarkDotNet 0.14's other diagnosers misdetect .NET 10). The default exporters write the CSV the bench script reads.
/// </summary>
internal sealed class AudioBenchmarkConfig : ManualConfig
{
    public AudioBenchmarkConfig()
    {
        AddJob(Job.Default.WithWarmupCount(5).WithIterationCount(30).WithIterationTime(TimeInterval.FromMilliseconds(25))
            .WithToolchain(InProcessEmitToolchain.Instance).WithId("Short"));
        AddDiagnoser(MemoryDiagnoser.Default);
        // Min beside the mean: on a shared machine the fastest iteration is the least disturbed one.
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, RankColumn.Arabic);
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
    }
}
