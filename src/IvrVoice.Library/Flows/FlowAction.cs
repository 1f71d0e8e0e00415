namespace IvrVoice.Library.Flows;

/// <summary>
/// What a flow does after a choice, or after a menu has run out of retries: first it plays <see cref="Announce"/>
/// (outside the menu's Gather, so a caller cannot skip it), then it takes one step.
/// </summary>
public abstract class FlowAction
{
    private protected FlowAction(IReadOnlyList<PromptReference> announce, SourceLocation location)
    {
        Announce = announce;
        Location = location;
    }

    /// <summary>Prompts played before the step; may be empty.</summary>
    public IReadOnlyList<PromptReference> Announce { get; }

    public SourceLocation Location { get; }

    /// <summary>
    /// How <see cref="Announce"/> reaches the caller (<c>playback:</c> beside <c>announce</c>): over a Media Stream (cached
    /// prompts at once, a miss as it renders), never streamed, or as the service's <c>Streaming:Playback</c> decides.
    /// </summary>
    public MenuPlayback Playback { get; internal set; }
}

/// <summary>Go to another menu of the same flow, optionally switching the call to another language.</summary>
public sealed class GoToMenuAction : FlowAction
{
    internal GoToMenuAction(IReadOnlyList<PromptReference> announce, SourceLocation location, string menuId, string? language)
        : base(announce, location)
    {
        MenuId = menuId;
        Language = language;
    }

    public string MenuId { get; }

    /// <summary>The language the call continues in; null keeps the current one.</summary>
    public string? Language { get; }
}

/// <summary>
/// Hand the call to other TwiML: an absolute http(s) URL, or a path starting with '/' on the service's own public base URL.
/// </summary>
public sealed class RedirectAction : FlowAction
{
    internal RedirectAction(IReadOnlyList<PromptReference> announce, SourceLocation location, string url)
        : base(announce, location) => Url = url;

    public string Url { get; }
}

/// <summary>Connect the caller to a phone number in E.164 form; the call ends when that leg ends.</summary>
public sealed class DialAction : FlowAction
{
    internal DialAction(IReadOnlyList<PromptReference> announce, SourceLocation location, string number)
        : base(announce, location) => Number = number;

    /// <summary>E.164, for example <c>+15035550140</c>.</summary>
    public string Number { get; }
}

/// <summary>End the call.</summary>
public sealed class HangUpAction : FlowAction
{
    internal HangUpAction(IReadOnlyList<PromptReference> announce, SourceLocation location)
        : base(announce, location)
    {
    }
}

/// <summary>Play the current menu again; not counted as a retry. Only a choice can return.</summary>
public sealed class ReturnToMenuAction : FlowAction
{
    internal ReturnToMenuAction(IReadOnlyList<PromptReference> announce, SourceLocation location)
        : base(announce, location)
    {
    }
}
