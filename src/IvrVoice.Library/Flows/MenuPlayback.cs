namespace IvrVoice.Library.Flows;

/// <summary>How a menu's prompts, or a step's announcement, reach the caller (<c>playback:</c> in flows.yaml).</summary>
public enum MenuPlayback
{
    /// <summary>The service decides (its <c>Streaming:Playback</c> setting).</summary>
    Default,

    /// <summary>Always over a Media Stream: cached prompts at once, a miss as it renders.</summary>
    Stream,

    /// <summary>Never streamed: &lt;Play&gt; of the audio, &lt;Say&gt; when it is not ready in time.</summary>
    Play,
}
