using System.Diagnostics;

namespace IvrVoice.Providers.Telemetry;

/// <summary>
/// The <see cref="ActivitySource"/> of the TTS routes: one <c>tts.synthesize</c> span per render, a <c>tts.route</c> span
/// per route tried (breaker state, outcome) and a <c>tts.attempt</c> span per provider call (attempt number, retry,
/// outcome). Spans carry route names, models, outcomes and failure kinds; never text, keys or prompt keys.
/// </summary>
public static class ProvidersTracing
{
    /// <summary>The source name a host adds to its tracer provider.</summary>
    public const string SourceName = "IvrVoice.Providers";

    internal static readonly ActivitySource Source = new(SourceName);
}
