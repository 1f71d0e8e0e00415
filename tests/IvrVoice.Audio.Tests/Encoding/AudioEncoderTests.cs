using IvrVoice.Audio.Tests.Codecs;
using IvrVoice.Audio.Tests.Wav;
using IvrVoice.Audio.Wav;

// Not IvrVoice.Audio.Tests.Encoding: a namespace of that name would hide System.Text.Encoding from every test.
namespace IvrVoice.Audio.Tests;

public sealed class AudioEncoderTests
{
    // Truncation, saturation and NaN cases; each expected code is audioop's code of the integer named beside it.
    private static readonly float[] Samples = [0.9f, -0.9f, -1.5f, 100.7f, -100.7f, 32767.9f, 50000f, -50000f, float.NaN, 8031.5f, -3f];
    private static readonly int[] Truncated = [0, 0, -1, 100, -100, 32767, 32767, -32768, 0, 8031, -3];

    [Fact]
    public void Encode_MuLawWav_IsHeaderPlusAudioopCodesOfTruncatedSamples()
    {
        byte[] file = AudioEncoder.Encode(Samples, 8000, OutputFormat.MuLawWav);

        byte[] codes = Truncated.Select(G711Vectors.Reference.MuLaw).ToArray();
        Assert.Equal(WavWriter.WriteMuLaw(codes, 8000), file);
    }

    [Fact]
    public void Encode_ALawWav_IsHeaderPlusAudioopCodesOfTruncatedSamples()
    {
        byte[] file = AudioEncoder.Encode(Samples, 8000, OutputFormat.ALawWav);

        byte[] codes = Truncated.Select(G711Vectors.Reference.ALaw).ToArray();
        Assert.Equal(WavWriter.WriteALaw(codes, 8000), file);
    }

    [Fact]
    public void Encode_RawG711_IsJustTheCodes()
    {
        Assert.Equal(Truncated.Select(G711Vectors.Reference.MuLaw), AudioEncoder.Encode(Samples, 8000, OutputFormat.RawMuLaw));
        Assert.Equal(Truncated.Select(G711Vectors.Reference.ALaw), AudioEncoder.Encode(Samples, 8000, OutputFormat.RawALaw));
    }

    [Fact]
    public void Encode_Pcm16_RoundsToNearestEvenAndSaturates()
    {
        float[] samples = [0.5f, 1.5f, 2.5f, -0.5f, -1.5f, 0.51f, -0.51f, 32767.4f, 32767.6f, -32768.6f, 1e9f, float.NaN, float.NegativeInfinity];
        short[] expected = [0, 2, 2, 0, -2, 1, -1, 32767, 32767, -32768, 32767, 0, -32768];

        byte[] sln = AudioEncoder.Encode(samples, 8000, OutputFormat.RawSln);
        byte[] wav = AudioEncoder.Encode(samples, 8000, OutputFormat.Pcm16Wav);

        Assert.Equal(WavBuilder.Pcm16(expected), sln);
        Assert.Equal(WavWriter.WritePcm16(expected, 8000), wav);
    }

    [Theory]
    [InlineData(OutputFormat.MuLawWav)]
    [InlineData(OutputFormat.ALawWav)]
    [InlineData(OutputFormat.Pcm16Wav)]
    public void Encode_WavThenDecode_RoundTripsWithinOneQuantisationStep(OutputFormat format)
    {
        float[] tone = Enumerable.Range(0, 8000).Select(i => 20000f * MathF.Sin(2 * MathF.PI * 1000 * i / 8000f)).ToArray();

        PcmAudio audio = AudioDecoder.Decode(AudioEncoder.Encode(tone, 8000, format));

        Assert.Equal(8000, audio.SampleRate);
        Assert.Equal(tone.Length, audio.Samples.Length);
        // G.711's largest step is 1024 (μ-law, top segment); PCM16 is within a half.
        float tolerance = format == OutputFormat.Pcm16Wav ? 0.5f : 1024f;
        for (int i = 0; i < tone.Length; i++)
        {
            Assert.InRange(audio.Samples[i] - tone[i], -tolerance, tolerance);
        }
    }

    [Fact]
    public void Encode_Empty_GivesHeaderOnlyOrNothing()
    {
        Assert.Equal(WavWriter.G711HeaderSize, AudioEncoder.Encode([], 8000, OutputFormat.MuLawWav).Length);
        Assert.Empty(AudioEncoder.Encode([], 8000, OutputFormat.RawSln));
    }

    [Fact]
    public void Encode_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioEncoder.Encode([1f], 0, OutputFormat.MuLawWav));
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioEncoder.Encode([1f], 8000, (OutputFormat)99));
    }
}
