using IvrVoice.Audio;

namespace IvrVoice.Providers;

/// <summary>Audio a route produced, already decoded and validated, so malformed audio never travels downstream.</summary>
public sealed record TtsAudio
{
    /// <summary>The route name that produced the audio, for example <c>gemini</c>.</summary>
    public required string Provider { get; init; }

    /// <summary>The bytes exactly as the route returned them (WAV or raw PCM).</summary>
    public required byte[] Bytes { get; init; }

    /// <summary>The content type the route declared, if any. The bytes were identified by content, not by this.</summary>
    public string? ContentType { get; init; }

    /// <summary>The decoded mono audio at the route's native rate.</summary>
    public required PcmAudio Pcm { get; init; }

    /// <summary>The route's request or generation id (OpenRouter <c>X-Generation-Id</c>, a task id, ...).</summary>
    public string? RequestId { get; init; }

    public TtsUsage? Usage { get; init; }

    /// <summary>Cost in US dollars: as reported by the route, or estimated from its price list.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>Time from the first byte sent to the decoded audio, including polling and download.</summary>
    public TimeSpan Latency { get; init; }
}
