using IvrVoice.Audio.Tests.Codecs;
using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Wav;

/// <summary>
/// WAV files written by sox and ffmpeg from known 16-bit samples, decoded by <see cref="AudioDecoder"/>. Widening
/// conversions (24/32-bit, float) are exact, so the decoded samples must equal the originals.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WavToolFixtureTests : IDisposable
{
    private const int Count = 3001;   // odd, so 8-bit data chunks need a pad byte
    private readonly TempDirectory _temp = new();
    private readonly short[] _left = Signal(seed: 1);
    private readonly short[] _right = Signal(seed: 2);

    public void Dispose() => _temp.Dispose();

    [SkippableTheory]
    [InlineData("-b", "16")]
    [InlineData("-b", "24")]
    [InlineData("-b", "32")]
    [InlineData("-e", "floating-point", "-b", "32")]
    [InlineData("-e", "floating-point", "-b", "64")]
    public void Decode_SoxWidenedMono_EqualsTheOriginalSamples(params string[] encoding)
    {
        ExternalTools.Require(ExternalTools.Sox);

        string wav = _temp.File("out.wav");
        ExternalTools.RunSox(["-D", .. RawInput(_temp.Write("in.raw", WavBuilder.Pcm16(_left)), 44100, 1), .. encoding, wav]).EnsureSuccess();

        PcmAudio audio = AudioDecoder.Decode(File.ReadAllBytes(wav));

        Assert.Equal(44100, audio.SampleRate);
        Assert.Equal(_left.Select(s => (float)s), audio.Samples);
    }

    [SkippableFact]
    public void Decode_SoxEightBit_EqualsTheOriginalMultiplesOf256()
    {
        ExternalTools.Require(ExternalTools.Sox);

        short[] coarse = _left.Select(s => (short)(s & ~0xFF)).ToArray();
        string wav = _temp.File("u8.wav");
        ExternalTools.RunSox(["-D", .. RawInput(_temp.Write("in.raw", WavBuilder.Pcm16(coarse)), 11025, 1), "-b", "8", wav]).EnsureSuccess();

        PcmAudio audio = AudioDecoder.Decode(File.ReadAllBytes(wav));

        Assert.Equal(11025, audio.SampleRate);
        Assert.Equal(coarse.Select(s => (float)s), audio.Samples);
    }

    [SkippableTheory]
    [InlineData("u-law", "ul")]
    [InlineData("a-law", "al")]
    public void Decode_SoxG711Wav_EqualsTheReferenceDecodeOfSoxsRawCodes(string encoding, string rawType)
    {
        ExternalTools.Require(ExternalTools.Sox);

        string input = _temp.Write("in.raw", WavBuilder.Pcm16(_left));
        string wav = _temp.File("g711.wav");
        string raw = _temp.File("g711.raw");
        ExternalTools.RunSox(["-D", .. RawInput(input, 8000, 1), "-e", encoding, wav]).EnsureSuccess();
        ExternalTools.RunSox(["-D", .. RawInput(input, 8000, 1), "-t", rawType, raw]).EnsureSuccess();
        short[] table = encoding == "u-law" ? G711Vectors.Reference.MuLawDecoded : G711Vectors.Reference.ALawDecoded;

        PcmAudio audio = AudioDecoder.Decode(File.ReadAllBytes(wav));

        Assert.Equal(8000, audio.SampleRate);
        Assert.Equal(File.ReadAllBytes(raw).Select(code => (float)table[code]), audio.Samples);
    }

    [SkippableFact]
    public void Decode_SoxStereo_AveragesTheChannels()
    {
        ExternalTools.Require(ExternalTools.Sox);

        string wav = _temp.File("stereo.wav");
        ExternalTools.RunSox(["-M", .. RawInput(_temp.Write("l.raw", WavBuilder.Pcm16(_left)), 48000, 1),
            .. RawInput(_temp.Write("r.raw", WavBuilder.Pcm16(_right)), 48000, 1), wav]).EnsureSuccess();

        PcmAudio audio = AudioDecoder.Decode(File.ReadAllBytes(wav));

        Assert.Equal(48000, audio.SampleRate);
        Assert.Equal(_left.Zip(_right, (l, r) => (l + r) / 2f), audio.Samples);
    }

    [SkippableFact]
    public void Decode_SoxExtensibleStereo24Bit_AveragesTheChannels()
    {
        ExternalTools.Require(ExternalTools.Sox);

        string wav = _temp.File("ext.wav");
        ExternalTools.RunSox(["-M", .. RawInput(_temp.Write("l.raw", WavBuilder.Pcm16(_left)), 48000, 1),
            .. RawInput(_temp.Write("r.raw", WavBuilder.Pcm16(_right)), 48000, 1), "-b", "24", wav]).EnsureSuccess();
        byte[] bytes = File.ReadAllBytes(wav);
        Assert.Equal(0xFFFE, BitConverter.ToUInt16(bytes, 20));   // sox chose WAVE_FORMAT_EXTENSIBLE

        PcmAudio audio = AudioDecoder.Decode(bytes);

        Assert.Equal(_left.Zip(_right, (l, r) => (l + r) / 2f), audio.Samples);
    }

    [SkippableFact]
    public void Decode_FfmpegSixChannelExtensible_AveragesAllChannels()
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);

        short[] interleaved = new short[6 * Count];
        for (int i = 0; i < Count; i++)
        {
            for (int c = 0; c < 6; c++)
            {
                interleaved[(6 * i) + c] = c % 2 == 0 ? _left[i] : _right[i];
            }
        }

        string wav = _temp.File("51.wav");
        ExternalTools.RunFfmpeg("-f", "s16le", "-ar", "48000", "-ac", "6", "-i", _temp.Write("in.raw", WavBuilder.Pcm16(interleaved)), "-c:a", "pcm_s16le", wav).EnsureSuccess();
        byte[] bytes = File.ReadAllBytes(wav);
        Assert.Equal(0xFFFE, BitConverter.ToUInt16(bytes, 20));   // ffmpeg chose WAVE_FORMAT_EXTENSIBLE

        PcmAudio audio = AudioDecoder.Decode(bytes);

        Assert.Equal(_left.Zip(_right, (l, r) => (l + r) / 2f), audio.Samples);
    }

    [SkippableFact]
    public void Decode_FfmpegWritingToAPipe_TakesTheStreamingDataToTheEnd()
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);

        ToolResult piped = ExternalTools.RunFfmpeg("-f", "s16le", "-ar", "24000", "-ac", "1", "-i", _temp.Write("in.raw", WavBuilder.Pcm16(_left)), "-f", "wav", "-").EnsureSuccess();
        byte[] bytes = piped.StandardOutputBytes;
        Assert.Equal(0xFFFFFFFFu, BitConverter.ToUInt32(bytes, 4));   // the streaming header this test is about

        PcmAudio audio = AudioDecoder.Decode(bytes);

        Assert.Equal(24000, audio.SampleRate);
        Assert.Equal(_left.Select(s => (float)s), audio.Samples);
    }

    [SkippableFact]
    public void Decode_SoxWritingToAPipe_TakesTheStreamingDataToTheEnd()
    {
        ExternalTools.Require(ExternalTools.Sox);

        ToolResult piped = ExternalTools.RunSox([.. RawInput(_temp.Write("in.raw", WavBuilder.Pcm16(_left)), 24000, 1), "-t", "wav", "-"]).EnsureSuccess();

        PcmAudio audio = AudioDecoder.Decode(piped.StandardOutputBytes);

        Assert.Equal(_left.Select(s => (float)s), audio.Samples);
    }

    [SkippableTheory]
    [InlineData("pcm_s24le")]
    [InlineData("pcm_f64le")]
    [InlineData("pcm_s16le")]
    public void Decode_FfmpegRf64_ReadsTheSamples(string codec)
    {
        ExternalTools.Require(ExternalTools.Ffmpeg);

        string wav = _temp.File("rf64.wav");
        ExternalTools.RunFfmpeg("-f", "s16le", "-ar", "16000", "-ac", "1", "-i", _temp.Write("in.raw", WavBuilder.Pcm16(_left)), "-c:a", codec, "-rf64", "always", wav).EnsureSuccess();
        byte[] bytes = File.ReadAllBytes(wav);
        Assert.Equal("RF64"u8.ToArray(), bytes[..4]);

        PcmAudio audio = AudioDecoder.Decode(bytes);

        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal(_left.Select(s => (float)s), audio.Samples);
    }

    [SkippableFact]
    public void Decode_EspeakNgStdout_MatchesWhatSoxReads()
    {
        ExternalTools.Require(ExternalTools.EspeakNg, ExternalTools.Sox);

        // The offline engine writes a streaming header (sizes 0x7FFFF000-ish) when its output is a pipe.
        byte[] wav = ExternalTools.RunEspeakNg("--stdout", "Thank you for calling. For billing, press one.").EnsureSuccess().StandardOutputBytes;
        string path = _temp.Write("espeak.wav", wav);
        byte[] soxSamples = ExternalTools.RunSox("-t", "wav", path, "-t", "raw", "-e", "signed", "-b", "16", "-").EnsureSuccess().StandardOutputBytes;

        PcmAudio audio = AudioDecoder.Decode(wav);

        Assert.Equal(22050, audio.SampleRate);
        Assert.True(audio.Samples.Length > 22050 / 2, "at least half a second of speech");
        Assert.Equal(System.Runtime.InteropServices.MemoryMarshal.Cast<byte, short>(soxSamples).ToArray().Select(s => (float)s), audio.Samples);
    }

    private static string[] RawInput(string path, int rate, int channels) =>
        ["-t", "raw", "-e", "signed", "-b", "16", "-r", rate.ToString(System.Globalization.CultureInfo.InvariantCulture), "-c", channels.ToString(System.Globalization.CultureInfo.InvariantCulture), path];

    private static short[] Signal(int seed)
    {
        Random random = new(seed);
        short[] samples = new short[Count];
        for (int i = 0; i < Count; i++)
        {
            samples[i] = (i % 5) switch
            {
                0 => short.MinValue,
                1 => short.MaxValue,
                _ => (short)random.Next(short.MinValue, short.MaxValue + 1),
            };
        }

        return samples;
    }
}
