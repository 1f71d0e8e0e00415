using System.Diagnostics;

namespace IvrVoice.Caching.Telemetry;

/// <summary>
/// The <see cref="ActivitySource"/> of the prompt cache: <c>cache.memory</c> and <c>cache.store.read</c> spans per tier
/// looked at (<c>ivrvoice.cache.tier</c>, <c>ivrvoice.cache.hit</c>), <c>cache.render</c> for a miss's shared render and
/// <c>cache.store.write</c> for the durable write. Never the prompt key or text.
/// </summary>
public static class CachingTracing
{
    /// <summary>The source name a host adds to its tracer provider.</summary>
    public const string SourceName = "IvrVoice.Caching";

    internal static readonly ActivitySource Source = new(SourceName);

    internal static Activity? StartTier(string name, string tier)
    {
        Activity? activity = Source.StartActivity(name);
        activity?.SetTag("ivrvoice.cache.tier", tier);
        return activity;
    }
}
