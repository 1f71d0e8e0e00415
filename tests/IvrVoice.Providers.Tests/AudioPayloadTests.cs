using System.Buffers.Binary;
using IvrVoice.Audio;
using IvrVoice.Providers.Adapters;

namespace IvrVoice.Providers.Tests;

public sealed class AudioPayloadTests
{
    [Theory]
    [InlineData("audio/pcm;rate=24000;channels=1")]
    [InlineData("audio/L16;codec=pcm;rate=24000")]
    [InlineData(null)]                                   // no type: the route's documented raw format applies
    public void Decode_RawPcmStartingWithMinusOne_IsPcmNotMistakenForMp3(string? contentType)
    {
        // -1, -1, then a tone: the first bytes FF FF FF FF look like an MPEG frame sync.
        byte[] bytes = Pcm(24_000, i => i < 2 ? (short)-1 : (short)(8000 * Math.Sin(2 * Math.PI * 440 * i / 24_000.0)));

        PcmAudio pcm = AudioPayload.Decode(bytes, contentType, new RawPcmFormat(24_000), 1 << 20);

        Assert.Equal(24_000, pcm.SampleRate);
        Assert.Equal(24_000, pcm.Samples.Length);
        Assert.Equal(-1f, pcm.Samples[0]);
    }

    [Fact]
    public void Decode_DeclaredMpegWithEmptyMp3Frames_RejectedNamingMp3()
    {
        // A frame header with nothing behind it: MP3 is decoded now, and this one holds no audio.
        byte[] mp3 = [(byte)'I', (byte)'D', (byte)'3', 4, 0, 0, 0, 0, 0, 0, 0xFF, 0xFB, 0x90, 0x64, .. new byte[413]];

        AudioFormatException error = Assert.Throws<AudioFormatException>(() => AudioPayload.Decode(mp3, "audio/mpeg", null, 1 << 20));

        Assert.Contains(error.Kind, new[] { AudioErrorKind.Empty, AudioErrorKind.InvalidHeader });
        Assert.Contains("MP3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_WavBytesWithRawFallback_ReadsTheWavHeader()
    {
        byte[] pcm = Pcm(16_000, i => (short)(8000 * Math.Sin(2 * Math.PI * 300 * i / 16_000.0)));
        byte[] wav = WavWriterForTest(pcm, 16_000);

        PcmAudio decoded = AudioPayload.Decode(wav, "application/octet-stream", new RawPcmFormat(24_000), 1 << 20);

        Assert.Equal(16_000, decoded.SampleRate);
        Assert.Equal(16_000, decoded.Samples.Length);
    }

    [Fact]
    public void Decode_DigitalSilence_Rejected() =>
        Assert.Throws<AudioFormatException>(() => AudioPayload.Decode(new byte[48_000], "audio/pcm;rate=24000", null, 1 << 20));

    private static byte[] Pcm(int samples, Func<int, short> sample)
    {
        byte[] bytes = new byte[samples * 2];
        for (int i = 0; i < samples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(bytes.AsSpan(2 * i), sample(i));
        }

        return bytes;
    }

    // A minimal canonical WAV written here, independent of the code under test.
    private static byte[] WavWriterForTest(byte[] pcm, int rate)
    {
        byte[] file = new byte[44 + pcm.Length];
        "RIFF"u8.CopyTo(file);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(4), file.Length - 8);
        "WAVEfmt "u8.CopyTo(file.AsSpan(8));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(16), 16);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(20), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(22), 1);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(24), rate);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(28), rate * 2);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(32), 2);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(34), 16);
        "data"u8.CopyTo(file.AsSpan(36));
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(40), pcm.Length);
        pcm.CopyTo(file, 44);
        return file;
    }
}
