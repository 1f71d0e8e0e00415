using System.Buffers.Binary;
using System.Runtime.InteropServices;
using IvrVoice.Audio.Tests.Codecs;
using IvrVoice.Audio.Tests.Wav;

namespace IvrVoice.Audio.Tests.Decoding;

/// <summary>Headerless PCM, limits and the errors that are not about WAV structure.</summary>
public sealed class AudioDecoderTests
{
    [Fact]
    public void Decode_RawS16LE_ReturnsSamples()
    {
        PcmAudio audio = AudioDecoder.Decode(WavBuilder.Pcm16(-32768, 0, 32767, 5), new RawPcmFormat(24000));

        Assert.Equal(24000, audio.SampleRate);
        Assert.Equal([-32768f, 0f, 32767f, 5f], audio.Samples);
    }

    [Fact]
    public void Decode_RawS16BE_ReadsBigEndian()
    {
        Assert.Equal([258f, -2f], AudioDecoder.Decode([0x01, 0x02, 0xFF, 0xFE], new RawPcmFormat(8000, 1, RawSampleEncoding.S16BE)).Samples);
    }

    [Fact]
    public void Decode_RawF32LE_ScalesFullScale()
    {
        byte[] data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, -0.25f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), 1f);

        Assert.Equal([-8192f, 32768f], AudioDecoder.Decode(data, new RawPcmFormat(48000, 1, RawSampleEncoding.F32LE)).Samples);
    }

    [Theory]
    [InlineData(RawSampleEncoding.MuLaw)]
    [InlineData(RawSampleEncoding.ALaw)]
    public void Decode_RawG711_DecodesEveryCodeLikeAudioop(RawSampleEncoding encoding)
    {
        byte[] codes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        short[] expected = encoding == RawSampleEncoding.MuLaw ? G711Vectors.Reference.MuLawDecoded : G711Vectors.Reference.ALawDecoded;

        Assert.Equal(expected.Select(s => (float)s), AudioDecoder.Decode(codes, new RawPcmFormat(8000, 1, encoding)).Samples);
    }

    [Fact]
    public void Decode_RawStereo_AveragesAndDropsThePartialFrame()
    {
        byte[] data = [.. WavBuilder.Pcm16(10, 20, -5, 5), 0x01];

        Assert.Equal([15f, 0f], AudioDecoder.Decode(data, new RawPcmFormat(16000, 2)).Samples);
    }

    [Fact]
    public void Decode_RawStartingWithMpegFrameSync_IsStillPcm()
    {
        // FF FB 90 64 is a valid MPEG layer III frame header, and also two ordinary s16le samples; a declared raw format wins.
        byte[] data = [0xFF, 0xFB, 0x90, 0x64];

        Assert.Equal([-1025f, 25744f], AudioDecoder.Decode(data, new RawPcmFormat(24000)).Samples);
    }

    [Fact]
    public void Decode_OggWithRawFormat_IsStillNamedAsOgg()
    {
        byte[] data = [.. "OggS"u8, 0, 2, 0, 0, 0, 0, 0, 0];

        AudioFormatException error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(data, new RawPcmFormat(24000)));

        Assert.Equal(AudioErrorKind.UnsupportedCodec, error.Kind);
        Assert.Contains("Ogg", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_MpegFrameWithoutRawFormat_IsUnsupportedMp3()
    {
        AudioFormatException error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode([0xFF, 0xFB, 0x90, 0x64, 0, 0, 0, 0]));

        Assert.Equal(AudioErrorKind.UnsupportedCodec, error.Kind);
        Assert.Equal("The audio is MP3; ask the provider for WAV or PCM.", error.Message);
    }

    [Fact]
    public void Decode_UnknownBytesWithoutRawFormat_IsUnrecognisedContainer()
    {
        AudioFormatException error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode("{\"error\":\"quota\"}"u8));

        Assert.Equal(AudioErrorKind.UnrecognisedContainer, error.Kind);
        Assert.Contains("no raw PCM format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_RiffThatIsNotWave_IsUnrecognisedContainer()
    {
        Assert.Equal(AudioErrorKind.UnrecognisedContainer,
            Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode("RIFF\0\0\0\0AVI LIST"u8)).Kind);
    }

    [Fact]
    public void Decode_RiffCutShort_IsTruncated()
    {
        Assert.Equal(AudioErrorKind.Truncated, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode("RIFF\0\0"u8)).Kind);
    }

    [Fact]
    public void Decode_NoBytes_IsEmpty()
    {
        Assert.Equal(AudioErrorKind.Empty, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode([])).Kind);
        Assert.Equal(AudioErrorKind.Empty, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode([], new RawPcmFormat(8000))).Kind);
    }

    [Fact]
    public void Decode_LessThanOneRawFrame_IsEmpty()
    {
        Assert.Equal(AudioErrorKind.Empty, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode([1], new RawPcmFormat(8000))).Kind);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-8000, 1)]
    [InlineData(8000, 0)]
    [InlineData(8000, 1000)]
    [InlineData(10_000_000, 1)]
    public void Decode_ImpossibleRawFormat_IsInvalidHeader(int rate, int channels)
    {
        Assert.Equal(AudioErrorKind.InvalidHeader,
            Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(new byte[16], new RawPcmFormat(rate, channels))).Kind);
    }

    [Fact]
    public void Decode_OverTheByteCap_IsTooLargeBeforeParsing()
    {
        AudioDecodeLimits limits = new() { MaxInputBytes = 100 };
        byte[] wav = WavBuilder.MonoPcm16(8000, new short[100]);

        AudioFormatException error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav, limits: limits));

        Assert.Equal(AudioErrorKind.TooLarge, error.Kind);
        Assert.Contains("limit is 100 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_OverTheDurationCap_IsTooLarge()
    {
        AudioDecodeLimits limits = new() { MaxDuration = TimeSpan.FromSeconds(1) };
        byte[] justOver = new byte[8001];
        byte[] exactly = new byte[8000];

        Assert.Equal(AudioErrorKind.TooLarge,
            Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(justOver, new RawPcmFormat(8000, 1, RawSampleEncoding.MuLaw), limits)).Kind);
        Assert.Equal(8000, AudioDecoder.Decode(exactly, new RawPcmFormat(8000, 1, RawSampleEncoding.MuLaw), limits).Samples.Length);
    }

    [Fact]
    public void Decode_WavOverTheDurationCap_IsTooLarge()
    {
        AudioDecodeLimits limits = new() { MaxDuration = TimeSpan.FromMilliseconds(1) };

        Assert.Equal(AudioErrorKind.TooLarge,
            Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(WavBuilder.MonoPcm16(8000, new short[9]), limits: limits)).Kind);
    }

    [Fact]
    public void Decode_DefaultLimits_Are64MiBAndThirtyMinutes()
    {
        Assert.Equal(64 * 1024 * 1024, AudioDecodeLimits.Default.MaxInputBytes);
        Assert.Equal(TimeSpan.FromMinutes(30), AudioDecodeLimits.Default.MaxDuration);
    }

    [Fact]
    public void Decode_NonPositiveLimit_IsAnArgumentErrorNotAnInputError()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => AudioDecoder.Decode(new byte[2], new RawPcmFormat(8000), new AudioDecodeLimits { MaxInputBytes = 0 }));
    }

    [Fact]
    public void TryLocatePcm16Mono_SixteenBitMonoWav_ReturnsTheWholeSamplesInPlace()
    {
        byte[] wav = [.. WavBuilder.MonoPcm16(24000, 7, -8, 9), 0x55];   // a stray byte after the data chunk's end
        byte[] cut = wav[..^2];                                          // and a cut one that ends mid-sample

        Assert.True(AudioDecoder.TryLocatePcm16Mono(wav, null, out Range samples, out int rate));
        Assert.Equal(24000, rate);
        Assert.Equal(new short[] { 7, -8, 9 }, MemoryMarshal.Cast<byte, short>(wav.AsSpan()[samples]).ToArray());

        Assert.True(AudioDecoder.TryLocatePcm16Mono(cut, null, out Range cutSamples, out _));
        Assert.Equal(new short[] { 7, -8 }, MemoryMarshal.Cast<byte, short>(cut.AsSpan()[cutSamples]).ToArray());
    }

    [Fact]
    public void TryLocatePcm16Mono_RawS16LEMono_ReturnsWholeSamples()
    {
        byte[] raw = [.. WavBuilder.Pcm16(1, 2), 3];

        Assert.True(AudioDecoder.TryLocatePcm16Mono(raw, new RawPcmFormat(16000), out Range samples, out int rate));
        Assert.Equal(16000, rate);
        Assert.Equal(0..4, samples);
    }

    [Fact]
    public void TryLocatePcm16Mono_OtherValidLayouts_ReturnFalse()
    {
        byte[] stereo = new WavBuilder().Format(1, 2, 8000, 16).Data(new byte[8]).Build();
        byte[] wide = new WavBuilder().Format(1, 1, 8000, 24).Data(new byte[6]).Build();

        Assert.False(AudioDecoder.TryLocatePcm16Mono(stereo, null, out _, out _));
        Assert.False(AudioDecoder.TryLocatePcm16Mono(wide, null, out _, out _));
        Assert.False(AudioDecoder.TryLocatePcm16Mono(new byte[4], new RawPcmFormat(8000, 1, RawSampleEncoding.MuLaw), out _, out _));
        Assert.False(AudioDecoder.TryLocatePcm16Mono(new byte[4], new RawPcmFormat(8000, 1, RawSampleEncoding.S16BE), out _, out _));
    }

    [Fact]
    public void TryLocatePcm16Mono_BadInput_ThrowsLikeDecode()
    {
        Assert.Equal(AudioErrorKind.UnsupportedCodec,
            Assert.Throws<AudioFormatException>(() => AudioDecoder.TryLocatePcm16Mono([0xFF, 0xFB, 0x90, 0x64, 0, 0], null, out _, out _)).Kind);
        Assert.Equal(AudioErrorKind.TooLarge,
            Assert.Throws<AudioFormatException>(() => AudioDecoder.TryLocatePcm16Mono(new byte[20], new RawPcmFormat(8000), out _, out _, new AudioDecodeLimits { MaxInputBytes = 10 })).Kind);
    }
}
