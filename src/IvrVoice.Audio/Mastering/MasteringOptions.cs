using System.Globalization;

namespace IvrVoice.Audio;

/// <summary>
/// Telephony mastering: trim silence to a fixed pad, bring the active speech level (ITU-T P.56) to one target, and
/// limit peaks to a ceiling so μ-law never saturates. Applied to the 8 kHz signal, so it measures and shapes exactly
/// what is encoded. Why these defaults: docs/audio.md.
/// </summary>
public sealed record MasteringOptions
{
    /// <summary>On, with the documented defaults.</summary>
    public static MasteringOptions Default { get; } = new();

    /// <summary>Off: the signal is only resampled and encoded.</summary>
    public static MasteringOptions Disabled { get; } = new() { Enabled = false };

    public bool Enabled { get; init; } = true;

    /// <summary>Silence kept before the first and after the last sound, in milliseconds (zeros are added where the source has less).</summary>
    /// <value>150 ms: two prompts played back to back leave a 300 ms pause, a natural sentence gap. 0–5000.</value>
    public int PadMilliseconds { get; init; } = 150;

    /// <summary>Active speech level (ITU-T P.56) the prompt is brought to, in dBov (dBFS on the square-wave scale of <see cref="AudioStats"/>).</summary>
    /// <value>-26 dBov, about -20 dBm0 in G.711: the nominal speech level telephone networks are designed around. -60 to 0.</value>
    public double TargetLevelDbfs { get; init; } = -26;

    /// <summary>No sample exceeds this level after mastering, in dBFS.</summary>
    /// <value>-3 dBFS: speech peaks sit 18–24 dB above its active level, so at -26 dBov only rare peaks are touched, and
    /// μ-law (which saturates at -0.03 dBFS) keeps 3 dB of headroom for later gain stages. -20 to 0, above the target.</value>
    public double PeakCeilingDbfs { get; init; } = -3;

    /// <summary>The most the level may be raised, in dB, so a near-silent render is not amplified into noise.</summary>
    /// <value>24 dB. 0–60.</value>
    public double MaxGainDb { get; init; } = 24;

    /// <summary>
    /// Every setting that changes the output, as one stable string: prompt keys include it, so a change of settings
    /// renders new audio instead of serving the old. "off" when disabled. The leading "m2" is the version of the mastering
    /// arithmetic, raised when the same settings can give other samples (m2: the P.56 meter's envelope in single precision).
    /// </summary>
    public string CanonicalForm() => !Enabled
        ? "off"
        : string.Create(CultureInfo.InvariantCulture, $"m2;pad={PadMilliseconds};level={TargetLevelDbfs:R};ceiling={PeakCeilingDbfs:R};maxgain={MaxGainDb:R}");

    /// <summary>Throws when a setting is out of range, naming the setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its documented range.</exception>
    public void Validate()
    {
        if (PadMilliseconds is < 0 or > 5000)
        {
            throw new ArgumentOutOfRangeException(nameof(PadMilliseconds), PadMilliseconds, "Mastering pad must be 0–5000 ms.");
        }

        if (!(TargetLevelDbfs is >= -60 and <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(TargetLevelDbfs), TargetLevelDbfs, "Mastering target level must be -60 to 0 dBov.");
        }

        if (!(PeakCeilingDbfs is >= -20 and <= 0) || PeakCeilingDbfs <= TargetLevelDbfs)
        {
            throw new ArgumentOutOfRangeException(nameof(PeakCeilingDbfs), PeakCeilingDbfs, "Mastering peak ceiling must be -20 to 0 dBFS and above the target level.");
        }

        if (!(MaxGainDb is >= 0 and <= 60))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGainDb), MaxGainDb, "Mastering maximum gain must be 0–60 dB.");
        }
    }
}
