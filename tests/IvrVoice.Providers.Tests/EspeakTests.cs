using IvrVoice.Audio;
using IvrVoice.Testing;

namespace IvrVoice.Providers.Tests;

/// <summary>The offline engine, run for real. Skips itself when espeak-ng is not installed.</summary>
[Trait("Category", "Integration")]
public sealed class EspeakTests
{
    private static readonly Dictionary<string, string?> s_offline = new() { ["Providers:Order"] = "espeak" };

    [SkippableFact]
    public async Task SynthesizeAsync_GeminiVoiceName_RendersSpeechAt22050Hz()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using RouterHarness harness = new(s_offline);

        RoutedTts result = await harness.Router.SynthesizeAsync(
            RouterHarness.Request("Thank you for calling.", "Kore", ModelCatalog.EspeakNg), RenderUrgency.InCall, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.Equal("espeak", result.ServedBy);
        Assert.Equal(22_050, result.Audio!.Pcm.SampleRate);
        Assert.InRange(result.Audio.Pcm.Duration, TimeSpan.FromSeconds(0.6), TimeSpan.FromSeconds(4));
        Assert.Equal(0m, result.Audio.CostUsd);
        // sox reads the same bytes independently and agrees on the length.
        using TempDirectory folder = new();
        string path = folder.Write("espeak.wav", result.Audio.Bytes);
        ToolResult sox = ExternalTools.Run(ExternalTools.Sox, [path, "-n", "stat"]).EnsureSuccess();
        Assert.Contains("Length (seconds)", sox.StandardError, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task SynthesizeAsync_DifferentGeminiVoices_SoundDifferent()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using RouterHarness harness = new(s_offline);

        PcmAudio kore = await RenderAsync(harness, "Kore");
        PcmAudio puck = await RenderAsync(harness, "Puck");

        Assert.NotEqual(kore.Samples, puck.Samples);
    }

    [SkippableFact]
    public async Task SynthesizeAsync_TagsInText_AreNotSpoken()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using RouterHarness harness = new(s_offline);

        PcmAudio plain = await RenderAsync(harness, "Kore", "Please hold.");
        PcmAudio tagged = await RenderAsync(harness, "Kore", "[whispers] Please hold.");

        Assert.Equal(plain.Samples.Length, tagged.Samples.Length);
    }

    [SkippableFact]
    public async Task SynthesizeAsync_TwoSpeakers_VoicesEachTurn()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using RouterHarness harness = new(s_offline);
        TtsRequest dialogue = RouterHarness.Request("Agent: Hello.\nCaller: Hi there.", "Kore", ModelCatalog.EspeakNg) with
        {
            Speakers = [new TtsSpeaker("Agent", "Kore"), new TtsSpeaker("Caller", "Puck")],
        };

        RoutedTts result = await harness.Router.SynthesizeAsync(dialogue, RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        PcmAudio first = await RenderAsync(harness, "Kore", "Hello.");
        PcmAudio second = await RenderAsync(harness, "Puck", "Hi there.");
        Assert.Equal(first.Samples.Length + second.Samples.Length, result.Audio!.Pcm.Samples.Length);
        Assert.Equal(AudioContainer.Wav, AudioSniffer.Identify(result.Audio.Bytes));
    }

    [SkippableFact]
    public async Task SynthesizeAsync_EspeakVoiceThatDoesNotExist_IsInvalidRequest()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using RouterHarness harness = new(s_offline);

        RoutedTts result = await harness.Router.SynthesizeAsync(
            RouterHarness.Request("Hello.", "zz-nowhere", ModelCatalog.EspeakNg), RenderUrgency.Batch, null, CancellationToken.None);

        TtsFailure failure = Assert.Single(result.Failures);
        Assert.Equal(TtsFailureKind.InvalidRequest, failure.Kind);
        Assert.Contains("zz-nowhere", failure.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public async Task SynthesizeAsync_TextThatLooksLikeOptions_IsSpokenNotParsed()
    {
        ExternalTools.Require(ExternalTools.EspeakNg);

        using RouterHarness harness = new(s_offline);

        RoutedTts result = await harness.Router.SynthesizeAsync(
            RouterHarness.Request("--version; rm -rf / $(whoami) `id`", "Kore", ModelCatalog.EspeakNg), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        Assert.True(result.Audio!.Pcm.Duration > TimeSpan.FromSeconds(1));
    }

    [SkippableFact]
    public async Task SynthesizeAsync_BinaryMissing_IsUnavailable()
    {
        using RouterHarness harness = new(new Dictionary<string, string?> { ["Providers:Espeak:BinaryPath"] = "espeak-ng-not-installed-here" });

        RoutedTts result = await harness.Router.SynthesizeAsync(
            RouterHarness.Request("Hello.", "Kore", ModelCatalog.EspeakNg), RenderUrgency.Batch, null, CancellationToken.None);

        Assert.Equal(TtsFailureKind.Unavailable, result.Failures[0].Kind);
        Assert.Contains("Providers:Espeak:BinaryPath", result.Failures[0].Message, StringComparison.Ordinal);
    }

    private static async Task<PcmAudio> RenderAsync(RouterHarness harness, string voice, string text = "Thank you for calling.")
    {
        RoutedTts result = await harness.Router.SynthesizeAsync(
            RouterHarness.Request(text, voice, ModelCatalog.EspeakNg), RenderUrgency.Batch, null, CancellationToken.None);
        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        return result.Audio!.Pcm;
    }
}
