using System.Runtime.InteropServices;
using IvrVoice.Audio.Resampling;
using IvrVoice.Audio.Wav;

namespace IvrVoice.Audio;

/// <summary>
/// The one telephony path: resample to 8 kHz, master (on by default), encode, wrap. Mastering runs on the 8 kHz signal,
/// so the level it measures and the peaks it limits are those of the samples that get encoded. Without mastering,
/// μ-law output comes straight from the resampler's fused path (no 8 kHz float array).
/// </summary>
public static class Transcoder
{
    private const int Rate = Resampler.TelephonyRate;

    /// <summary>Telephone-ready bytes in <paramref name="format"/> at 8 kHz. <paramref name="mastering"/> null means the defaults (on).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input rate cannot be resampled to 8 kHz, or a mastering setting is out of range.</exception>
    public static byte[] ToTelephony(PcmAudio input, OutputFormat format = OutputFormat.MuLawWav, MasteringOptions? mastering = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        mastering ??= MasteringOptions.Default;
        if (!mastering.Enabled && IsMuLaw(format))
        {
            Resampler resampler = ResamplerFrom(input.SampleRate);
            return FusedMuLaw(resampler, input.Samples, format, static (r, x, o) => r.ProcessToMuLaw(x, o));
        }

        mastering.Validate();
        return MasterAndEncode(ResamplerFrom(input.SampleRate), input.Samples, format, mastering, static (r, x, o) => r.Process(x, o));
    }

    /// <summary>
    /// Decodes any supported input (see <see cref="AudioDecoder"/>) and transcodes it as
    /// <see cref="ToTelephony(PcmAudio, OutputFormat, MasteringOptions?)"/> does. 16-bit mono PCM is resampled straight
    /// from its bytes, without a float copy of the input.
    /// </summary>
    /// <exception cref="AudioFormatException">The bytes are not audio this decoder reads.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The input rate cannot be resampled to 8 kHz, or a mastering setting is out of range.</exception>
    public static byte[] ToTelephony(ReadOnlySpan<byte> encoded, OutputFormat format = OutputFormat.MuLawWav, MasteringOptions? mastering = null,
        RawPcmFormat? rawFormat = null, AudioDecodeLimits? limits = null)
    {
        if (!AudioDecoder.TryLocatePcm16Mono(encoded, rawFormat, out Range range, out int inputRate, limits))
        {
            return ToTelephony(AudioDecoder.Decode(encoded, rawFormat, limits), format, mastering);
        }

        ReadOnlySpan<short> pcm = MemoryMarshal.Cast<byte, short>(encoded[range]);
        mastering ??= MasteringOptions.Default;
        if (!mastering.Enabled && IsMuLaw(format))
        {
            return FusedMuLaw(ResamplerFrom(inputRate), pcm, format, static (r, x, o) => r.ProcessToMuLaw(x, o));
        }

        mastering.Validate();
        return MasterAndEncode(ResamplerFrom(inputRate), pcm, format, mastering, static (r, x, o) => r.Process(x, o));
    }

    /// <summary>A resampler to 8 kHz, or the typed error bad input gets (a decodable file can still declare a rate like 17 Hz).</summary>
    private static Resampler ResamplerFrom(int inputRate) => Resampler.IsSupported(inputRate, Rate)
        ? Resampler.Create(inputRate)
        : throw new AudioFormatException(AudioErrorKind.UnsupportedSampleRate,
            $"Audio at {inputRate} Hz cannot be converted to {Rate} Hz: supported rates are 1–384 kHz with a simple ratio to 8 kHz (e.g. 11.025, 16, 22.05, 24, 32, 44.1, 48 kHz).");

    /// <summary>A 16-bit PCM WAV at <paramref name="rate"/> that browsers play, from telephone audio (for audition pages).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate pair is not supported.</exception>
    public static byte[] ToPreviewWav(PcmAudio telephonyAudio, int rate = 16_000)
    {
        ArgumentNullException.ThrowIfNull(telephonyAudio);
        float[] upsampled = Resampler.Resample(telephonyAudio.Samples, telephonyAudio.SampleRate, rate);
        return AudioEncoder.Encode(upsampled, rate, OutputFormat.Pcm16Wav);
    }

    private static bool IsMuLaw(OutputFormat format) => format is OutputFormat.MuLawWav or OutputFormat.RawMuLaw;

    private delegate int FloatStep<T>(Resampler resampler, ReadOnlySpan<T> input, Span<float> output);

    private static byte[] MasterAndEncode<T>(Resampler resampler, ReadOnlySpan<T> input, OutputFormat format, MasteringOptions mastering, FloatStep<T> process)
    {
        int count = checked((int)Resampler.GetTotalOutputLength(input.Length, resampler.InputRate, Rate));
        float[] buffer = RentPadded(count, mastering, out int pad);
        try
        {
            int written = process(resampler, input, buffer.AsSpan(pad, count));
            return AudioEncoder.Encode(buffer.AsSpan(FlushMaster(resampler, buffer, pad, count, written, mastering)), Rate, format);
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(buffer);
        }
    }

    // A buffer for the signal with a pad of zeros on each side, so mastering trims and pads in place. Pooled: a fresh one
    // of this size comes from the operating system page by page, and on some virtual machines those page faults cost
    // more than the resampling and mastering together. Every sample used is written: the pads here, the rest by the
    // resampler.
    private static float[] RentPadded(int count, MasteringOptions mastering, out int pad)
    {
        pad = mastering.Enabled ? TelephonyMastering.PadSamples(Rate, mastering) : 0;
        float[] buffer = System.Buffers.ArrayPool<float>.Shared.Rent(checked(count + (2 * pad)));
        ZeroPads(buffer, pad, count);
        return buffer;
    }

    /// <summary>Zeros the pad on each side of a signal of <paramref name="count"/> samples that starts at <paramref name="pad"/>.</summary>
    internal static void ZeroPads(Span<float> buffer, int pad, int count)
    {
        buffer[..pad].Clear();
        buffer.Slice(pad + count, pad).Clear();
    }

    /// <summary>
    /// Flushes the resampler into the rest of the signal (<paramref name="written"/> of <paramref name="count"/> samples
    /// after a pad of zeros) and masters it in place; returns the range of <paramref name="buffer"/> to encode.
    /// <paramref name="limiterGains"/>, if as long as the signal, holds the limiter's gains rather than a rented array.
    /// </summary>
    internal static Range FlushMaster(Resampler resampler, Span<float> buffer, int pad, int count, int written, MasteringOptions mastering,
        Span<float> limiterGains = default)
    {
        resampler.Flush(buffer.Slice(pad + written, count - written));
        return mastering.Enabled ? TelephonyMastering.ApplyInPlace(buffer, pad, count, Rate, mastering, limiterGains) : new Range(pad, pad + count);
    }

    private delegate int MuLawStep<T>(Resampler resampler, ReadOnlySpan<T> input, Span<byte> output);

    // The μ-law codes go straight into the file buffer, after the header when there is one.
    private static byte[] FusedMuLaw<T>(Resampler resampler, ReadOnlySpan<T> input, OutputFormat format, MuLawStep<T> process)
    {
        int count = checked((int)Resampler.GetTotalOutputLength(input.Length, resampler.InputRate, Rate));
        bool wav = format == OutputFormat.MuLawWav;
        byte[] file = new byte[wav ? WavWriter.G711FileSize(count) : count];
        if (wav)
        {
            WavWriter.WriteMuLawHeader(file, count, Rate);
        }

        Span<byte> data = file.AsSpan(wav ? WavWriter.G711HeaderSize : 0, count);
        int written = process(resampler, input, data);
        resampler.FlushToMuLaw(data[written..]);
        return file;
    }
}
