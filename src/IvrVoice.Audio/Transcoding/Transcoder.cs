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
    /// <summary>Telephone-ready bytes in <paramref name="format"/> at 8 kHz. <paramref name="mastering"/> null means the defaults (on).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input rate cannot be resampled to 8 kHz, or a mastering setting is out of range.</exception>
    public static byte[] ToTelephony(PcmAudio input, OutputFormat format = OutputFormat.MuLawWav, MasteringOptions? mastering = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        mastering ??= MasteringOptions.Default;
        const int rate = Resampler.TelephonyRate;
        if (!mastering.Enabled && format is OutputFormat.MuLawWav or OutputFormat.RawMuLaw)
        {
            return FusedMuLaw(input, format == OutputFormat.MuLawWav);
        }

        mastering.Validate();
        float[] telephone = Resampler.Resample(input.Samples, input.SampleRate, rate);
        PcmAudio mastered = TelephonyMastering.Apply(new PcmAudio(telephone, rate), mastering);
        return AudioEncoder.Encode(mastered.Samples, rate, format);
    }

    /// <summary>Decodes any supported input (see <see cref="AudioDecoder"/>) and returns <see cref="ToTelephony(PcmAudio, OutputFormat, MasteringOptions?)"/>.</summary>
    /// <exception cref="AudioFormatException">The bytes are not audio this decoder reads.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The input rate cannot be resampled to 8 kHz.</exception>
    public static byte[] ToTelephony(ReadOnlySpan<byte> encoded, OutputFormat format = OutputFormat.MuLawWav, MasteringOptions? mastering = null,
        RawPcmFormat? rawFormat = null, AudioDecodeLimits? limits = null) =>
        ToTelephony(AudioDecoder.Decode(encoded, rawFormat, limits), format, mastering);

    /// <summary>A 16-bit PCM WAV at <paramref name="rate"/> that browsers play, from telephone audio (for audition pages).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rate pair is not supported.</exception>
    public static byte[] ToPreviewWav(PcmAudio telephonyAudio, int rate = 16_000)
    {
        ArgumentNullException.ThrowIfNull(telephonyAudio);
        float[] upsampled = Resampler.Resample(telephonyAudio.Samples, telephonyAudio.SampleRate, rate);
        return AudioEncoder.Encode(upsampled, rate, OutputFormat.Pcm16Wav);
    }

    private static byte[] FusedMuLaw(PcmAudio input, bool wav)
    {
        Resampler resampler = Resampler.Create(input.SampleRate);
        int count = checked((int)Resampler.GetTotalOutputLength(input.Samples.Length, input.SampleRate, Resampler.TelephonyRate));
        int header = wav ? WavWriter.G711HeaderSize : 0;
        byte[] file = new byte[wav ? WavWriter.G711FileSize(count) : count];
        if (wav)
        {
            WavWriter.WriteMuLawHeader(file, count, Resampler.TelephonyRate);
        }

        Span<byte> data = file.AsSpan(header, count);
        int written = resampler.ProcessToMuLaw(input.Samples, data);
        resampler.FlushToMuLaw(data[written..]);
        return file;
    }
}
