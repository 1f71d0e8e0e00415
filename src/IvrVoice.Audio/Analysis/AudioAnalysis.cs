namespace IvrVoice.Audio;

/// <summary>Level and timing figures of a signal, for audio QA and for mastering.</summary>
public sealed record AudioStats
{
    public required TimeSpan Duration { get; init; }

    /// <summary>Highest absolute sample relative to full scale (32768); −∞ for digital silence.</summary>
    public required double PeakDbfs { get; init; }

    /// <summary>RMS of the whole signal relative to full scale; −∞ for digital silence.</summary>
    public required double RmsDbfs { get; init; }

    /// <summary>RMS of the active frames only (see <see cref="AudioAnalysis.IsActive"/>): the speech level, unaffected by pauses.</summary>
    public required double ActiveLevelDbfs { get; init; }

    public required double ActiveSpeechSeconds { get; init; }

    /// <summary>Share of samples within 0.1 dB of full scale: a clipped render.</summary>
    public required double ClippedSampleRatio { get; init; }

    public required TimeSpan LeadingSilence { get; init; }

    public required TimeSpan TrailingSilence { get; init; }
}

/// <summary>Measures signals in 10 ms frames; a frame is active when it is loud in absolute terms and near the loudest frame.</summary>
public static class AudioAnalysis
{
    /// <summary>Frames quieter than this are silence whatever the signal (≈ the noise floor of 16-bit speech recordings).</summary>
    public const double AbsoluteSilenceDbfs = -55;

    /// <summary>Frames more than this far below the loudest frame are pauses or breath, not speech.</summary>
    public const double RelativeSilenceDb = 40;

    private const double FullScale = 32768;
    private const double ClipThreshold = FullScale * 0.98855; // −0.1 dBFS

    public static AudioStats Analyze(PcmAudio audio)
    {
        ArgumentNullException.ThrowIfNull(audio);
        ReadOnlySpan<float> samples = audio.Samples;
        int frame = FrameLength(audio.SampleRate);
        double[] frameEnergy = FrameEnergies(samples, frame);
        double loudest = frameEnergy.Length == 0 ? 0 : frameEnergy.Max();

        double peak = 0, total = 0, activeEnergy = 0;
        long clipped = 0, activeSamples = 0;
        foreach (float s in samples)
        {
            double magnitude = Math.Abs((double)s);
            peak = Math.Max(peak, magnitude);
            total += magnitude * magnitude;
            if (magnitude >= ClipThreshold)
            {
                clipped++;
            }
        }

        int firstActive = -1, lastActive = -1;
        for (int f = 0; f < frameEnergy.Length; f++)
        {
            if (IsActive(frameEnergy[f], loudest))
            {
                firstActive = firstActive < 0 ? f : firstActive;
                lastActive = f;
                int length = Math.Min(frame, samples.Length - (f * frame));
                activeEnergy += frameEnergy[f] * length;
                activeSamples += length;
            }
        }

        TimeSpan duration = audio.Duration;
        TimeSpan leading = firstActive < 0 ? duration : Seconds((double)firstActive * frame, audio.SampleRate);
        TimeSpan trailing = lastActive < 0 ? duration : Seconds(Math.Max(0, samples.Length - ((double)(lastActive + 1) * frame)), audio.SampleRate);
        return new AudioStats
        {
            Duration = duration,
            PeakDbfs = Dbfs(peak),
            RmsDbfs = samples.Length == 0 ? double.NegativeInfinity : Dbfs(Math.Sqrt(total / samples.Length)),
            ActiveLevelDbfs = activeSamples == 0 ? double.NegativeInfinity : Dbfs(Math.Sqrt(activeEnergy / activeSamples)),
            ActiveSpeechSeconds = (double)activeSamples / audio.SampleRate,
            ClippedSampleRatio = samples.Length == 0 ? 0 : (double)clipped / samples.Length,
            LeadingSilence = leading,
            TrailingSilence = trailing,
        };
    }

    /// <summary>Whether a frame of mean square <paramref name="energy"/> counts as speech, given the loudest frame's.</summary>
    public static bool IsActive(double energy, double loudestEnergy) =>
        energy > 0
        && Dbfs(Math.Sqrt(energy)) > AbsoluteSilenceDbfs
        && 10 * Math.Log10(loudestEnergy / energy) < RelativeSilenceDb;

    internal static int FrameLength(int sampleRate) => Math.Max(1, sampleRate / 100);

    /// <summary>Mean square of each frame (the last one may be short).</summary>
    internal static double[] FrameEnergies(ReadOnlySpan<float> samples, int frame)
    {
        double[] energies = new double[(samples.Length + frame - 1) / frame];
        for (int f = 0; f < energies.Length; f++)
        {
            ReadOnlySpan<float> slice = samples.Slice(f * frame, Math.Min(frame, samples.Length - (f * frame)));
            double sum = 0;
            foreach (float s in slice)
            {
                sum += (double)s * s;
            }
            energies[f] = sum / slice.Length;
        }
        return energies;
    }

    internal static double Dbfs(double amplitude) => amplitude <= 0 ? double.NegativeInfinity : 20 * Math.Log10(amplitude / FullScale);

    private static TimeSpan Seconds(double samples, int rate) => TimeSpan.FromSeconds(samples / rate);
}
