using System.Buffers.Binary;
using IvrVoice.Audio.Codecs;

namespace IvrVoice.Audio;

/// <summary>Interleaved samples of any supported layout to mono floats on the 16-bit scale.</summary>
internal static class PcmConverter
{
    // Float sources may exceed full scale; beyond 48 dB over it the values are garbage, and clamping there
    // keeps every later sum finite.
    private const float FloatLimit = 32768f * 256f;

    /// <summary>Converts whole frames; a partial frame at the end is ignored.</summary>
    public static float[] ToMono(ReadOnlySpan<byte> data, SampleFormat format, int channels)
    {
        int sampleBytes = format.BytesPerSample();
        int frameBytes = sampleBytes * channels;
        int frames = data.Length / frameBytes;
        float[] mono = new float[frames];
        if (channels == 1)
        {
            for (int i = 0; i < frames; i++)
            {
                mono[i] = Read(data.Slice(i * sampleBytes, sampleBytes), format);
            }

            return mono;
        }

        // Average in double so many loud channels neither overflow nor lose the low bits of 24-bit sources.
        double scale = 1.0 / channels;
        for (int i = 0; i < frames; i++)
        {
            ReadOnlySpan<byte> frame = data.Slice(i * frameBytes, frameBytes);
            double sum = 0;
            for (int c = 0; c < channels; c++)
            {
                sum += Read(frame.Slice(c * sampleBytes, sampleBytes), format);
            }

            mono[i] = (float)(sum * scale);
        }

        return mono;
    }

    private static float Read(ReadOnlySpan<byte> sample, SampleFormat format) => format switch
    {
        SampleFormat.U8 => (sample[0] - 128) * 256f,
        SampleFormat.S16LE => BinaryPrimitives.ReadInt16LittleEndian(sample),
        SampleFormat.S16BE => BinaryPrimitives.ReadInt16BigEndian(sample),
        SampleFormat.S24LE => ((sample[0] << 8) | (sample[1] << 16) | (sample[2] << 24)) / 65536f,
        SampleFormat.S32LE => BinaryPrimitives.ReadInt32LittleEndian(sample) / 65536f,
        SampleFormat.F32LE => Sanitize(BinaryPrimitives.ReadSingleLittleEndian(sample) * 32768.0),
        SampleFormat.F64LE => Sanitize(BinaryPrimitives.ReadDoubleLittleEndian(sample) * 32768.0),
        SampleFormat.MuLaw => G711.DecodeMuLaw(sample[0]),
        _ => G711.DecodeALaw(sample[0]),
    };

    private static float Sanitize(double value) =>
        double.IsNaN(value) ? 0f : (float)Math.Clamp(value, -FloatLimit, FloatLimit);
}
