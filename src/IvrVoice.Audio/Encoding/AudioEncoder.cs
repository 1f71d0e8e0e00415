using System.Buffers.Binary;
using IvrVoice.Audio.Codecs;
using IvrVoice.Audio.Wav;

namespace IvrVoice.Audio;

/// <summary>Encodes mono float samples on the 16-bit scale, already at the target rate, into an output file.</summary>
public static class AudioEncoder
{
    /// <summary>
    /// The whole file in <paramref name="format"/>. G.711 uses the exact rule of <see cref="G711.MuLawFromFloat"/>
    /// (truncate toward zero, saturate); 16-bit PCM rounds to nearest (ties to even) and saturates; NaN becomes 0.
    /// </summary>
    public static byte[] Encode(ReadOnlySpan<float> samples, int sampleRate, OutputFormat format)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        int n = samples.Length;
        byte[] file;
        switch (format)
        {
            case OutputFormat.MuLawWav:
                file = new byte[WavWriter.G711FileSize(n)];
                WavWriter.WriteMuLawHeader(file, n, sampleRate);
                G711.EncodeMuLaw(samples, file.AsSpan(WavWriter.G711HeaderSize, n));
                return file;
            case OutputFormat.ALawWav:
                file = new byte[WavWriter.G711FileSize(n)];
                WavWriter.WriteALawHeader(file, n, sampleRate);
                G711.EncodeALaw(samples, file.AsSpan(WavWriter.G711HeaderSize, n));
                return file;
            case OutputFormat.Pcm16Wav:
                file = new byte[WavWriter.Pcm16FileSize(n)];
                WavWriter.WritePcm16Header(file, n, sampleRate);
                WritePcm16(samples, file.AsSpan(WavWriter.Pcm16HeaderSize));
                return file;
            case OutputFormat.RawMuLaw:
                file = new byte[n];
                G711.EncodeMuLaw(samples, file);
                return file;
            case OutputFormat.RawALaw:
                file = new byte[n];
                G711.EncodeALaw(samples, file);
                return file;
            case OutputFormat.RawSln:
                file = new byte[checked(2 * n)];
                WritePcm16(samples, file);
                return file;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format.");
        }
    }

    /// <summary>A float sample on the 16-bit scale rounded to int16: nearest, ties to even, saturated; NaN is 0.</summary>
    public static short ToPcm16(float sample) =>
        float.IsNaN(sample) ? (short)0 : (short)Math.Clamp(MathF.Round(sample), short.MinValue, short.MaxValue);

    private static void WritePcm16(ReadOnlySpan<float> samples, Span<byte> destination)
    {
        for (int i = 0; i < samples.Length; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(destination[(2 * i)..], ToPcm16(samples[i]));
        }
    }
}
