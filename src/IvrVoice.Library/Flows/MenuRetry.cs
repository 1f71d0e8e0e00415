namespace IvrVoice.Library.Flows;

/// <summary>
/// What a menu does when the caller says nothing, or answers with something that matches no choice: play
/// <see cref="Play"/> and the menu again, up to <see cref="Retries"/> times, then take <see cref="Then"/>.
/// </summary>
public sealed class MenuRetry
{
    public const int DefaultRetries = 2;
    public const int MaxRetries = 5;

    internal MenuRetry(IReadOnlyList<PromptReference> play, int retries, FlowAction then)
    {
        Play = play;
        Retries = retries;
        Then = then;
    }

    /// <summary>Prompts played before the menu is replayed; may be empty.</summary>
    public IReadOnlyList<PromptReference> Play { get; }

    /// <summary>How many more times the menu is played before <see cref="Then"/>.</summary>
    public int Retries { get; }

    public FlowAction Then { get; }
}
