namespace IvrVoice.Prompts.Announcements;

/// <summary>How a template prompt is spoken (library YAML <c>strategy: join|render|auto</c>; default auto).</summary>
public enum AnnouncementStrategy
{
    /// <summary>Join now from pre-rendered pieces, and render the whole sentence in the background so the next caller with the same values hears it whole.</summary>
    Auto,

    /// <summary>Join from pre-rendered pieces: no provider call while the caller waits.</summary>
    Join,

    /// <summary>Render the whole sentence through the provider chain, like any prompt.</summary>
    Render,
}

/// <summary>What a caller actually hears.</summary>
public enum AnnouncementOutcome
{
    /// <summary>Pieces from the cache joined into one prompt; no provider was asked.</summary>
    Joined,

    /// <summary>The whole sentence rendered through the provider chain (strategy render, a free text value, or pieces not built).</summary>
    Rendered,

    /// <summary>Strategy auto: the whole render an earlier call queued, served from the cache.</summary>
    WholeFromCache,
}
