using System.Buffers;
using IvrVoice.Audio.Wav;

namespace IvrVoice.Audio.Tests.Wav;

public sealed class WavWriterTests
{
    [Fact]
    public void WriteMuLaw_ThreeCodes_WritesTheCanonicalG711Layout()
    {
        byte[] file = WavWriter.WriteMuLaw([0xFF, 0x80, 0x00], 8000);

        byte[] expected = Convert.FromHexString(
            "52494646" + "36000000" + "57415645" +                       // RIFF, 58 - 8 + 3 + 1 pad = 54, WAVE
            "666d7420" + "12000000" +                                    // 'fmt ', 18
            "0700" + "0100" + "401f0000" + "401f0000" + "0100" + "0800" + "0000" +   // μ-law, mono, 8000, 8000 B/s, align 1, 8 bits, cbSize 0
            "66616374" + "04000000" + "03000000" +                       // fact: 3 samples
            "64617461" + "03000000" + "ff8000" + "00");                  // data, 3 bytes, pad
        Assert.Equal(expected, file);
    }

    [Fact]
    public void WriteALaw_UsesFormatTagSix()
    {
        byte[] file = WavWriter.WriteALaw([0xD5, 0x55], 8000);

        Assert.Equal(WavWriter.G711HeaderSize + 2, file.Length);
        Assert.Equal(6, BitConverter.ToUInt16(file, 20));
        Assert.Equal(2, BitConverter.ToInt32(file, 46));
    }

    [Fact]
    public void WritePcm16_TwoSamples_WritesTheCanonical44ByteHeader()
    {
        byte[] file = WavWriter.WritePcm16([1, -2], 16000);

        byte[] expected = Convert.FromHexString(
            "52494646" + "28000000" + "57415645" +
            "666d7420" + "10000000" + "0100" + "0100" + "803e0000" + "007d0000" + "0200" + "1000" +
            "64617461" + "04000000" + "0100" + "feff");
        Assert.Equal(expected, file);
    }

    [Fact]
    public void WriteMuLaw_Empty_IsAValidHeaderOnlyFile()
    {
        byte[] file = WavWriter.WriteMuLaw([], 8000);

        Assert.Equal(WavWriter.G711HeaderSize, file.Length);
        Assert.Equal(AudioErrorKind.Empty, Assert.Throws<AudioFormatException>(() => AudioDecoder.Decode(file)).Kind);
    }

    [Fact]
    public void WriteMuLaw_BufferWriter_MatchesTheArrayOverload()
    {
        ArrayBufferWriter<byte> writer = new();
        writer.Write(new byte[] { 9, 9 });   // something already in the buffer stays in front

        WavWriter.WriteMuLaw(writer, [1, 2, 3], 8000);

        Assert.Equal([9, 9, .. WavWriter.WriteMuLaw([1, 2, 3], 8000)], writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void WriteMuLawHeader_ThenCodesInPlace_EqualsWriteMuLaw()
    {
        byte[] codes = [5, 6, 7, 8, 9];
        byte[] file = new byte[WavWriter.G711FileSize(codes.Length)];

        WavWriter.WriteMuLawHeader(file, codes.Length, 8000);
        codes.CopyTo(file, WavWriter.G711HeaderSize);

        Assert.Equal(WavWriter.WriteMuLaw(codes, 8000), file);
    }

    [Fact]
    public void WritePcm16_ReadBackByTheDecoder_ReturnsTheSamples()
    {
        short[] samples = [short.MinValue, -1, 0, 1, short.MaxValue];

        PcmAudio audio = AudioDecoder.Decode(WavWriter.WritePcm16(samples, 11025));

        Assert.Equal(11025, audio.SampleRate);
        Assert.Equal(samples.Select(s => (float)s), audio.Samples);
    }

    [Fact]
    public void WriteHeader_DestinationTooSmallOrBadArguments_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => WavWriter.WriteMuLawHeader(new byte[57], 0, 8000));
        Assert.Throws<ArgumentOutOfRangeException>(() => WavWriter.WritePcm16Header(new byte[44], -1, 8000));
        Assert.Throws<ArgumentOutOfRangeException>(() => WavWriter.WriteALaw([1], 0));
    }
}
