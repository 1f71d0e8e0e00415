using IvrVoice.Audio.Resampling;
using IvrVoice.Audio.Wav;

namespace IvrVoice.Audio;

/// <summary>The whole telephony path: master, resample to 8 kHz, encode, wrap.</summary>
public static class Transcoder
{
    /// <summary>Telephone-ready bytes in <paramref name="format"/> at 8 kHz. <paramref name="mastering"/> null means the defaults (on).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The input rate cannot be resampled to 8 kHz.</exception>
    public static byte[] ToTelephony(PcmAudio input, OutputFormat format = OutputFormat.MuLawWav, MasteringOptions? mastering = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        PcmAudio source = TelephonyMastering.Apply(input, mastering ?? MasteringOptions.Default);
        const int rate = Resampler.TelephonyRate;
        return format switch
        {
            // μ-law straight from the resampler's fused path: no intermediate float array at 8 kHz.
            OutputFormat.MuLawWav => WavWriter.WriteMuLaw(Resampler.ResampleToMuLaw(source.Samples, source.SampleRate), rate),
            OutputFormat.RawMuLaw => Resampler.ResampleToMuLaw(source.Samples, source.SampleRate),
            _ => AudioEncoder.Encode(Resampler.Resample(source.Samples, source.SampleRate), rate, format),
        };
    }

    /// <summary>A 16-bit PCM WAV at <paramref name="rate"/> that browsers play, from telephone audio (for audition pages).</summary>
    public static byte[] ToPreviewWav(PcmAudio telephonyAudio, int rate = 16_000)
    {
        ArgumentNullException.ThrowIfNull(telephonyAudio);
        float[] upsampled = Resampler.Resample(telephonyAudio.Samples, telephonyAudio.SampleRate, rate);
        return AudioEncoder.Encode(upsampled, rate, OutputFormat.Pcm16Wav);
    }
}
