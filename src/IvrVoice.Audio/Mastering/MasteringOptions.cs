using System.Globalization;

namespace IvrVoice.Audio;

/// <summary>
/// Telephony mastering: trim silence to a fixed pad, bring active speech to one level, and limit peaks so μ-law
/// never saturates. The defaults and their reasons are in docs/audio.md.
/// </summary>
public sealed record MasteringOptions
{
    /// <summary>On, with the documented defaults.</summary>
    public static MasteringOptions Default { get; } = new();

    /// <summary>Off: the signal is only resampled and encoded.</summary>
    public static MasteringOptions Disabled { get; } = new() { Enabled = false };

    public bool Enabled { get; init; } = true;

    /// <summary>Silence kept before the first and after the last active frame.</summary>
    public int PadMilliseconds { get; init; } = 150;

    /// <summary>Active speech level the prompt is normalised to.</summary>
    public double TargetLevelDbfs { get; init; } = -20;

    /// <summary>Sample peaks are limited to this level; the headroom absorbs the resampler's small overshoot.</summary>
    public double PeakCeilingDbfs { get; init; } = -3;

    /// <summary>Normalisation never amplifies more than this (noise would be amplified too).</summary>
    public double MaxGainDb { get; init; } = 24;

    /// <summary>
    /// Every setting that changes the output, as one stable string: prompt keys include it, so a change of settings
    /// renders new audio instead of serving the old.
    /// </summary>
    public string CanonicalForm() => !Enabled
        ? "off"
        : string.Create(CultureInfo.InvariantCulture, $"m1;pad={PadMilliseconds};level={TargetLevelDbfs:R};ceiling={PeakCeilingDbfs:R};maxgain={MaxGainDb:R}");
}
