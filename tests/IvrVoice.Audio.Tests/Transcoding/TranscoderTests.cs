using IvrVoice.Audio.Codecs;
using IvrVoice.Audio.Resampling;
using IvrVoice.Testing;

namespace IvrVoice.Audio.Tests.Transcoding;

public sealed class TranscoderTests
{
    [SkippableTheory]
    [InlineData(17)]
    [InlineData(500)]
    [InlineData(24_063)]
    public void ToTelephony_RateWithNoPathTo8kHz_TypedError(int rate)
    {
        PcmAudio odd = new(SignalGenerator.Sine(rate, 300, rate, 8000), rate);

        AudioFormatException error = Assert.Throws<AudioFormatException>(() => Transcoder.ToTelephony(odd));

        Assert.Equal(AudioErrorKind.UnsupportedSampleRate, error.Kind);
        Assert.Contains($"{rate} Hz", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ToTelephony_LoudSpeech_MuLawNeverSaturatesAndPeaksStayUnderTheCeiling()
    {
        float[] speech = SignalGenerator.SpeechLike(24_000 * 2, 24_000, seed: 3, peak: 32700);
        byte[] wav = Transcoder.ToTelephony(new PcmAudio(speech, 24_000));

        PcmAudio decoded = AudioDecoder.Decode(wav);
        Assert.Equal(Resampler.TelephonyRate, decoded.SampleRate);
        float peak = decoded.Samples.Max(Math.Abs);
        Assert.True(peak < 32124, "μ-law's largest code means the signal clipped");
        // The ceiling (-3 dBFS = 23197) plus at most one μ-law step (1024 at that level).
        Assert.True(peak <= 23197 + 1024, $"decoded peak {peak}");
    }

    [SkippableFact]
    public void ToTelephony_Default_DeliversTheTargetActiveLevel()
    {
        float[] speech = SignalGenerator.SpeechLike(44_100 * 2, 44_100, seed: 6, peak: 2000);
        PcmAudio decoded = AudioDecoder.Decode(Transcoder.ToTelephony(new PcmAudio(speech, 44_100)));

        double level = AudioAnalysis.Analyze(decoded).ActiveLevelDbfs;
        Assert.InRange(level, MasteringOptions.Default.TargetLevelDbfs - 0.3, MasteringOptions.Default.TargetLevelDbfs + 0.3);
    }

    [SkippableFact]
    public void ToTelephony_MasteringDisabled_IsTheFusedResamplerOutputInAWav()
    {
        float[] speech = SignalGenerator.SpeechLike(24_000, 24_000, seed: 2);
        byte[] wav = Transcoder.ToTelephony(new PcmAudio(speech, 24_000), OutputFormat.MuLawWav, MasteringOptions.Disabled);
        byte[] raw = Transcoder.ToTelephony(new PcmAudio(speech, 24_000), OutputFormat.RawMuLaw, MasteringOptions.Disabled);

        byte[] expected = Resampler.ResampleToMuLaw(speech, 24_000);
        Assert.Equal(expected, raw);
        Assert.Equal(IvrVoice.Audio.Wav.WavWriter.WriteMuLaw(expected, 8000), wav);
    }

    [SkippableFact]
    public void ToTelephony_MasteringDisabledPcm16_EqualsResampledAndRounded()
    {
        float[] speech = SignalGenerator.SpeechLike(16_000, 16_000, seed: 2);
        byte[] sln = Transcoder.ToTelephony(new PcmAudio(speech, 16_000), OutputFormat.RawSln, MasteringOptions.Disabled);

        float[] resampled = Resampler.Resample(speech, 16_000);
        Assert.Equal(2 * resampled.Length, sln.Length);
        for (int i = 0; i < resampled.Length; i++)
        {
            Assert.Equal(AudioEncoder.ToPcm16(resampled[i]), BitConverter.ToInt16(sln, 2 * i));
        }
    }

    [SkippableTheory]
    [InlineData(OutputFormat.MuLawWav, "8-bit u-law", "pcm_mulaw")]
    [InlineData(OutputFormat.ALawWav, "8-bit A-law", "pcm_alaw")]
    [InlineData(OutputFormat.Pcm16Wav, "16-bit Signed Integer PCM", "pcm_s16le")]
    public void ToTelephony_EveryWavFormat_SoxAndFfprobeRead8kHzMono(OutputFormat format, string soxEncoding, string ffprobeCodec)
    {
        ExternalTools.Require(ExternalTools.Sox, ExternalTools.Ffprobe);

        byte[] file = Transcoder.ToTelephony(new PcmAudio(SignalGenerator.SpeechLike(22_050, 22_050, seed: 1), 22_050), format);
        using TempDirectory folder = new();
        string path = folder.Write("out.wav", file);

        string soxInfo = ExternalTools.Run(ExternalTools.Sox, ["--i", path]).EnsureSuccess().StandardOutput;
        Assert.Contains("Sample Rate    : 8000", soxInfo, StringComparison.Ordinal);
        Assert.Contains("Channels       : 1", soxInfo, StringComparison.Ordinal);
        Assert.Contains($"Sample Encoding: {soxEncoding}", soxInfo, StringComparison.Ordinal);

        string probe = ExternalTools.Run(ExternalTools.Ffprobe, ["-v", "error", "-show_entries", "stream=codec_name,sample_rate,channels", "-of", "default=nw=1", path])
            .EnsureSuccess().StandardOutput;
        Assert.Contains($"codec_name={ffprobeCodec}", probe, StringComparison.Ordinal);
        Assert.Contains("sample_rate=8000", probe, StringComparison.Ordinal);
        Assert.Contains("channels=1", probe, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ToTelephony_RawMuLaw_SoxDecodesTheSameSamplesAsG711()
    {
        ExternalTools.Require(ExternalTools.Sox);

        byte[] ulaw = Transcoder.ToTelephony(new PcmAudio(SignalGenerator.SpeechLike(24_000, 24_000, seed: 9), 24_000), OutputFormat.RawMuLaw);
        byte[] pcm = ExternalTools.Run(ExternalTools.Sox, ["-t", "ul", "-r", "8000", "-c", "1", "-", "-t", "s16", "-"], ulaw).EnsureSuccess().StandardOutputBytes;

        Assert.Equal(2 * ulaw.Length, pcm.Length);
        for (int i = 0; i < ulaw.Length; i++)
        {
            Assert.Equal(G711.MuLawToLinear(ulaw[i]), BitConverter.ToInt16(pcm, 2 * i));
        }
    }

    [SkippableFact]
    public void ToTelephony_EncodedWavBytes_DecodesThenTranscodes()
    {
        float[] speech = SignalGenerator.SpeechLike(16_000, 16_000, seed: 5);
        byte[] input = AudioEncoder.Encode(speech, 16_000, OutputFormat.Pcm16Wav);

        byte[] viaBytes = Transcoder.ToTelephony(input);
        byte[] viaPcm = Transcoder.ToTelephony(AudioDecoder.Decode(input));
        Assert.Equal(viaPcm, viaBytes);
    }

    [SkippableTheory]
    [InlineData(true)]
    [InlineData(false)]
    public void ToTelephony_EmptyInput_IsAnEmptyWav(bool master)
    {
        byte[] wav = Transcoder.ToTelephony(new PcmAudio([], 24_000), OutputFormat.MuLawWav, master ? null : MasteringOptions.Disabled);

        Assert.Equal(IvrVoice.Audio.Wav.WavWriter.G711HeaderSize, wav.Length);
        Assert.Equal(IvrVoice.Audio.Wav.WavWriter.WriteMuLaw([], 8000), wav);
    }

    [SkippableFact]
    public void ToPreviewWav_TelephoneAudio_Is16kHzPcmOfTheSameLengthAndLevel()
    {
        float[] tone = SignalGenerator.Sine(8000, 1000, 8000, 10_000);
        byte[] wav = Transcoder.ToPreviewWav(new PcmAudio(tone, 8000));

        PcmAudio preview = AudioDecoder.Decode(wav);
        Assert.Equal(16_000, preview.SampleRate);
        Assert.Equal(16_000, preview.Samples.Length);
        double amplitude = Spectrum.ToneAmplitude(preview.Samples.AsSpan(2000, 12_000), 1000, 16_000);
        Assert.InRange(amplitude, 9990, 10_010);   // 16-bit rounding only
    }
}
