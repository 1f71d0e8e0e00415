extern alias emulator;

using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;
using IvrVoice.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TtsEmulator = emulator::IvrVoice.ProviderEmulator.TtsEmulator;

namespace IvrVoice.Benchmarks.Announcements;

/// <summary>
/// One invocation per iteration, so the statistics are per request: the distribution of the time a call waits for its
/// announcement, median and p99 among them. 20 warm-ups, 300 measured requests, none removed as an outlier (a slow
/// request is what p99 is about).
/// </summary>
internal sealed class PerRequestConfig : ManualConfig
{
    public PerRequestConfig()
    {
        AddJob(Job.Default.WithWarmupCount(20).WithIterationCount(300).WithInvocationCount(1).WithUnrollFactor(1)
            .WithOutlierMode(Perfolizer.Mathematics.OutlierDetection.OutlierMode.DontRemove).WithToolchain(InProcessEmitToolchain.Instance).WithId("PerRequest"));
        AddDiagnoser(MemoryDiagnoser.Default);
        AddColumn(StatisticColumn.Min, StatisticColumn.Median, StatisticColumn.P95, new P99Column(), StatisticColumn.Max);
    }
}

/// <summary>The 99th percentile of the per-request times, in milliseconds.</summary>
internal sealed class P99Column : IColumn
{
    public string Id => "P99";

    public string ColumnName => "P99 [ms]";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Statistics;

    public int PriorityInCategory => 10;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "99th percentile of the per-request times, in milliseconds";

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) =>
        summary[benchmarkCase]?.ResultStatistics is { } statistics
            ? (statistics.Percentiles.Percentile(99) / 1e6).ToString("F3", System.Globalization.CultureInfo.InvariantCulture)
            : "NA";
}

/// <summary>
/// Request to Play-ready audio for an announcement whose values were never spoken before: "Your appointment is on
/// {day:date} at {start:time}." in en-US. Joined from pieces already in the cache (as after <c>ivrvoice build</c>, the
/// pieces rendered by the offline engine, espeak-ng, so they have real word lengths), against the whole sentence
/// rendered by the same engine, and rendered through the provider emulator (Gemini's protocol on loopback: our own
/// overhead plus the emulator's answer, which sends the same 2.5-second clip for any text; a real provider adds
/// seconds). Play-ready means what the audio URL serves is in the cache: the words composed, every piece looked up,
/// decoded, joined, encoded to μ-law and put in memory (the durable write follows in the background); for a render,
/// rendered, transcoded and stored.
/// </summary>
[Config(typeof(PerRequestConfig))]
public class AnnouncementBenchmarks
{
    private static readonly DateOnly Today = new(2026, 12, 3);
    private TtsEmulator _emulator = null!;
    private TempDirectory _cacheFolder = null!;
    private ServiceProvider _services = null!;
    private AnnouncementRenderer _sut = null!;
    private PromptTemplate _template = null!;
    private PromptSpec _baseSpec = null!;
    private PromptSpec _geminiSpec = null!;
    private int _next;

    [GlobalSetup]
    public void Setup() => SetupAsync().GetAwaiter().GetResult();

    private async Task SetupAsync()
    {
        _emulator = await TtsEmulator.StartAsync();
        _cacheFolder = new TempDirectory("announcement-bench");
        Dictionary<string, string?> settings = new(_emulator.Settings("gemini"), StringComparer.OrdinalIgnoreCase) { ["Cache:Disk:Path"] = _cacheFolder.Path };
        settings["Providers:Order"] = "gemini,espeak";   // the emulator for Gemini's model, the offline engine for its own
        ServiceCollection services = new();
        services.AddLogging();
        services.AddPromptRendering(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        _services = services.BuildServiceProvider();
        PromptRenderer renderer = _services.GetRequiredService<PromptRenderer>();
        _sut = _services.GetRequiredService<AnnouncementRenderer>();
        _template = PromptTemplate.Parse("Your appointment is on {day:date} at {start:time}.").Template!;
        _baseSpec = renderer.CreateSpec(new PromptRequest { Text = "-", Voice = "Kore", Language = "en-US", Model = "espeak-ng" });
        _geminiSpec = renderer.CreateSpec(new PromptRequest { Text = "-", Voice = "Kore", Language = "en-US" });

        // The library build: every fixed part and the date and time vocabulary, rendered once.
        IReadOnlyList<PromptSpec> pieces = TemplateAudioPlan.PrerenderSpecs(_template, _baseSpec);
        await Parallel.ForEachAsync(pieces, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            async (spec, token) => await renderer.GetOrRenderAsync(spec, RenderUrgency.Batch, CacheMode.ReadWrite, token));
        Console.WriteLine($"// built {pieces.Count} pieces");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _services.Dispose();
        _emulator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _cacheFolder.Dispose();
    }

    [Benchmark(Baseline = true, Description = "join, new values, pieces cached")]
    public Task<AnnouncementResult> Join() => _sut.SpeakAsync(Request(AnnouncementStrategy.Join, _baseSpec), CancellationToken.None);

    [Benchmark(Description = "whole render, espeak-ng, new values")]
    public Task<AnnouncementResult> RenderOffline() => _sut.SpeakAsync(Request(AnnouncementStrategy.Render, _baseSpec), CancellationToken.None);

    [Benchmark(Description = "whole render via emulator, new values")]
    public Task<AnnouncementResult> RenderEmulator() => _sut.SpeakAsync(Request(AnnouncementStrategy.Render, _geminiSpec), CancellationToken.None);

    // A date and a time never asked before in this run: each request is a new sentence.
    private AnnouncementRequest Request(AnnouncementStrategy strategy, PromptSpec baseSpec)
    {
        int n = Interlocked.Increment(ref _next);
        DateOnly day = Today.AddDays(1 + (n % 700));
        string time = $"{(7 + (n / 700)) % 24:00}:{(n * 7) % 60:00}";
        return new AnnouncementRequest
        {
            Template = _template,
            Values = new Dictionary<string, string>(StringComparer.Ordinal) { ["day"] = day.ToString("yyyy-MM-dd"), ["start"] = time },
            BaseSpec = baseSpec,
            Strategy = strategy,
            Today = Today,
        };
    }
}
