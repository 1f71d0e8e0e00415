using IvrVoice.Audio;
using IvrVoice.ProviderEmulator;
using IvrVoice.Testing;

namespace IvrVoice.Providers.Tests;

/// <summary>
/// MP3 as the gateways send it: the emulator encodes its clip with ffmpeg's LAME (with the LAME header's gapless delay and
/// padding) and answers it where the gateway documents MP3 (AIgateway and OpenRouter by default) or where a gateway ignores
/// the format it was asked for. The product decodes it with NLayer; its samples must match ffmpeg's decode of the same
/// bytes within 1e-3 of full scale (the bound Mp3DecoderTests states), with the same length as the clip that was encoded.
/// </summary>
public sealed class EmulatorMp3Tests : IClassFixture<EmulatorFixture>
{
    private readonly Xunit.Abstractions.ITestOutputHelper _output;
    private const double MaxAbsoluteDifference = 1e-3;   // of full scale
    private readonly TtsEmulator _emulator;

    public EmulatorMp3Tests(EmulatorFixture fixture, Xunit.Abstractions.ITestOutputHelper output)
    {
        _output = output;
        _emulator = fixture.Emulator;
        _emulator.ClearFaults();
        _emulator.ClearRecords();
    }

    [SkippableTheory]
    [InlineData("aigateway", "{\"model\":\"google/gemini-3.1-flash-tts\",\"input\":\"Hello\",\"voice\":\"Kore\"}")]
    [InlineData("aigateway", "{\"model\":\"google/gemini-3.1-flash-tts\",\"input\":\"Hello\",\"voice\":\"Kore\",\"format\":\"mp3\"}")]
    [InlineData("openrouter", "{\"model\":\"google/gemini-3.1-flash-tts-preview\",\"input\":\"Hello\",\"voice\":\"Kore\"}")]
    public async Task Emulator_GatewayDefaultOrMp3Asked_AnswersRealMp3(string route, string body)
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);
        string path = route == "aigateway" ? "/aigateway/v1/audio/speech" : "/openrouter/api/v1/audio/speech";
        using HttpClient client = new() { BaseAddress = _emulator.Url };
        using HttpRequestMessage message = new(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        message.Headers.Authorization = new("Bearer", TtsEmulator.ApiKey(route));

        using HttpResponseMessage response = await client.SendAsync(message);
        byte[] bytes = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("audio/mpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(AudioContainer.Mp3, AudioSniffer.Identify(bytes));
        Assert.Equal(_emulator.Clip.Encoded(ClipFormat.Mp3), bytes);
        // What ffmpeg makes of it: the clip's own length (the LAME header's delay and padding trimmed) at 24 kHz.
        Assert.Equal(_emulator.Clip.Samples.Length, FfmpegDecode(bytes).Length);
    }

    [SkippableTheory]
    [InlineData("aigateway")]
    [InlineData("openrouter")]
    [InlineData("segmind")]
    [InlineData("gemini")]
    public async Task SynthesizeAsync_RouteAnswersMp3_DecodedLikeFfmpeg(string route)
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);
        // The product asks for WAV or PCM; a gateway that ignores that answers its default, MP3.
        _emulator.Inject(route, new EmulatorFault(FaultKind.Mp3));
        using RouterHarness harness = new(_emulator.Settings(route));

        RoutedTts result = await harness.Router.SynthesizeAsync(RouterHarness.Request(), RenderUrgency.Batch, route, CancellationToken.None);

        Assert.True(result.Succeeded, string.Join("; ", result.Failures));
        PcmAudio pcm = result.Audio!.Pcm;
        float[] reference = FfmpegDecode(_emulator.Clip.Encoded(ClipFormat.Mp3));
        Assert.Equal(24_000, pcm.SampleRate);
        Assert.Equal(reference.Length, pcm.Samples.Length);
        Assert.Equal(_emulator.Clip.Samples.Length, pcm.Samples.Length);
        double maxDiff = 0;
        for (int i = 0; i < reference.Length; i++)
        {
            maxDiff = Math.Max(maxDiff, Math.Abs((pcm.Samples[i] / 32768.0) - reference[i]));
        }

        _output.WriteLine($"{route}: {pcm.Samples.Length} samples, largest difference from ffmpeg's decode {maxDiff:E2} of full scale");
        Assert.True(maxDiff <= MaxAbsoluteDifference, $"largest difference {maxDiff:E2} of full scale");
    }

    /// <summary>ffmpeg's decode of <paramref name="mp3"/>, as floats of full scale.</summary>
    internal static float[] FfmpegDecode(byte[] mp3)
    {
        using TempDirectory folder = new();
        string path = folder.File("served.mp3");
        File.WriteAllBytes(path, mp3);
        byte[] raw = ExternalTools.RunFfmpeg("-i", path, "-f", "f32le", "-acodec", "pcm_f32le", "-ac", "1", "-").EnsureSuccess().StandardOutputBytes;
        float[] samples = new float[raw.Length / 4];
        Buffer.BlockCopy(raw, 0, samples, 0, raw.Length);
        return samples;
    }
}
