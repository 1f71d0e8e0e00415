namespace IvrVoice.Providers;

/// <summary>Which deadline applies to a render: a caller waiting on the line, or a library build.</summary>
public enum RenderUrgency
{
    /// <summary><c>Providers:InCallDeadline</c>, 8 seconds by default (Twilio allows a fetch 15 seconds in total).</summary>
    InCall,
    /// <summary><c>Providers:BatchDeadline</c>, 10 minutes by default.</summary>
    Batch,
}
