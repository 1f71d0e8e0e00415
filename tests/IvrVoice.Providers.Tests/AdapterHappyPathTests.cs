using IvrVoice.ProviderEmulator;

namespace IvrVoice.Providers.Tests;

/// <summary>Every route against the emulator: the audio that comes out is the emulator's speech, at its rate and length.</summary>
public sealed class AdapterHappyPathTests : IClassFixture<EmulatorFixture>
{
    private static readonly string[] s_authHeaders = ["authorization", "x-goog-api-key", "ocp-apim-subscription-key", "x-api-key"];
    private readonly TtsEmulator _emulator;

    public AdapterHappyPathTests(EmulatorFixture fixture)
    {
        _emulator = fixture.Emulator;
        _emulator.ClearFaults();
        _emulator.ClearRecords();
    }

    [Theory]
    [InlineData("gemini", "x-goog-api-key")]
    [InlineData("aigateway", "authorization")]
    [InlineData("openrouter", "authorization")]
    [InlineData("vtrix", "authorization")]
    [InlineData("pixazo", "ocp-apim-subscription-key")]
    [InlineData("segmind", "x-api-key")]
    public async Task SynthesizeAsync_EachRoute_ReturnsTheServedSpeechAt24kHz(string route, string authHeader)
    {
        using RouterHarness harness = new(_emulator.Settings(route));

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, route, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.Equal(route, result.ServedBy);
        Assert.Equal(24_000, result.Audio!.Pcm.SampleRate);
        Assert.Equal(_emulator.Clip.Samples.Length, result.Audio.Pcm.Samples.Length);
        Assert.Equal(_emulator.Clip.Samples[1000], result.Audio.Pcm.Samples[1000]);
        Assert.Empty(result.Failures);

        // Only the route's own auth header goes to the route, and no key at all goes to a download URL.
        foreach (RecordedRequest request in _emulator.RequestsTo(route))
        {
            string[] present = [.. s_authHeaders.Where(h => request.Header(h) is not null)];
            if (request.Path.Contains("/files/", StringComparison.Ordinal))
            {
                Assert.Empty(present);
            }
            else
            {
                Assert.Equal([authHeader], present);
            }
        }
    }

    [Fact]
    public async Task SynthesizeAsync_SegmindAsync_SubmitsPollsAndReadsReportedCost()
    {
        Dictionary<string, string?> settings = _emulator.Settings("segmind");
        settings["Providers:Segmind:Mode"] = "Async";
        using RouterHarness harness = new(settings);

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.Equal(_emulator.Clip.Samples.Length, result.Audio!.Pcm.Samples.Length);
        Assert.Equal(0.0013m, result.Audio.CostUsd);
        Assert.Single(_emulator.RequestsTo("segmind", FaultPhase.Primary));
        Assert.Contains(_emulator.RequestsTo("segmind", FaultPhase.Poll), r => r.Path.EndsWith("/status", StringComparison.Ordinal));
        Assert.Contains(_emulator.RequestsTo("segmind", FaultPhase.Result), r => r.Path.Contains("/files/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SynthesizeAsync_OpenRouter_KeepsGenerationIdAndAsksForPcm()
    {
        using RouterHarness harness = new(_emulator.Settings("openrouter"));

        RoutedTts result = await harness.Router.SynthesizeAsync(
            RouterHarness.Request() with { Style = "calm, warm" }, RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.StartsWith("gen-tts-", result.Audio!.RequestId, StringComparison.Ordinal);
        Assert.StartsWith("audio/pcm", result.Audio.ContentType, StringComparison.Ordinal);
        string body = Assert.Single(_emulator.RequestsTo("openrouter")).Body;
        Assert.Contains("\"response_format\":\"pcm\"", body, StringComparison.Ordinal);
        Assert.Contains("\"instructions\":\"calm, warm\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_Vtrix_ReportsTokenUsageAndEstimatesCostFromIt()
    {
        using RouterHarness harness = new(_emulator.Settings("vtrix"));

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        int outputTokens = (int)(_emulator.Clip.Duration.TotalSeconds * 25);
        Assert.Equal(outputTokens, result.Audio!.Usage!.OutputTokens);
        int inputTokens = result.Audio.Usage.InputTokens!.Value;
        // Google's list price for 3.1: $1 per million text tokens, $20 per million audio tokens.
        Assert.Equal(Math.Round(((inputTokens * 1m) + (outputTokens * 20m)) / 1_000_000m, 6), result.Audio.CostUsd);
        Assert.StartsWith("task_", result.Audio.RequestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_Pixazo_ChargesFlatPriceAndSendsStyleAsPrompt()
    {
        using RouterHarness harness = new(_emulator.Settings("pixazo"));

        RoutedTts result = await harness.Router.SynthesizeAsync(
            RouterHarness.Request() with { Style = "calm", Language = "en-GB" }, RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.Equal(0.04m, result.Audio!.CostUsd);
        RecordedRequest submit = Assert.Single(_emulator.RequestsTo("pixazo", FaultPhase.Primary));
        Assert.Contains("\"language_code\":\"en-GB\"", submit.Body, StringComparison.Ordinal);
        Assert.Contains("\"prompt\":\"Say in a calm tone\"", submit.Body, StringComparison.Ordinal);
        Assert.Equal("no-cache", submit.Header("cache-control"));
    }

    [Fact]
    public async Task SynthesizeAsync_PixazoWithWebhook_EmulatorCallsBackWithCompletedStatus()
    {
        Dictionary<string, string?> settings = _emulator.Settings("pixazo");
        settings["Providers:Pixazo:WebhookUrl"] = new Uri(_emulator.Url, "/_emulator/webhook-sink").ToString();
        using RouterHarness harness = new(settings);

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        RecordedRequest submit = Assert.Single(_emulator.RequestsTo("pixazo", FaultPhase.Primary));
        Assert.Equal(settings["Providers:Pixazo:WebhookUrl"], submit.Header("x-webhook-url"));
        for (int i = 0; i < 100 && _emulator.WebhookDeliveries.Count == 0; i++)
        {
            await Task.Delay(20);
        }

        WebhookDelivery delivery = Assert.Single(_emulator.WebhookDeliveries);
        Assert.Contains("\"status\":\"COMPLETED\"", delivery.Body, StringComparison.Ordinal);
        Assert.Contains(result.Audio!.RequestId!, delivery.Body, StringComparison.Ordinal);
        Assert.Equal(200, delivery.ResponseStatus);
    }

    [Fact]
    public async Task SynthesizeAsync_Gemini38WithTemperature_OmitsTemperatureAndReadsWav()
    {
        using RouterHarness harness = new(_emulator.Settings("gemini"));
        TtsRequest request = RouterHarness.Request(model: ModelCatalog.Gemini38FlashTts) with { Temperature = 0.9, Style = "cheerful" };

        RoutedTts result = await harness.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);

        // The emulator rejects temperature for 3.8 as Google does; success proves it was left out.
        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.StartsWith("audio/wav", result.Audio!.ContentType, StringComparison.Ordinal);
        string body = Assert.Single(_emulator.RequestsTo("gemini")).Body;
        Assert.DoesNotContain("temperature", body, StringComparison.Ordinal);
        Assert.Contains("\"speechMetadata\":{\"style\":\"cheerful\"}", body, StringComparison.Ordinal);
        Assert.Contains("/models/gemini-3.8-flash-tts:generateContent", Assert.Single(_emulator.RequestsTo("gemini")).Path, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_GeminiTwoSpeakers_SendsMultiSpeakerConfig()
    {
        using RouterHarness harness = new(_emulator.Settings("gemini"));
        TtsRequest request = RouterHarness.Request("Agent: Hello.\nCaller: Hi.") with
        {
            Speakers = [new TtsSpeaker("Agent", "kore"), new TtsSpeaker("Caller", "PUCK")],
            Temperature = 1.0,
        };

        RoutedTts result = await harness.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        string body = Assert.Single(_emulator.RequestsTo("gemini")).Body;
        Assert.Contains("multiSpeakerVoiceConfig", body, StringComparison.Ordinal);
        Assert.Contains("\"voiceName\":\"Puck\"", body, StringComparison.Ordinal);
        Assert.Contains("\"temperature\":1", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SynthesizeAsync_TwoSpeakersOnRouteWithoutThem_SkipsToRouteThatHasThem()
    {
        using RouterHarness harness = new(_emulator.Settings("aigateway", "segmind"));
        TtsRequest request = RouterHarness.Request("Agent: Hello.\nCaller: Hi.") with
        {
            Speakers = [new TtsSpeaker("Agent", "Kore"), new TtsSpeaker("Caller", "Puck")],
        };

        RoutedTts result = await harness.Router.SynthesizeAsync(request, RenderUrgency.Batch, null, CancellationToken.None);

        Assert.Equal("segmind", result.ServedBy);
        Assert.Empty(result.Failures);
        Assert.Empty(_emulator.RequestsTo("aigateway"));
        Assert.Contains("\"voice_2\":\"Puck\"", Assert.Single(_emulator.RequestsTo("segmind")).Body, StringComparison.Ordinal);
    }
}
