using IvrVoice.Providers;

namespace IvrVoice.Prompts;

/// <summary>What a caller asks for, before defaults are applied and names are normalised into a <see cref="PromptSpec"/>.</summary>
public sealed record PromptRequest
{
    public required string Text { get; init; }

    /// <summary>Voice name; null takes <c>Prompts:DefaultVoice</c>.</summary>
    public string? Voice { get; init; }

    public string? Style { get; init; }

    public string? Language { get; init; }

    /// <summary>Canonical model id; null takes the router's default model.</summary>
    public string? Model { get; init; }

    public double? Temperature { get; init; }

    public IReadOnlyList<TtsSpeaker> Speakers { get; init; } = [];

    /// <summary>Telephony mastering (trim, level, limiter). On for prompts unless turned off.</summary>
    public bool Master { get; init; } = true;
}
