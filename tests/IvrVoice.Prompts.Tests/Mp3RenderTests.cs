using IvrVoice.Audio;
using IvrVoice.Audio.Codecs;
using IvrVoice.Caching;
using IvrVoice.ProviderEmulator;
using IvrVoice.Providers;
using IvrVoice.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace IvrVoice.Prompts.Tests;

/// <summary>
/// MP3 end to end: the emulator's AIgateway answers the clip as LAME MP3 (a gateway ignoring the WAV it was asked for
/// answers its default), the route decodes it with NLayer, the renderer transcodes it to 8 kHz μ-law and the disk cache
/// keeps it. The reference is ffmpeg's decode of the same MP3 bytes put through the same transcode: every μ-law code must be
/// the same or its neighbour (one quantisation step, the most a 1e-3-of-full-scale decoder difference can move a sample
/// after resampling and mastering), and nearly all codes identical.
/// </summary>
public sealed class Mp3RenderTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private const double MinIdenticalShare = 0.99;
    private readonly TempDirectory _cacheFolder = new("mp3-cache");
    private TtsEmulator _emulator = null!;

    public async Task InitializeAsync() => _emulator = await TtsEmulator.StartAsync();

    public async Task DisposeAsync()
    {
        await _emulator.DisposeAsync();
        _cacheFolder.Dispose();
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetOrRenderAsync_GatewayAnswersMp3_CachedMuLawMatchesFfmpegDecodeTranscoded(bool master)
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);
        Dictionary<string, string?> settings = new(_emulator.Settings("aigateway"), StringComparer.OrdinalIgnoreCase) { ["Cache:Disk:Path"] = _cacheFolder.Path };
        ServiceCollection services = new();
        services.AddLogging();
        services.AddPromptRendering(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        await using ServiceProvider provider = services.BuildServiceProvider();
        PromptRenderer sut = provider.GetRequiredService<PromptRenderer>();
        PromptSpec spec = sut.CreateSpec(new PromptRequest { Text = "Thank you for calling. Please hold.", Master = master });
        _emulator.Inject("aigateway", new EmulatorFault(FaultKind.Mp3));

        CachedPrompt rendered = await sut.GetOrRenderAsync(spec, RenderUrgency.Batch, CacheMode.ReadWrite, CancellationToken.None);
        CachedPrompt? cached = await sut.TryGetAsync(spec, CacheMode.ReadWrite, CancellationToken.None);

        Assert.Equal("aigateway", rendered.Metadata.Provider);
        Assert.Equal(1, _emulator.Submissions("aigateway"));
        Assert.NotNull(cached);
        Assert.True(rendered.Audio.Span.SequenceEqual(cached.Audio.Span));
        Assert.Equal(7, BitConverter.ToUInt16(cached.Audio.Span[20..22])); // WAVE_FORMAT_MULAW

        byte[] served = _emulator.Clip.Encoded(ClipFormat.Mp3);
        Assert.Equal(AudioContainer.Mp3, AudioSniffer.Identify(served));
        byte[] expected = Transcoder.ToTelephony(new PcmAudio(FfmpegDecode(served), SpeechClip.SampleRate), OutputFormat.MuLawWav, spec.Mastering);
        byte[] actual = cached.Audio.ToArray();
        Assert.Equal(expected.Length, actual.Length);
        int header = DataOffset(expected);
        Assert.Equal(header, DataOffset(actual));
        Assert.True(expected.AsSpan(0, header).SequenceEqual(actual.AsSpan(0, header)));

        int[] rank = MuLawRanks();
        int identical = 0, worst = 0;
        for (int i = header; i < actual.Length; i++)
        {
            int steps = Math.Abs(rank[actual[i]] - rank[expected[i]]);
            worst = Math.Max(worst, steps);
            identical += steps == 0 ? 1 : 0;
        }

        double share = (double)identical / (actual.Length - header);
        output.WriteLine($"{actual.Length - header} μ-law codes; {share:P3} identical to ffmpeg's path; largest difference {worst} step(s)");
        Assert.True(worst <= 1, $"a μ-law code {worst} quantisation steps from ffmpeg's path");
        Assert.True(share >= MinIdenticalShare, $"only {share:P2} of the μ-law codes equal ffmpeg's path");
    }

    /// <summary>ffmpeg's decode of <paramref name="mp3"/>, on the 16-bit scale the decoders use.</summary>
    private static float[] FfmpegDecode(byte[] mp3)
    {
        using TempDirectory folder = new();
        string path = folder.File("served.mp3");
        File.WriteAllBytes(path, mp3);
        byte[] raw = ExternalTools.RunFfmpeg("-i", path, "-f", "f32le", "-acodec", "pcm_f32le", "-ac", "1", "-").EnsureSuccess().StandardOutputBytes;
        float[] samples = new float[raw.Length / 4];
        Buffer.BlockCopy(raw, 0, samples, 0, raw.Length);
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] *= 32768f;
        }

        return samples;
    }

    /// <summary>Each μ-law code's place among the levels it decodes to (G.711's reference decoder), so neighbours differ by one.</summary>
    private static int[] MuLawRanks()
    {
        short[] levels = [.. Enumerable.Range(0, 256).Select(c => G711.MuLawToLinear((byte)c)).Distinct().Order()];
        return [.. Enumerable.Range(0, 256).Select(c => Array.IndexOf(levels, G711.MuLawToLinear((byte)c)))];
    }

    private static int DataOffset(byte[] wav)
    {
        int at = 12;
        while (at + 8 <= wav.Length)
        {
            int size = BitConverter.ToInt32(wav, at + 4);
            if (wav.AsSpan(at, 4).SequenceEqual("data"u8))
            {
                return at + 8;
            }

            at += 8 + size + (size & 1);
        }

        throw new InvalidDataException("no data chunk");
    }
}
