namespace IvrVoice.Providers.Routing;

/// <summary>Whether a route can voice a two-speaker prompt, so the router skips routes that cannot instead of failing on them.</summary>
internal interface ISpeakerCapability
{
    bool SupportsTwoSpeakers { get; }
}
