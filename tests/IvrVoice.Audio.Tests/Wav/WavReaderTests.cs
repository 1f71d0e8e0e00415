using System.Buffers.Binary;
using IvrVoice.Audio.Tests.Codecs;

namespace IvrVoice.Audio.Tests.Wav;

/// <summary>WAV parsing through <see cref="AudioDecoder"/>, on byte arrays built to show one quirk each.</summary>
public sealed class WavReaderTests
{
    private static readonly short[] Samples = [0, 1, -1, 1000, -1000, short.MaxValue, short.MinValue, 12345];

    [Fact]
    public void Decode_Pcm16Mono_ReturnsSamplesAndRate()
    {
        PcmAudio audio = AudioDecoder.Decode(WavBuilder.MonoPcm16(24000, Samples));

        Assert.Equal(24000, audio.SampleRate);
        Assert.Equal(Samples.Select(s => (float)s), audio.Samples);
    }

    [Fact]
    public void Decode_Pcm8_MapsUnsignedToSixteenBitScale()
    {
        byte[] wav = new WavBuilder().Format(1, 1, 8000, 8).Data([0, 128, 255, 1]).Build();

        Assert.Equal([-32768f, 0f, 32512f, -32512f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_Pcm24_KeepsTheLowBitsAsFractions()
    {
        // 0x123456 and -2 (0xFFFFFE) and full-scale negative 0x800000
        byte[] wav = new WavBuilder().Format(1, 1, 48000, 24).Data([0x56, 0x34, 0x12, 0xFE, 0xFF, 0xFF, 0x00, 0x00, 0x80]).Build();

        Assert.Equal([0x123456 / 256f, -2 / 256f, -32768f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_Pcm32_ScalesToSixteenBits()
    {
        byte[] data = new byte[12];
        BinaryPrimitives.WriteInt32LittleEndian(data, int.MinValue);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(4), 0x7FFF0000);
        BinaryPrimitives.WriteInt32LittleEndian(data.AsSpan(8), 0x00018000);
        byte[] wav = new WavBuilder().Format(1, 1, 16000, 32).Data(data).Build();

        Assert.Equal([-32768f, 32767f, 1.5f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_Float32_ScalesFullScaleToSixteenBits()
    {
        byte[] data = new byte[16];
        BinaryPrimitives.WriteSingleLittleEndian(data, 0.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), -1f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(8), float.NaN);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(12), 1.5f);
        byte[] wav = new WavBuilder().Format(3, 1, 24000, 32).Data(data).Build();

        Assert.Equal([16384f, -32768f, 0f, 49152f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_Float64_ScalesAndClampsNonFiniteValues()
    {
        byte[] data = new byte[24];
        BinaryPrimitives.WriteDoubleLittleEndian(data, 0.25);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(8), double.PositiveInfinity);
        BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(16), -1e300);
        byte[] wav = new WavBuilder().Format(3, 1, 24000, 64).Data(data).Build();

        float[] samples = AudioDecoder.Decode(wav).Samples;

        Assert.Equal(8192f, samples[0]);
        Assert.True(float.IsFinite(samples[1]) && samples[1] >= 32768f);
        Assert.True(float.IsFinite(samples[2]) && samples[2] <= -32768f);
    }

    [Theory]
    [InlineData(7)]
    [InlineData(6)]
    public void Decode_G711Wav_DecodesEveryCodeLikeAudioop(ushort tag)
    {
        byte[] codes = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        byte[] wav = new WavBuilder().Format(tag, 1, 8000, 8, withExtraSize: true).Chunk("fact", [0, 1, 0, 0]).Data(codes).Build();

        short[] expected = tag == 7 ? G711Vectors.Reference.MuLawDecoded : G711Vectors.Reference.ALawDecoded;
        Assert.Equal(expected.Select(s => (float)s), AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_Stereo_AveragesChannels()
    {
        byte[] wav = new WavBuilder().Format(1, 2, 44100, 16).Data(WavBuilder.Pcm16(1000, 3000, -32768, -32768, 1, 2)).Build();

        PcmAudio audio = AudioDecoder.Decode(wav);

        Assert.Equal(44100, audio.SampleRate);
        Assert.Equal([2000f, -32768f, 1.5f], audio.Samples);
    }

    [Fact]
    public void Decode_SixChannels_AveragesAllOfThem()
    {
        byte[] wav = new WavBuilder().Format(1, 6, 48000, 16).Data(WavBuilder.Pcm16(6, 0, 0, 0, 0, 0, 1, 2, 3, 4, 5, 6)).Build();

        Assert.Equal([1f, 3.5f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_ExtensiblePcm24_ReadsTheSubFormat()
    {
        byte[] wav = new WavBuilder().ExtensibleFormat(1, 1, 96000, 24, 24).Data([0x00, 0x01, 0x00, 0x00, 0x00, 0x80]).Build();

        PcmAudio audio = AudioDecoder.Decode(wav);

        Assert.Equal(96000, audio.SampleRate);
        Assert.Equal([1f, -32768f], audio.Samples);
    }

    [Fact]
    public void Decode_ExtensibleFloat_ReadsTheSubFormat()
    {
        byte[] data = new byte[8];
        BinaryPrimitives.WriteSingleLittleEndian(data, -0.5f);
        BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(4), 0.5f);
        byte[] wav = new WavBuilder().ExtensibleFormat(3, 2, 48000, 32, 32).Data(data).Build();

        Assert.Equal([0f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_Extensible20BitIn24_ReadsTheContainer()
    {
        // 20 valid bits left-justified in a 24-bit container: the container value is the sample.
        byte[] wav = new WavBuilder().ExtensibleFormat(1, 1, 48000, 24, 20).Data([0x00, 0x00, 0x40]).Build();

        Assert.Equal([16384f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_ExtensibleUnknownGuid_IsUnsupportedCodec()
    {
        byte[] wav = new WavBuilder().ExtensibleFormat(1, 1, 48000, 16, 16, Guid.Parse("00000001-0721-11d3-8644-c8c1ca000000")).Data(WavBuilder.Pcm16(1)).Build();

        AudioFormatException error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav));

        Assert.Equal(AudioErrorKind.UnsupportedCodec, error.Kind);
        Assert.Contains("sub-format", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ListAndUnknownChunksAroundFormat_AreSkipped()
    {
        byte[] wav = new WavBuilder()
            .Chunk("JUNK", new byte[28])
            .Chunk("LIST", "INFOISFT\u0005\0\0\0Lavf\0\0"u8)
            .Format(1, 1, 22050, 16)
            .Chunk("bext", new byte[10])
            .Chunk("fact", [3, 0, 0, 0])
            .Data(WavBuilder.Pcm16(7, 8, 9))
            .Chunk("LIST", "INFOICMT\u0003\0\0\0hi\0\0"u8)
            .Build();

        PcmAudio audio = AudioDecoder.Decode(wav);

        Assert.Equal(22050, audio.SampleRate);
        Assert.Equal([7f, 8f, 9f], audio.Samples);
    }

    [Fact]
    public void Decode_OddSizeChunkWithPadByte_SkipsThePad()
    {
        byte[] wav = new WavBuilder().Chunk("note", [1, 2, 3]).Format(1, 1, 8000, 16).Data(WavBuilder.Pcm16(42)).Build();

        Assert.Equal([42f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_OddSizeChunkWithoutPadByte_StillFindsTheNextChunk()
    {
        // Some writers forget the pad byte; the next id then starts one byte early.
        byte[] wav = new WavBuilder().Chunk("note", [1, 2, 3], pad: false).Format(1, 1, 8000, 16).Data(WavBuilder.Pcm16(42)).Build();

        Assert.Equal([42f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_OddLengthMuLawDataFollowedByChunk_ExcludesPadAndChunk()
    {
        byte[] wav = new WavBuilder().Format(7, 1, 8000, 8).Data([0xFF, 0x80, 0x00]).Chunk("LIST", new byte[12]).Build();

        Assert.Equal([0f, 32124f, -32124f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_DataBeforeFormat_IsFoundAfterward()
    {
        byte[] wav = new WavBuilder().Data(WavBuilder.Pcm16(5, 6)).Format(1, 1, 16000, 16).Build();

        PcmAudio audio = AudioDecoder.Decode(wav);

        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal([5f, 6f], audio.Samples);
    }

    [Theory]
    [InlineData(0u, 0u)]
    [InlineData(0xFFFFFFFFu, 0xFFFFFFFFu)]
    [InlineData(0x7FFFF024u, 0x7FFFF000u)]   // what sox writes when its output is a pipe
    [InlineData(36u + 6u, 0xFFFFFFFFu)]
    public void Decode_StreamingHeaderSizes_TakeDataToTheEnd(uint riffSize, uint dataSize)
    {
        WavBuilder builder = new() { RiffSize = riffSize };
        byte[] wav = builder.Format(1, 1, 24000, 16).Data(WavBuilder.Pcm16(1, 2, 3), declaredSize: dataSize).Build();

        Assert.Equal([1f, 2f, 3f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_DataSizeZeroWithStreamingRiffSize_TakesDataToTheEnd()
    {
        WavBuilder builder = new() { RiffSize = 0xFFFFFFFF };
        byte[] wav = builder.Format(1, 1, 24000, 16).Data(WavBuilder.Pcm16(4, 5), declaredSize: 0).Build();

        Assert.Equal([4f, 5f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_Rf64WithDs64_ReadsTheDataSizeFromDs64()
    {
        byte[] ds64 = new byte[28];
        BinaryPrimitives.WriteInt64LittleEndian(ds64.AsSpan(8), 4);   // data size: two samples; a trailing chunk follows
        WavBuilder builder = new() { Magic = "RF64", RiffSize = 0xFFFFFFFF };
        byte[] wav = builder.Chunk("ds64", ds64).Format(1, 1, 24000, 16).Data(WavBuilder.Pcm16(9, 10), declaredSize: 0xFFFFFFFF).Chunk("LIST", new byte[8]).Build();

        Assert.Equal([9f, 10f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_TruncatedData_UsesTheWholeSamplesPresent()
    {
        byte[] full = WavBuilder.MonoPcm16(24000, 100, 200, 300);
        byte[] cut = full[..^1];   // the last sample loses its high byte

        Assert.Equal([100f, 200f], AudioDecoder.Decode(cut).Samples);
    }

    [Fact]
    public void Decode_TruncatedStereoFrame_DropsThePartialFrame()
    {
        byte[] wav = new WavBuilder().Format(1, 2, 8000, 16).Data(WavBuilder.Pcm16(2, 4, 6)).Build();

        Assert.Equal([3f], AudioDecoder.Decode(wav).Samples);
    }

    [Fact]
    public void Decode_HeaderWithoutSamples_IsEmpty()
    {
        byte[] wav = new WavBuilder().Format(1, 1, 8000, 16).Data([]).Build();

        Assert.Equal(AudioErrorKind.Empty, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav)).Kind);
    }

    [Fact]
    public void Decode_OneByteOfSixteenBitData_IsEmpty()
    {
        byte[] wav = new WavBuilder().Format(1, 1, 8000, 16).Data([7], declaredSize: 2, pad: false).Build();

        Assert.Equal(AudioErrorKind.Empty, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav)).Kind);
    }

    [Theory]
    [InlineData(0x55, "MP3")]
    [InlineData(0x02, "MS ADPCM")]
    [InlineData(0x11, "IMA ADPCM")]
    [InlineData(0x31, "GSM 6.10")]
    [InlineData(0x1234, "0x1234")]
    public void Decode_CompressedFormatTag_NamesTheCodec(int tag, string name)
    {
        byte[] wav = new WavBuilder().Format((ushort)tag, 1, 8000, 4, withExtraSize: true).Data(new byte[64]).Build();

        AudioFormatException error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav));

        Assert.Equal(AudioErrorKind.UnsupportedCodec, error.Kind);
        Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 40)]
    [InlineData(3, 16)]
    [InlineData(7, 16)]
    public void Decode_UnsupportedBitDepth_IsUnsupportedCodec(int tag, int bits)
    {
        byte[] wav = new WavBuilder().Format((ushort)tag, 1, 8000, bits).Data(new byte[64]).Build();

        Assert.Equal(AudioErrorKind.UnsupportedCodec, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav)).Kind);
    }

    [Theory]
    [InlineData(0, 8000, "0 channels")]
    [InlineData(1, 0, "sample rate of 0")]
    [InlineData(65, 8000, "65 channels")]
    [InlineData(1, 400_000, "400000 Hz")]
    public void Decode_ImpossibleHeaderField_IsInvalidHeader(int channels, int sampleRate, string expected)
    {
        byte[] wav = new WavBuilder().Format(1, channels, sampleRate, 16).Data(new byte[64]).Build();

        AudioFormatException error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav));

        Assert.Equal(AudioErrorKind.InvalidHeader, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_FormatChunkTooShort_IsInvalidHeader()
    {
        byte[] wav = new WavBuilder().Chunk("fmt ", new byte[14]).Data(new byte[4]).Build();

        Assert.Equal(AudioErrorKind.InvalidHeader, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav)).Kind);
    }

    [Fact]
    public void Decode_FormatChunkCutShort_IsTruncated()
    {
        byte[] wav = WavBuilder.MonoPcm16(8000, 1, 2)[..30];

        Assert.Equal(AudioErrorKind.Truncated, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav)).Kind);
    }

    [Fact]
    public void Decode_NoDataChunk_IsTruncated()
    {
        byte[] wav = new WavBuilder().Format(1, 1, 8000, 16).Build();

        Assert.Equal(AudioErrorKind.Truncated, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav)).Kind);
    }

    [Fact]
    public void Decode_DataWithoutFormat_IsInvalidHeader()
    {
        byte[] wav = new WavBuilder().Data(WavBuilder.Pcm16(1, 2)).Build();

        Assert.Equal(AudioErrorKind.InvalidHeader, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav)).Kind);
    }

    [Fact]
    public void Decode_BigEndianRifx_IsUnsupported()
    {
        byte[] wav = new WavBuilder { Magic = "RIFX" }.Format(1, 1, 8000, 16).Data(WavBuilder.Pcm16(1)).Build();

        AudioFormatException error = Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(wav));

        Assert.Equal(AudioErrorKind.UnsupportedCodec, error.Kind);
        Assert.Contains("RIFX", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_WavWithRawFormatGiven_IgnoresTheRawFormat()
    {
        byte[] wav = WavBuilder.MonoPcm16(16000, 1, 2, 3);

        PcmAudio audio = AudioDecoder.Decode(wav, new RawPcmFormat(24000, 2, RawSampleEncoding.MuLaw));

        Assert.Equal(16000, audio.SampleRate);
        Assert.Equal([1f, 2f, 3f], audio.Samples);
    }
}
