using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace IvrVoice.Benchmarks;

/// <summary>
/// For work of microseconds: in process, 10 warm-ups and 100 measured iterations of about 2 ms each (each iteration runs
/// the work hundreds of times); Min, quartiles, Median and Max beside the mean, since on a shared machine the fastest
/// iterations are the least disturbed; rows grouped by <paramref name="grouping"/>, so the Ratio column compares within it.
/// </summary>
internal abstract class MicrosecondConfig : ManualConfig
{
    protected MicrosecondConfig(string id, BenchmarkLogicalGroupRule grouping)
    {
        AddJob(Job.Default.WithWarmupCount(10).WithIterationCount(100).WithIterationTime(TimeInterval.FromMilliseconds(2))
            .WithToolchain(InProcessEmitToolchain.Instance).WithId(id));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Min, StatisticColumn.Q1, StatisticColumn.Median, StatisticColumn.Q3, StatisticColumn.Max);
        AddLogicalGroupRules(grouping);
        WithSummaryStyle(SummaryStyle.Default.WithRatioStyle(RatioStyle.Trend));
    }
}
