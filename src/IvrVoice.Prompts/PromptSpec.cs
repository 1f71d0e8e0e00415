using IvrVoice.Audio;

namespace IvrVoice.Prompts;

/// <summary>
/// Everything that changes how a prompt sounds, and nothing else: the route that serves it (gemini directly or
/// a gateway) is deliberately absent, so the same prompt rendered through two gateways shares one cache entry.
/// </summary>
public sealed record PromptSpec
{
    public required string Text { get; init; }

    public required string Voice { get; init; }

    public string? Style { get; init; }

    /// <summary>BCP-47 tag such as en-US; null lets the model detect the language.</summary>
    public string? Language { get; init; }

    /// <summary>Canonical model id, e.g. gemini-3.1-flash-tts or espeak-ng.</summary>
    public required string Model { get; init; }

    public double? Temperature { get; init; }

    /// <summary>Empty for one voice, or exactly two named speakers.</summary>
    public IReadOnlyList<PromptSpeaker> Speakers { get; init; } = [];

    /// <summary>Telephony mastering settings; the key includes their canonical form.</summary>
    public required MasteringOptions Mastering { get; init; }

    /// <summary>Output encoding name, e.g. mulaw-wav.</summary>
    public string OutputFormat { get; init; } = "mulaw-wav";
}

public sealed record PromptSpeaker(string Name, string Voice);
