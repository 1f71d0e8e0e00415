namespace IvrVoice.Audio;

/// <summary>
/// Level, activity, clipping and end silence of a signal, for audio QA and mastering. Levels are in dB relative to
/// full scale on the 16-bit scale, 0 dB being the RMS of a full-scale square wave: a full-scale sine reads -3.01 dB
/// (as sox's <c>stats</c> reports), and the scale is ITU-T P.56's dBov. Digital silence reads -∞.
/// </summary>
public sealed record AudioStats
{
    /// <summary>Length of the signal.</summary>
    public required TimeSpan Duration { get; init; }

    /// <summary>Largest absolute sample (full scale is 32768).</summary>
    public required double PeakDbfs { get; init; }

    /// <summary>RMS over the whole signal.</summary>
    public required double RmsDbfs { get; init; }

    /// <summary>
    /// Active speech level by ITU-T P.56 method B: the energy over the samples the meter judges active, in dBov
    /// (the same scale as <see cref="RmsDbfs"/>). Pauses do not lower it; -∞ when nothing is active.
    /// </summary>
    public required double ActiveLevelDbfs { get; init; }

    /// <summary>Time the P.56 meter judges active (its activity factor times the duration).</summary>
    public required double ActiveSpeechSeconds { get; init; }

    /// <summary>
    /// Share of samples at or near full scale: |x| ≥ 32000 (-0.21 dBFS), so clipping baked into μ-law or A-law audio
    /// (whose largest decoded values are 32124 and 32256) counts too.
    /// </summary>
    public required double ClippedSampleRatio { get; init; }

    /// <summary>Time before the first sound (the whole duration when there is none); see <see cref="AudioAnalysis"/>.</summary>
    public required TimeSpan LeadingSilence { get; init; }

    /// <summary>Time after the last sound (the whole duration when there is none).</summary>
    public required TimeSpan TrailingSilence { get; init; }
}
