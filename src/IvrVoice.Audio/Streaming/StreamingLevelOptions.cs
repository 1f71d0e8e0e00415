namespace IvrVoice.Audio.Streaming;

/// <summary>
/// The causal level control of streamed prompts (<see cref="StreamingLevelControl"/>): a starting gain from the voice's
/// typical level, a slow tracker that moves it toward the target as the prompt's own level becomes known, and a look-ahead
/// limiter that holds every sample under the ceiling. Targets match <see cref="MasteringOptions"/>, so streamed prompts
/// sit at the library's level; the cached copy is mastered in full once the stream is complete.
/// </summary>
public sealed record StreamingLevelOptions
{
    /// <summary>The mastering defaults, with no known typical level (the tracker starts from no gain).</summary>
    public static StreamingLevelOptions Default { get; } = new();

    /// <summary>Active speech level aimed at, in dBov, as <see cref="MasteringOptions.TargetLevelDbfs"/>. -60 to 0.</summary>
    public double TargetLevelDbfs { get; init; } = -26;

    /// <summary>No sample exceeds this, in dBFS, as <see cref="MasteringOptions.PeakCeilingDbfs"/>. -20 to 0, above the target.</summary>
    public double PeakCeilingDbfs { get; init; } = -3;

    /// <summary>The most the level may be raised, in dB. 0–60.</summary>
    public double MaxGainDb { get; init; } = 24;

    /// <summary>
    /// The voice's typical active level in dBov (for example measured over its earlier renders), which sets the starting
    /// gain; null starts at 0 dB and leaves the level to the tracker. -90 to 0.
    /// </summary>
    public double? TypicalLevelDbfs { get; init; }

    /// <summary>How far from the starting gain the tracker may move, in dB (either way). 0–24.</summary>
    public double TrackerRangeDb { get; init; } = 6;

    /// <summary>The fastest the tracker changes the gain, in dB per second, so it never pumps with syllables. 0.1–20.</summary>
    public double TrackerDbPerSecond { get; init; } = 3;

    /// <summary>How long the limiter looks ahead, in milliseconds: the control's whole latency. 1–20.</summary>
    public double LookAheadMilliseconds { get; init; } = 5;

    /// <summary>Throws when a setting is out of range, naming the setting.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A setting is out of its range.</exception>
    public void Validate()
    {
        if (!(TargetLevelDbfs is >= -60 and <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(TargetLevelDbfs), TargetLevelDbfs, "Target level must be -60 to 0 dBov.");
        }

        if (!(PeakCeilingDbfs is >= -20 and <= 0) || PeakCeilingDbfs <= TargetLevelDbfs)
        {
            throw new ArgumentOutOfRangeException(nameof(PeakCeilingDbfs), PeakCeilingDbfs, "Peak ceiling must be -20 to 0 dBFS and above the target level.");
        }

        if (!(MaxGainDb is >= 0 and <= 60))
        {
            throw new ArgumentOutOfRangeException(nameof(MaxGainDb), MaxGainDb, "Maximum gain must be 0–60 dB.");
        }

        if (TypicalLevelDbfs is { } typical && !(typical is >= -90 and <= 0))
        {
            throw new ArgumentOutOfRangeException(nameof(TypicalLevelDbfs), TypicalLevelDbfs, "Typical level must be -90 to 0 dBov.");
        }

        if (!(TrackerRangeDb is >= 0 and <= 24))
        {
            throw new ArgumentOutOfRangeException(nameof(TrackerRangeDb), TrackerRangeDb, "Tracker range must be 0–24 dB.");
        }

        if (!(TrackerDbPerSecond is >= 0.1 and <= 20))
        {
            throw new ArgumentOutOfRangeException(nameof(TrackerDbPerSecond), TrackerDbPerSecond, "Tracker speed must be 0.1–20 dB/s.");
        }

        if (!(LookAheadMilliseconds is >= 1 and <= 20))
        {
            throw new ArgumentOutOfRangeException(nameof(LookAheadMilliseconds), LookAheadMilliseconds, "Look-ahead must be 1–20 ms.");
        }
    }
}
