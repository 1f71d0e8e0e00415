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
        int header = HeaderSize(format);
        int data = checked(BytesPerSample(format) * n);
        // Every byte is written below (the header, the samples, and a G.711 WAV's pad byte), so the array need not be zeroed.
        byte[] file = GC.AllocateUninitializedArray<byte>(format is OutputFormat.MuLawWav or OutputFormat.ALawWav ? WavWriter.G711FileSize(n) : checked(header + data));
        WriteHeader(file, format, n, sampleRate);
        EncodeSamples(samples, file.AsSpan(header, data), format);
        file.AsSpan(header + data).Clear();
        return file;
    }

    /// <summary>The header's size in bytes (0 for the raw formats).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The format is unknown.</exception>
    internal static int HeaderSize(OutputFormat format) => format switch
    {
        OutputFormat.MuLawWav or OutputFormat.ALawWav => WavWriter.G711HeaderSize,
        OutputFormat.Pcm16Wav => WavWriter.Pcm16HeaderSize,
        OutputFormat.RawMuLaw or OutputFormat.RawALaw or OutputFormat.RawSln => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown output format."),
    };

    /// <summary>Bytes per encoded sample: 2 for 16-bit PCM, 1 for G.711.</summary>
    internal static int BytesPerSample(OutputFormat format) => format is OutputFormat.Pcm16Wav or OutputFormat.RawSln ? 2 : 1;

    /// <summary>Writes the header of a file of <paramref name="count"/> samples (nothing for the raw formats).</summary>
    internal static void WriteHeader(Span<byte> destination, OutputFormat format, int count, int sampleRate)
    {
        switch (format)
        {
            case OutputFormat.MuLawWav:
                WavWriter.WriteMuLawHeader(destination, count, sampleRate);
                break;
            case OutputFormat.ALawWav:
                WavWriter.WriteALawHeader(destination, count, sampleRate);
                break;
            case OutputFormat.Pcm16Wav:
                WavWriter.WritePcm16Header(destination, count, sampleRate);
                break;
        }
    }

    /// <summary>Encodes samples into <paramref name="destination"/>, <see cref="BytesPerSample"/> bytes each.</summary>
    internal static void EncodeSamples(ReadOnlySpan<float> samples, Span<byte> destination, OutputFormat format)
    {
        switch (format)
        {
            case OutputFormat.MuLawWav or OutputFormat.RawMuLaw:
                G711.EncodeMuLaw(samples, destination);
                break;
            case OutputFormat.ALawWav or OutputFormat.RawALaw:
                G711.EncodeALaw(samples, destination);
                break;
            default:
                WritePcm16(samples, destination);
                break;
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
