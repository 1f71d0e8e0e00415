using System.Diagnostics;

namespace IvrVoice.Prompts.Telemetry;

/// <summary>
/// The <see cref="ActivitySource"/> of the render pipeline: <c>prompt.render</c> (model, voice, language, the route that
/// served it) with <c>audio.transcode</c> (input rate and length, mastering, output size) under it. Never the prompt text
/// or key.
/// </summary>
public static class PromptsTracing
{
    /// <summary>The source name a host adds to its tracer provider.</summary>
    public const string SourceName = "IvrVoice.Prompts";

    internal static readonly ActivitySource Source = new(SourceName);
}
