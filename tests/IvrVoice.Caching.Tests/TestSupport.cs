using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace IvrVoice.Caching.Tests;

internal static class TestPrompts
{
    public static readonly DateTimeOffset RenderedAt = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>A key derived from a readable name, so tests can make as many distinct keys as they need.</summary>
    public static PromptKey Key(string name) => PromptKey.FromSha256(SHA256.HashData(Encoding.UTF8.GetBytes(name)));

    public static CachedPrompt Create(PromptKey key, int audioLength = 1000, int seed = 1, bool pinned = false, string provider = "emulator")
    {
        byte[] audio = new byte[audioLength];
        new Random(seed).NextBytes(audio);
        return CachedPrompt.Create(
            new PromptMetadata
            {
                Key = key,
                Text = "Press one for sales.",
                Voice = "Kore",
                Model = "gemini-3.1-flash-tts",
                Language = "en-US",
                Style = "warm",
                Provider = provider,
                DurationSeconds = audioLength / 8000.0,
                Sha256 = "",
                RenderedAt = RenderedAt,
                Pinned = pinned,
            },
            audio);
    }

    /// <summary>SHA-256 hex computed here, independently of the production helper.</summary>
    public static string Sha256Hex(ReadOnlySpan<byte> data) =>
        string.Concat(SHA256.HashData(data).Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture)));

    public static DiskPromptStore CreateDiskStore(string path, long sizeLimitBytes = 1L << 30, TimeProvider? timeProvider = null, PromptCacheMetrics? metrics = null) =>
        new(new DiskStoreOptions { Path = path, SizeLimitBytes = sizeLimitBytes },
            timeProvider ?? TimeProvider.System, NullLogger<DiskPromptStore>.Instance, metrics ?? new PromptCacheMetrics());

    public static PromptCache CreateCache(IPromptStore store, long memoryLimitBytes = 1L << 24, TimeSpan? renderTimeout = null, PromptCacheMetrics? metrics = null) =>
        new(store,
            Options.Create(new CacheOptions
            {
                Memory = { SizeLimitBytes = memoryLimitBytes },
                RenderTimeout = renderTimeout ?? TimeSpan.FromMinutes(2),
            }),
            TimeProvider.System, NullLogger<PromptCache>.Instance, metrics ?? new PromptCacheMetrics());
}

internal static class PromptCacheTestExtensions
{
    /// <summary>Waits until <paramref name="count"/> callers are waiting on the render of <paramref name="key"/>.</summary>
    public static async Task WaitForWaitersAsync(this PromptCache cache, PromptKey key, int count)
    {
        using CancellationTokenSource giveUp = new(TimeSpan.FromSeconds(60));
        while (cache.CountWaiters(key) < count)
        {
            await Task.Delay(5, giveUp.Token);
        }
    }
}

/// <summary>A clock that moves only when told to, so access order does not depend on timer resolution.</summary>
internal sealed class ManualTimeProvider(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>Collects what the cache's instruments record, from one <see cref="PromptCacheMetrics"/> instance only.</summary>
internal sealed class MetricsCollector : IMeterFactory
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<(string Instrument, long Value, string? Tier, string? Outcome)> _measurements = new();
    private readonly ConcurrentDictionary<string, long> _gauge = new();

    public MetricsCollector()
    {
        Metrics = new PromptCacheMetrics(this);
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, this))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            string? tier = null;
            string? outcome = null;
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                if (tag.Key == "tier")
                {
                    tier = tag.Value as string;
                }
                else if (tag.Key == "outcome")
                {
                    outcome = tag.Value as string;
                }
            }

            if (instrument is ObservableGauge<long>)
            {
                _gauge[tier ?? ""] = value;
            }
            else
            {
                _measurements.Enqueue((instrument.Name, value, tier, outcome));
            }
        });
        _listener.Start();
    }

    public PromptCacheMetrics Metrics { get; }

    public long Sum(string instrument, string? tier = null, string? outcome = null) =>
        _measurements.Where(m => m.Instrument == instrument && (tier is null || m.Tier == tier) && (outcome is null || m.Outcome == outcome))
            .Sum(m => m.Value);

    /// <summary>The latest value the stored-bytes gauge reports for <paramref name="tier"/>.</summary>
    public long StoredBytes(string tier)
    {
        _gauge.Clear();
        _listener.RecordObservableInstruments();
        return _gauge[tier];
    }

    public Meter Create(MeterOptions options)
    {
        options.Scope = this;
        return new Meter(options);
    }

    public void Dispose() => _listener.Dispose();
}
