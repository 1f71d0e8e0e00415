namespace IvrVoice.Audio;

/// <summary>Caps that keep a hostile or broken body from taking the process's memory.</summary>
public sealed record AudioDecodeLimits
{
    /// <summary>The defaults: 64 MiB of input, 30 minutes of audio, 384 kHz, 64 channels.</summary>
    public static AudioDecodeLimits Default { get; } = new();

    /// <summary>Largest input accepted, in bytes.</summary>
    public int MaxInputBytes { get; init; } = 64 * 1024 * 1024;

    /// <summary>Longest audio accepted.</summary>
    public TimeSpan MaxDuration { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Highest sample rate accepted; anything above it is a corrupt header.</summary>
    public int MaxSampleRate { get; init; } = 384_000;

    /// <summary>Most channels accepted.</summary>
    public int MaxChannels { get; init; } = 64;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxInputBytes, nameof(MaxInputBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxDuration, TimeSpan.Zero, nameof(MaxDuration));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxSampleRate, nameof(MaxSampleRate));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(MaxChannels, nameof(MaxChannels));
    }
}
