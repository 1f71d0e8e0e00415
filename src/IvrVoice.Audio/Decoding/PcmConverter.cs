using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using IvrVoice.Audio.Codecs;

namespace IvrVoice.Audio;

/// <summary>Interleaved samples of any supported layout to mono floats on the 16-bit scale.</summary>
internal static class PcmConverter
{
    // Float sources may exceed full scale; beyond 48 dB over it the values are garbage, and clamping there
    // keeps every later sum finite.
    private const double FloatLimit = 32768.0 * 256.0;

    /// <summary>Converts whole frames; a partial frame at the end is ignored.</summary>
    public static float[] ToMono(ReadOnlySpan<byte> data, SampleFormat format, int channels)
    {
        int sampleBytes = format.BytesPerSample();
        int frames = data.Length / (sampleBytes * channels);
        int samples = frames * channels;
        ReadOnlySpan<byte> whole = data[..(samples * sampleBytes)];
        float[] mono = new float[frames];
        if (channels == 1)
        {
            Convert(whole, format, mono);
            return mono;
        }

        float[] interleaved = ArrayPool<float>.Shared.Rent(samples);
        try
        {
            Convert(whole, format, interleaved.AsSpan(0, samples));
            Downmix(interleaved.AsSpan(0, samples), channels, mono);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(interleaved);
        }

        return mono;
    }

    // The average in double: many loud channels neither overflow nor lose the low bits of 24-bit sources.
    internal static void Downmix(ReadOnlySpan<float> interleaved, int channels, Span<float> mono)
    {
        for (int i = 0; i < mono.Length; i++)
        {
            ReadOnlySpan<float> frame = interleaved.Slice(i * channels, channels);
            double sum = 0;
            foreach (float sample in frame)
            {
                sum += sample;
            }

            mono[i] = (float)(sum / channels);
        }
    }

    /// <summary>Converts interleaved samples one for one (no downmix): <paramref name="destination"/> holds one float per sample.</summary>
    internal static void Convert(ReadOnlySpan<byte> data, SampleFormat format, Span<float> destination)
    {
        switch (format)
        {
            case SampleFormat.U8:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = (data[i] - 128) * 256f;
                }

                break;
            case SampleFormat.S16LE when BitConverter.IsLittleEndian:
                ReadOnlySpan<short> pcm = MemoryMarshal.Cast<byte, short>(data);
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = pcm[i];
                }

                break;
            case SampleFormat.S16LE:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt16LittleEndian(data[(2 * i)..]);
                }

                break;
            case SampleFormat.S16BE:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt16BigEndian(data[(2 * i)..]);
                }

                break;
            case SampleFormat.S24LE:
                // The three bytes go to the top of an int, so the sign comes for free; /256 keeps the low byte as a fraction.
                for (int i = 0; i < destination.Length; i++)
                {
                    int at = 3 * i;
                    destination[i] = ((data[at] << 8) | (data[at + 1] << 16) | (data[at + 2] << 24)) / 65536f;
                }

                break;
            case SampleFormat.S32LE:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = BinaryPrimitives.ReadInt32LittleEndian(data[(4 * i)..]) / 65536f;
                }

                break;
            case SampleFormat.F32LE:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = Sanitize(BinaryPrimitives.ReadSingleLittleEndian(data[(4 * i)..]) * 32768.0);
                }

                break;
            case SampleFormat.F64LE:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = Sanitize(BinaryPrimitives.ReadDoubleLittleEndian(data[(8 * i)..]) * 32768.0);
                }

                break;
            case SampleFormat.MuLaw:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = G711.DecodeMuLaw(data[i]);
                }

                break;
            case SampleFormat.ALaw:
                for (int i = 0; i < destination.Length; i++)
                {
                    destination[i] = G711.DecodeALaw(data[i]);
                }

                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "Unknown sample format.");
        }
    }

    private static float Sanitize(double value) =>
        double.IsNaN(value) ? 0f : (float)Math.Clamp(value, -FloatLimit, FloatLimit);
}
