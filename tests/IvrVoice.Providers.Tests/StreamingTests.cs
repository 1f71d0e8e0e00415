using IvrVoice.ProviderEmulator;
using IvrVoice.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace IvrVoice.Providers.Tests;

/// <summary>Streaming renders against the emulator's SSE and paced PCM answers, and the offline engine run for real.</summary>
public sealed class StreamingTests : IClassFixture<EmulatorFixture>
{
    private readonly TtsEmulator _emulator;

    public StreamingTests(EmulatorFixture fixture)
    {
        _emulator = fixture.Emulator;
        _emulator.ClearFaults();
        _emulator.ClearRecords();
        _emulator.StreamPace = 0;
        _emulator.StreamChunk = TimeSpan.FromMilliseconds(100);
    }

    private static ITtsStreamRouter StreamRouter(RouterHarness harness) => harness.Services.GetRequiredService<ITtsStreamRouter>();

    private static async Task<(List<float[]> Chunks, TtsStreamException? Error)> DrainAsync(TtsAudioStream stream)
    {
        List<float[]> chunks = [];
        try
        {
            while (await stream.ReadAsync(CancellationToken.None) is { } chunk)
            {
                chunks.Add(chunk);
            }
        }
        catch (TtsStreamException exception)
        {
            return (chunks, exception);
        }

        return (chunks, null);
    }

    [Theory]
    [InlineData("gemini")]
    [InlineData("openrouter")]
    public async Task OpenAsync_StreamingRoute_DeliversTheServedSpeechInSeveralChunks(string route)
    {
        _emulator.StreamPace = 0.05;   // paced, so the body really arrives in pieces
        using RouterHarness harness = new(_emulator.Settings(route));

        TtsStreamResult result = await StreamRouter(harness).OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None);

        Assert.NotNull(result.Stream);
        await using TtsAudioStream stream = result.Stream;
        Assert.Equal(route, stream.Provider);
        Assert.True(stream.Progressive);
        Assert.Equal(24_000, stream.SampleRate);
        (List<float[]> chunks, TtsStreamException? error) = await DrainAsync(stream);
        Assert.Null(error);
        Assert.True(chunks.Count > 1, $"{chunks.Count} chunk(s)");
        float[] all = [.. chunks.SelectMany(c => c)];
        Assert.Equal(_emulator.Clip.Samples.Select(s => (float)s), all);
        if (route == "gemini")
        {
            Assert.Contains(_emulator.RequestsTo("gemini"), r => r.Path.Contains(":streamGenerateContent?alt=sse", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task OpenAsync_AsynchronousGateway_DeliversTheWholeRenderAsOneChunk()
    {
        using RouterHarness harness = new(_emulator.Settings("vtrix"));

        TtsStreamResult result = await StreamRouter(harness).OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None);

        Assert.NotNull(result.Stream);
        await using TtsAudioStream stream = result.Stream;
        Assert.False(stream.Progressive);
        (List<float[]> chunks, TtsStreamException? error) = await DrainAsync(stream);
        Assert.Null(error);
        Assert.Single(chunks);
        Assert.Equal(_emulator.Clip.Samples.Length, chunks[0].Length);
        Assert.False(StreamRouter(harness).CanStream(RouterHarness.Request()));
    }

    [Theory]
    [InlineData(false, true)]    // one voice: OpenRouter, first in order, serves it and streams its PCM body
    [InlineData(true, false)]    // two speakers: OpenRouter cannot voice them, so Segmind (asynchronous, whole) serves it
    public void CanStream_AsksTheRouteThatWouldServeThisRequest(bool twoSpeakers, bool expected)
    {
        using RouterHarness harness = new(_emulator.Settings("openrouter", "segmind"));
        TtsRequest request = twoSpeakers
            ? RouterHarness.Request("Ana: Hello. Ben: Hi there.") with { Speakers = [new TtsSpeaker("Ana", "Kore"), new TtsSpeaker("Ben", "Puck")] }
            : RouterHarness.Request();

        Assert.Equal(expected, StreamRouter(harness).CanStream(request));
    }

    [Fact]
    public async Task OpenAsync_TransientErrorBeforeFirstChunk_IsRetriedOnTheSameRoute()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(503, times: 1));
        using RouterHarness harness = new(_emulator.Settings("gemini"));

        TtsStreamResult result = await StreamRouter(harness).OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None);

        Assert.NotNull(result.Stream);
        await using TtsAudioStream stream = result.Stream;
        Assert.Equal("gemini", stream.Provider);
        Assert.Single(result.Failures, f => f.Provider == "gemini" && f.Kind == TtsFailureKind.TransientUpstream);
        Assert.Equal(2, _emulator.RequestsTo("gemini").Count(r => r.Path.Contains(":streamGenerateContent", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OpenAsync_RouteAtMaxConcurrency_WaitsForAStreamToEnd()
    {
        _emulator.StreamPace = 1;   // real time: the first stream stays open while the second asks
        Dictionary<string, string?> settings = _emulator.Settings("gemini");
        settings["Providers:Gemini:MaxConcurrency"] = "1";
        using RouterHarness harness = new(settings);
        ITtsStreamRouter router = StreamRouter(harness);
        TtsStreamResult first = await router.OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None);
        Assert.NotNull(first.Stream);

        Task<TtsStreamResult> second = router.OpenAsync(RouterHarness.Request("Please hold."), RenderUrgency.InCall, CancellationToken.None);
        await Task.WhenAny(second, Task.Delay(TimeSpan.FromMilliseconds(300)));

        // The route's one slot is held by the open stream: the second has not even been sent.
        Assert.False(second.IsCompleted);
        Assert.Single(_emulator.RequestsTo("gemini"), r => r.Path.Contains(":streamGenerateContent", StringComparison.Ordinal));
        await first.Stream.DisposeAsync();
        TtsStreamResult opened = await second;
        Assert.NotNull(opened.Stream);
        await opened.Stream.DisposeAsync();
    }

    [Fact]
    public async Task OpenAsync_ErrorBeforeFirstChunk_FailsOverToTheNextRoute()
    {
        _emulator.Inject("gemini", EmulatorFault.Http(500, times: null));
        using RouterHarness harness = new(_emulator.Settings("gemini", "openrouter"));

        TtsStreamResult result = await StreamRouter(harness).OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None);

        Assert.NotNull(result.Stream);
        await using TtsAudioStream stream = result.Stream;
        Assert.Equal("openrouter", stream.Provider);
        Assert.Contains(result.Failures, f => f.Provider == "gemini" && f.Kind == TtsFailureKind.TransientUpstream);
    }

    [Fact]
    public async Task OpenAsync_NoAudioInTheStream_FailsOver()
    {
        // Every attempt on gemini (the first and its retries) ends without audio.
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.NoAudio) { Times = null });
        using RouterHarness harness = new(_emulator.Settings("gemini", "openrouter"));

        TtsStreamResult result = await StreamRouter(harness).OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None);

        Assert.Equal("openrouter", result.Stream?.Provider);
        Assert.Contains(result.Failures, f => f.Provider == "gemini" && f.Message.Contains("OTHER", StringComparison.Ordinal));
        await result.Stream!.DisposeAsync();
    }

    [Theory]
    [InlineData(FaultKind.CutMidStream, "the stream broke")]
    [InlineData(FaultKind.TruncatedStream, "finishReason OTHER")]
    public async Task ReadAsync_FaultAfterTheFirstChunk_ThrowsAfterTheAudioBeforeIt(FaultKind kind, string expected)
    {
        _emulator.Inject("gemini", new EmulatorFault(kind) { AfterChunks = 3 });
        using RouterHarness harness = new(_emulator.Settings("gemini"));

        TtsStreamResult result = await StreamRouter(harness).OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None);

        Assert.NotNull(result.Stream);
        await using TtsAudioStream stream = result.Stream;
        Assert.Equal("gemini", stream.Provider);
        (List<float[]> chunks, TtsStreamException? error) = await DrainAsync(stream);
        Assert.NotNull(error);
        Assert.Contains(expected, error.Failure.Message, StringComparison.Ordinal);
        // The audio before the fault is the clip's beginning, sample for sample: all three events' worth when the stream ends
        // in an orderly way; a cut connection (a reset) may also take events still in flight with it.
        int perChunk = (int)(24_000 * _emulator.StreamChunk.TotalSeconds);
        float[] received = [.. chunks.SelectMany(c => c)];
        Assert.Equal(_emulator.Clip.Samples.Take(received.Length).Select(s => (float)s), received);
        if (kind == FaultKind.TruncatedStream)
        {
            Assert.Equal(3 * perChunk, received.Length);
        }
        else
        {
            Assert.InRange(received.Length, perChunk, 3 * perChunk);
        }
    }

    [Fact]
    public async Task OpenAsync_SlowFirstChunkBeyondTheRouteShare_FailsOverWithATimeout()
    {
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.SlowFirstChunk) { Delay = TimeSpan.FromSeconds(30) });
        Dictionary<string, string?> settings = _emulator.Settings("gemini", "openrouter");
        settings["Providers:InCallDeadline"] = "00:00:02";
        using RouterHarness harness = new(settings);

        TtsStreamResult result = await StreamRouter(harness).OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None);

        Assert.Equal("openrouter", result.Stream?.Provider);
        Assert.Contains(result.Failures, f => f.Provider == "gemini" && f.Kind == TtsFailureKind.Timeout);
        await result.Stream!.DisposeAsync();
    }

    [Fact]
    public async Task ReadAsync_SlowChunks_StillDeliverEverySample()
    {
        _emulator.StreamChunk = TimeSpan.FromMilliseconds(200);
        _emulator.Inject("gemini", new EmulatorFault(FaultKind.SlowChunks) { Pace = 1.05 });
        using RouterHarness harness = new(_emulator.Settings("gemini"));

        TtsStreamResult result = await StreamRouter(harness).OpenAsync(RouterHarness.Request(), RenderUrgency.InCall, CancellationToken.None);

        await using TtsAudioStream stream = result.Stream!;
        (List<float[]> chunks, TtsStreamException? error) = await DrainAsync(stream);
        Assert.Null(error);
        Assert.Equal(_emulator.Clip.Samples.Length, chunks.Sum(c => c.Length));
    }

    [SkippableFact]
    [Trait("Category", "Integration")]
    public async Task OpenAsync_Espeak_StreamsTheSameSamplesAsAWholeRender()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);
        using RouterHarness harness = new(new Dictionary<string, string?> { ["Providers:Order"] = "espeak" });
        TtsRequest request = RouterHarness.Request("Thank you for calling. Your call is important to us.", "Kore", ModelCatalog.EspeakNg);

        RoutedTts whole = await harness.Router.SynthesizeAsync(request, RenderUrgency.InCall, null, CancellationToken.None);
        TtsStreamResult result = await StreamRouter(harness).OpenAsync(request, RenderUrgency.InCall, CancellationToken.None);

        Assert.True(whole.Succeeded, string.Join("; ", whole.Failures));
        await using TtsAudioStream stream = result.Stream!;
        Assert.True(stream.Progressive);
        Assert.Equal(22_050, stream.SampleRate);
        (List<float[]> chunks, TtsStreamException? error) = await DrainAsync(stream);
        Assert.Null(error);
        Assert.Equal(whole.Audio!.Pcm.Samples, chunks.SelectMany(c => c));
    }
}
