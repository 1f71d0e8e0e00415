namespace IvrVoice.Audio;

/// <summary>Applies <see cref="MasteringOptions"/> to a signal at its own rate, before resampling.</summary>
public static class TelephonyMastering
{
    /// <summary>Gain ramps up again over this long after a peak, so the limiter does not pump audibly.</summary>
    private const double ReleaseSeconds = 0.08;

    /// <summary>Gain ramps down over this long before a peak (look-ahead), so the limiter does not click.</summary>
    private const double AttackSeconds = 0.005;

    public static PcmAudio Apply(PcmAudio audio, MasteringOptions options)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.Enabled)
        {
            return audio;
        }

        float[] trimmed = TrimToPad(audio, options.PadMilliseconds);
        AudioStats stats = AudioAnalysis.Analyze(new PcmAudio(trimmed, audio.SampleRate));
        if (double.IsNegativeInfinity(stats.ActiveLevelDbfs))
        {
            return new PcmAudio(trimmed, audio.SampleRate); // nothing to normalise: QA decides what silence means
        }

        double gainDb = Math.Min(options.MaxGainDb, options.TargetLevelDbfs - stats.ActiveLevelDbfs);
        float gain = (float)Math.Pow(10, gainDb / 20);
        for (int i = 0; i < trimmed.Length; i++)
        {
            trimmed[i] *= gain;
        }
        Limit(trimmed, audio.SampleRate, (float)(32768 * Math.Pow(10, options.PeakCeilingDbfs / 20)));
        return new PcmAudio(trimmed, audio.SampleRate);
    }

    /// <summary>Keeps the active part plus exactly <paramref name="padMilliseconds"/> before and after (zeros where the source has less).</summary>
    private static float[] TrimToPad(PcmAudio audio, int padMilliseconds)
    {
        float[] samples = audio.Samples;
        int frame = AudioAnalysis.FrameLength(audio.SampleRate);
        double[] energies = AudioAnalysis.FrameEnergies(samples, frame);
        double loudest = energies.Length == 0 ? 0 : energies.Max();
        int first = Array.FindIndex(energies, e => AudioAnalysis.IsActive(e, loudest));
        if (first < 0)
        {
            return (float[])samples.Clone();
        }
        int last = Array.FindLastIndex(energies, e => AudioAnalysis.IsActive(e, loudest));
        int pad = (int)((long)audio.SampleRate * padMilliseconds / 1000);
        int activeStart = first * frame;
        int activeEnd = Math.Min(samples.Length, (last + 1) * frame);
        int keepStart = Math.Max(0, activeStart - pad);
        int keepEnd = Math.Min(samples.Length, activeEnd + pad);
        int leadZeros = pad - (activeStart - keepStart);
        int tailZeros = pad - (keepEnd - activeEnd);

        float[] result = new float[leadZeros + (keepEnd - keepStart) + tailZeros];
        samples.AsSpan(keepStart, keepEnd - keepStart).CopyTo(result.AsSpan(leadZeros));
        return result;
    }

    /// <summary>
    /// Look-ahead peak limiter: each sample's gain is at most the gain that keeps it under the ceiling, and the gain
    /// curve moves at bounded slopes (attack before a peak, release after), so |output| ≤ ceiling exactly.
    /// </summary>
    private static void Limit(float[] samples, int sampleRate, float ceiling)
    {
        float[] gain = new float[samples.Length];
        bool any = false;
        for (int i = 0; i < samples.Length; i++)
        {
            float magnitude = Math.Abs(samples[i]);
            gain[i] = magnitude > ceiling ? ceiling / magnitude : 1f;
            any |= gain[i] < 1f;
        }
        if (!any)
        {
            return;
        }

        float release = (float)(1.0 / (ReleaseSeconds * sampleRate));
        float attack = (float)(1.0 / (AttackSeconds * sampleRate));
        for (int i = 1; i < gain.Length; i++)
        {
            gain[i] = Math.Min(gain[i], gain[i - 1] + release);
        }
        for (int i = gain.Length - 2; i >= 0; i--)
        {
            gain[i] = Math.Min(gain[i], gain[i + 1] + attack);
        }
        for (int i = 0; i < samples.Length; i++)
        {
            samples[i] *= gain[i];
        }
    }
}
