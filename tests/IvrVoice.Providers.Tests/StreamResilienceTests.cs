using System.Diagnostics.Metrics;
using IvrVoice.ProviderEmulator;
using IvrVoice.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IvrVoice.Providers.Tests;

/// <summary>
/// A stream opens through its route's own resilience pipeline: the breaker whole renders see, their retry policy (the
/// deadline respected, no slot held while waiting) and their attempt metrics. Time is a FakeTimeProvider: waits end only
/// when a test advances it, so a wait that should not happen shows as a call that never returns.
/// </summary>
public sealed class StreamResilienceTests : IClassFixture<EmulatorFixture>
{
    // Only bounds a call that would otherwise never return on the old behaviour; nothing is asserted about how long it took.
    private static readonly TimeSpan s_hang = TimeSpan.FromSeconds(60);

    private readonly TtsEmulator _emulator;

    public StreamResilienceTests(EmulatorFixture fixture)
    {
        _emulator = fixture.Emulator;
        _emulator.ClearFaults();
        _emulator.ClearRecords();
        _emulator.StreamPace = 0;
        _emulator.StreamChunk = TimeSpan.FromMilliseconds(100);
    }

    private static ITtsStreamRouter StreamRouter(RouterHarness harness) => harness.Services.GetRequiredService<ITtsStreamRouter>();

    private int StreamRequests() => _emulator.RequestsTo("gemini").Count(r => r.Path.Contains(":streamGenerateContent", StringComparison.Ordinal));

    [Fact]
    public async Task OpenAsync_RepeatedStreamFailures_OpenTheBreakerWholeRendersUse()
    {
        Dictionary<string, string?> settings = _emulator.Settings("gemini");
        settings["Providers:Gemini:MaxRetryAttempts"] = "0";
        settings["Providers:Gemini:BreakerMinimumThroughput"] = "2";
        settings["Providers:Gemini:BreakerFailureRatio"] = "0.5";
        _emulator.Inject("gemini", EmulatorFault.Http(500, times: 2));
        using RouterHarness harness = new(settings, new FakeTimeProvider());
        ITtsStreamRouter router = StreamRouter(harness);

        Assert.Null((await router.OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None)).Stream);
        Assert.Null((await router.OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None)).Stream);

        Assert.Equal(BreakerState.Open, harness.Router.GetHealth().Single(h => h.Name == "gemini").State);
        RoutedTts whole = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.InCall, null, CancellationToken.None);
        Assert.Null(whole.Audio);
        Assert.Equal(TtsFailureKind.Unavailable, Assert.Single(whole.Failures).Kind);
        Assert.Equal(2, _emulator.RequestsTo("gemini").Count);   // the breaker the streams opened spared the route the render
    }

    [Fact]
    public async Task OpenAsync_RetryAfterLongerThanTheRouteShare_FailsOverWithoutWaiting()
    {
        // Gemini asks for 2 s; its share of a 2 s in-call deadline (two routes) is 1 s: waiting cannot help, fail over now.
        _emulator.Inject("gemini", EmulatorFault.Http(503, retryAfter: TimeSpan.FromSeconds(2), times: 1));
        Dictionary<string, string?> settings = _emulator.Settings("gemini", "openrouter");
        settings["Providers:InCallDeadline"] = "00:00:02";
        using RouterHarness harness = new(settings, new FakeTimeProvider());

        TtsStreamResult result = await StreamRouter(harness).OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None).WaitAsync(s_hang);

        Assert.Equal("openrouter", result.Stream?.Provider);
        TtsFailure refused = Assert.Single(result.Failures);
        Assert.Equal("gemini", refused.Provider);
        Assert.Equal(TimeSpan.FromSeconds(2), refused.RetryAfter);
        Assert.Equal(1, StreamRequests());
        await result.Stream!.DisposeAsync();
    }

    [Fact]
    public async Task OpenAsync_WaitingToRetry_LeavesTheRouteSlotToOthers()
    {
        FakeTimeProvider time = new();
        _emulator.Inject("gemini", EmulatorFault.Http(503, retryAfter: TimeSpan.FromSeconds(1), times: 1));
        Dictionary<string, string?> settings = _emulator.Settings("gemini");
        settings["Providers:Gemini:MaxConcurrency"] = "1";
        using RouterHarness harness = new(settings, time);

        Task<TtsStreamResult> streaming = StreamRouter(harness).OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None);
        while (StreamRequests() == 0 && !streaming.IsCompleted)
        {
            await Task.Delay(10);
        }

        // The stream's first attempt was refused and it waits a second (on the fake clock) to retry. Its slot is free: a
        // whole render of another prompt on the same route goes through meanwhile.
        RoutedTts whole = await harness.Router.SynthesizeAsync(RouterHarness.Request("Please hold."), RenderUrgency.InCall, null, CancellationToken.None).WaitAsync(s_hang);
        Assert.NotNull(whole.Audio);
        Assert.False(streaming.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        TtsStreamResult result = await streaming.WaitAsync(s_hang);
        Assert.Equal("gemini", result.Stream?.Provider);
        Assert.Equal(2, StreamRequests());
        await result.Stream!.DisposeAsync();
    }

    [Fact]
    public async Task OpenAsync_EachAttempt_IsCountedInTheRouteMetrics()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(500, times: 1));
        using RouterHarness harness = new(_emulator.Settings("gemini"));
        _ = StreamRouter(harness);   // builds the router, and with it the route's meter, before listening
        IMeterFactory meters = harness.Services.GetRequiredService<IMeterFactory>();
        List<string> outcomes = [];
        using MeterListener listener = new();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "ivrvoice.tts.calls" && ReferenceEquals(instrument.Meter.Scope, meters))
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            Dictionary<string, object?> named = tags.ToArray().ToDictionary(t => t.Key, t => t.Value);
            if (Equals(named["provider"], "gemini"))
            {
                lock (outcomes)
                {
                    outcomes.Add((string)named["outcome"]!);
                }
            }
        });
        listener.Start();

        TtsStreamResult result = await StreamRouter(harness).OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None);

        Assert.Equal("gemini", result.Stream?.Provider);
        await result.Stream!.DisposeAsync();
        lock (outcomes)
        {
            Assert.Equal(["TransientUpstream", "success"], outcomes);
        }
    }
}
