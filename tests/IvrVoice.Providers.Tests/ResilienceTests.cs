using System.Diagnostics.Metrics;
using IvrVoice.ProviderEmulator;
using IvrVoice.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace IvrVoice.Providers.Tests;

/// <summary>Retries, breaker, failover, deadlines and cancellation, through the real router against the emulator.</summary>
public sealed class ResilienceTests : IClassFixture<EmulatorFixture>
{
    private readonly TtsEmulator _emulator;

    public ResilienceTests(EmulatorFixture fixture)
    {
        _emulator = fixture.Emulator;
        _emulator.ClearFaults();
        _emulator.ClearRecords();
        _emulator.QueuedFor = TimeSpan.FromMilliseconds(20);
        _emulator.ProcessingFor = TimeSpan.FromMilliseconds(40);
        _emulator.Clock = TimeProvider.System;
    }

    [Fact]
    public async Task SynthesizeAsync_TransientFailureThenSuccess_RetriesOnTheSameRoute()
    {
        _emulator.Inject("aigateway", EmulatorFault.Http(503, times: 2));
        using RouterHarness harness = new(_emulator.Settings("aigateway"));

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.Equal("aigateway", result.ServedBy);
        Assert.Equal(2, result.Failures.Count);
        Assert.All(result.Failures, f => Assert.Equal(TtsFailureKind.TransientUpstream, f.Kind));
        Assert.Equal(3, _emulator.Submissions("aigateway"));
    }

    [Theory]
    [InlineData("aigateway")]   // Retry-After header
    [InlineData("gemini")]      // google.rpc.RetryInfo in the body
    public async Task SynthesizeAsync_RateLimitedWithRetryAfter_WaitsExactlyWhatTheRouteAsked(string route)
    {
        _emulator.Inject(route, EmulatorFault.Http(429, TimeSpan.FromSeconds(1)));
        RecordingTimeProvider time = new();
        using RouterHarness harness = new(_emulator.Settings(route), time);

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.Equal(route, result.ServedBy);
        Assert.Equal(TtsFailureKind.RateLimited, Assert.Single(result.Failures).Kind);
        Assert.Contains(TimeSpan.FromSeconds(1), time.DueTimes);
        Assert.Equal(2, _emulator.Submissions(route));
    }

    [Fact]
    public async Task SynthesizeAsync_SegmindRateLimited_WaitsUntilTheResetInstant()
    {
        _emulator.Inject("segmind", EmulatorFault.Http(429, TimeSpan.FromSeconds(1)));
        RecordingTimeProvider time = new() { FrozenNow = new DateTimeOffset(2026, 12, 3, 8, 0, 0, TimeSpan.Zero) };
        _emulator.Clock = time;   // the emulator names the reset instant on the same clock the client reads
        using RouterHarness harness = new(_emulator.Settings("segmind"), time);

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.Equal("segmind", result.ServedBy);
        // x-rate-limit-reset-at-utc names an instant one second after now; the wait is that instant minus now.
        Assert.Contains(TimeSpan.FromSeconds(1), time.DueTimes);
    }

    [Fact]
    public async Task SynthesizeAsync_RetryAfterLongerThanMaxRetryDelay_FailsOverAtOnce()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(429, TimeSpan.FromSeconds(60)));
        using RouterHarness harness = new(_emulator.Settings("gemini", "openrouter"));

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.Equal("openrouter", result.ServedBy);
        Assert.Equal(1, _emulator.Submissions("gemini"));
        TtsFailure failure = Assert.Single(result.Failures);
        Assert.Equal(TimeSpan.FromSeconds(60), failure.RetryAfter);
    }

    [Fact]
    public async Task SynthesizeAsync_NonTransientFailure_IsNotRetried()
    {
        _emulator.Inject("openrouter", EmulatorFault.Http(402));
        using RouterHarness harness = new(_emulator.Settings("openrouter"));

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(TtsFailureKind.InsufficientCredit, Assert.Single(result.Failures).Kind);
        Assert.Equal(1, _emulator.Submissions("openrouter"));
    }

    [Fact]
    public async Task SynthesizeAsync_FirstRouteDown_FailsOverToTheNextAndRecordsWhoServed()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(500, times: null));
        using RouterHarness harness = new(_emulator.Settings("gemini", "aigateway", "openrouter"));
        using MeterCapture meters = new(harness.Services.GetRequiredService<IMeterFactory>());

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.Equal("aigateway", result.ServedBy);
        Assert.Equal(3, result.Failures.Count);   // the first attempt and two retries on gemini
        Assert.All(result.Failures, f => Assert.Equal("gemini", f.Provider));
        Assert.Empty(_emulator.RequestsTo("openrouter"));
        Assert.Equal(1, meters.Sum("ivrvoice.tts.failovers", ("from", "gemini"), ("to", "aigateway")));
        Assert.Equal(3, meters.Sum("ivrvoice.tts.calls", ("provider", "gemini"), ("outcome", "TransientUpstream")));
        Assert.Equal(1, meters.Sum("ivrvoice.tts.calls", ("provider", "aigateway"), ("outcome", "success")));
    }

    [Fact]
    public async Task SynthesizeAsync_EveryRouteFails_ReturnsEveryFailureInOrder()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(401, times: null));
        _emulator.Inject("pixazo", EmulatorFault.Http(402, times: null));
        using RouterHarness harness = new(_emulator.Settings("gemini", "pixazo"));

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Null(result.ServedBy);
        Assert.Equal(
            [("gemini", TtsFailureKind.Authentication), ("pixazo", TtsFailureKind.InsufficientCredit)],
            result.Failures.Select(f => (f.Provider, f.Kind)));
    }

    [SkippableFact]
    public async Task SynthesizeAsync_GeminiModelWithEveryGeminiRouteDown_NeverFallsBackToEspeak()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);   // the espeak route must be configured (start-up checks its binary) to prove it is not used
        _emulator.Inject("gemini", EmulatorFault.Http(500, times: null));
        Dictionary<string, string?> settings = _emulator.Settings("gemini", "espeak");
        using RouterHarness harness = new(settings);

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        // Audio from espeak filed under a Gemini model id would poison the cache.
        Assert.False(result.Succeeded);
        Assert.DoesNotContain(result.Failures, f => f.Provider == "espeak");
    }

    [Fact]
    public async Task SynthesizeAsync_ModelNoConfiguredRouteServes_IsUnavailableWithoutAnyCall()
    {
        using RouterHarness harness = new(_emulator.Settings("gemini"));

        RoutedTts result = await harness.Router.SynthesizeAsync(
            RouterHarness.Request(model: ModelCatalog.EspeakNg), RenderUrgency.Batch, null, CancellationToken.None);

        TtsFailure failure = Assert.Single(result.Failures);
        Assert.Equal(TtsFailureKind.Unavailable, failure.Kind);
        Assert.Contains("espeak-ng", failure.Message, StringComparison.Ordinal);
        Assert.Empty(_emulator.Requests);
    }

    [Fact]
    public async Task SynthesizeAsync_OnlyProviderNotConfigured_SaysWhichSettingIsMissing()
    {
        using RouterHarness harness = new(_emulator.Settings("gemini"));

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, "segmind", CancellationToken.None);

        TtsFailure failure = Assert.Single(result.Failures);
        Assert.Equal(TtsFailureKind.Unavailable, failure.Kind);
        Assert.Contains("Providers:Segmind:ApiKey", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_RepeatedFailures_OpenTheBreakerWhichClosesAfterItsBreak()
    {
        Dictionary<string, string?> settings = _emulator.Settings("aigateway");
        settings["Providers:AIgateway:MaxRetryAttempts"] = "0";
        settings["Providers:AIgateway:BreakerMinimumThroughput"] = "2";
        settings["Providers:AIgateway:BreakerFailureRatio"] = "0.5";
        settings["Providers:AIgateway:BreakerBreakDuration"] = "00:00:01.500";
        _emulator.Inject("aigateway", EmulatorFault.Http(500, times: 2));
        FakeTimeProvider time = new();
        using RouterHarness harness = new(settings, time);
        TtsRequest request = RouterHarness.Request();

        await harness.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);
        await harness.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);
        Assert.Equal(BreakerState.Open, State(harness));

        RoutedTts rejected = await harness.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);
        Assert.Equal(TtsFailureKind.Unavailable, Assert.Single(rejected.Failures).Kind);
        Assert.Equal(2, _emulator.Submissions("aigateway"));   // the open breaker spared the route a call

        // A millisecond before the break ends the breaker still refuses; at its end it lets a probe through.
        time.Advance(TimeSpan.FromMilliseconds(1_499));
        RoutedTts early = await harness.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);
        Assert.Equal(TtsFailureKind.Unavailable, Assert.Single(early.Failures).Kind);
        Assert.Equal(2, _emulator.Submissions("aigateway"));
        time.Advance(TimeSpan.FromMilliseconds(1));

        RoutedTts probe = await harness.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);
        Assert.True(probe.Succeeded, string.Join("; ", probe.Failures));
        Assert.Equal(BreakerState.Closed, State(harness));
    }

    [Fact]
    public async Task SynthesizeAsync_BreakerOpenOnFirstRoute_NextRouteServes()
    {
        Dictionary<string, string?> settings = _emulator.Settings("aigateway", "openrouter");
        settings["Providers:AIgateway:MaxRetryAttempts"] = "0";
        settings["Providers:AIgateway:BreakerMinimumThroughput"] = "2";
        settings["Providers:AIgateway:BreakerBreakDuration"] = "00:00:30";
        _emulator.Inject("aigateway", EmulatorFault.Http(503, times: null));
        using RouterHarness harness = new(settings);

        for (int i = 0; i < 3; i++)
        {
            RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);
            Assert.Equal("openrouter", result.ServedBy);
        }

        Assert.Equal(2, _emulator.Submissions("aigateway"));
        Assert.Equal(TtsFailureKind.Unavailable, (await harness.Router.SynthesizeAsync(
            RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None)).Failures.Single().Kind);
    }

    [Fact]
    public async Task SynthesizeAsync_CallerCancels_ThrowsOperationCanceled()
    {
        _emulator.Inject("aigateway", new EmulatorFault(FaultKind.Hang));
        using RouterHarness harness = new(_emulator.Settings("aigateway", "openrouter"));
        using CancellationTokenSource cancel = new(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, cancel.Token));
        Assert.Empty(_emulator.RequestsTo("openrouter"));
    }

    [Fact]
    public async Task SynthesizeAsync_InCallDeadlineOnHungRoute_ReturnsTimeoutInsteadOfWaiting()
    {
        _emulator.Inject("aigateway", new EmulatorFault(FaultKind.Hang) { Times = null });
        Dictionary<string, string?> settings = _emulator.Settings("aigateway");
        settings["Providers:InCallDeadline"] = "00:00:00.500";
        using RouterHarness harness = new(settings);

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.InCall, null, CancellationToken.None);

        Assert.False(result.Succeeded);
        Assert.Equal(TtsFailureKind.Timeout, result.Failures[^1].Kind);
    }

    [Fact]
    public async Task SynthesizeAsync_InCallFirstRouteHangs_NextRouteStillServesWithinTheDeadline()
    {
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.Hang) { Times = null });
        Dictionary<string, string?> settings = _emulator.Settings("gemini", "openrouter");
        settings["Providers:InCallDeadline"] = "00:00:02";
        using RouterHarness harness = new(settings);

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.InCall, null, CancellationToken.None);

        // The hung route gets only half the deadline, so the caller still hears the next route's audio.
        Assert.Equal("openrouter", result.ServedBy);
        Assert.Contains(result.Failures, f => f.Provider == "gemini" && f.Kind == TtsFailureKind.Timeout);
    }

    [Fact]
    public async Task SynthesizeAsync_AttemptTimeout_TimesOutAndRetries()
    {
        // The stalled attempt outlasts the timeout by far, and the timeout leaves the retry ample room on a loaded
        // machine: the assertion is about which failure was recorded, not about how long anything took.
        _emulator.Inject("openrouter", new EmulatorFault(FaultKind.Slow) { Delay = TimeSpan.FromSeconds(60) });
        Dictionary<string, string?> settings = _emulator.Settings("openrouter");
        settings["Providers:OpenRouter:AttemptTimeout"] = "00:00:05";
        using RouterHarness harness = new(settings);

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.Equal("openrouter", result.ServedBy);
        Assert.Equal(TtsFailureKind.Timeout, Assert.Single(result.Failures).Kind);
    }

    [Fact]
    public async Task SynthesizeAsync_ManyAtOnce_RespectsMaxConcurrency()
    {
        Dictionary<string, string?> settings = _emulator.Settings("aigateway");
        settings["Providers:AIgateway:MaxConcurrency"] = "2";
        for (int i = 0; i < 6; i++)
        {
            _emulator.Inject("aigateway", new EmulatorFault(FaultKind.Slow) { Delay = TimeSpan.FromMilliseconds(100) });
        }

        using RouterHarness harness = new(settings);

        RoutedTts[] results = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ =>
            harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None)));

        Assert.All(results, r => Assert.True(r.Succeeded));
        Assert.Equal(2, _emulator.MaxConcurrent("aigateway"));
    }

    [Fact]
    public async Task SynthesizeAsync_ThirtyPercentRandomFaults_EveryRenderStillSucceeds()
    {
        _emulator.SetFaultRate(0.3, seed: 11);
        using RouterHarness harness = new(_emulator.Settings("gemini", "openrouter", "vtrix"));
        List<RoutedTts> results = [];

        for (int i = 0; i < 24; i++)
        {
            results.Add(await harness.Router.SynthesizeAsync(RouterHarness.Request($"Prompt {i}."), RenderUrgency.Batch, null, CancellationToken.None));
        }

        Assert.All(results, r => Assert.True(r.Succeeded, string.Join("; ", r.Failures)));
        Assert.Contains(results, r => r.Failures.Count > 0);   // the faults really struck
        Assert.All(results, r => Assert.Equal(_emulator.Clip.Samples.Length, r.Audio!.Pcm.Samples.Length));
    }

    private static BreakerState State(RouterHarness harness) => harness.Router.GetHealth().Single(h => h.Name == "aigateway").State;

    /// <summary>Collects the IvrVoice.Providers instruments' measurements.</summary>
    private sealed class MeterCapture : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, long Value, KeyValuePair<string, object?>[] Tags)> _measurements = [];

        public MeterCapture(IMeterFactory factory)
        {
            // Only this router's meter: other test classes render in parallel with their own.
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "IvrVoice.Providers" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                lock (_measurements)
                {
                    _measurements.Add((instrument.Name, value, tags.ToArray()));
                }
            });
            _listener.Start();
        }

        public long Sum(string instrument, params (string Key, string Value)[] tags)
        {
            lock (_measurements)
            {
                return _measurements
                    .Where(m => m.Instrument == instrument && tags.All(t => m.Tags.Any(x => x.Key == t.Key && Equals(x.Value, t.Value))))
                    .Sum(m => m.Value);
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
