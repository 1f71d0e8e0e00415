namespace IvrVoice.Library.Flows;

/// <summary>
/// One menu of a call flow: prompts played inside a Gather, how the caller may answer, the choices it understands,
/// and what happens on silence or an answer that matches nothing.
/// </summary>
public sealed class FlowMenu
{
    public const int DefaultTimeoutSeconds = 5;
    public const int MaxTimeoutSeconds = 60;
    public const int MaxDigits = 20;

    internal FlowMenu(
        string id,
        IReadOnlyList<PromptReference> play,
        MenuInput input,
        int timeoutSeconds,
        int numDigits,
        IReadOnlyList<MenuChoice> choices,
        MenuRetry noInput,
        MenuRetry invalid,
        string? notes,
        SourceLocation location,
        MenuPlayback playback = MenuPlayback.Default)
    {
        Playback = playback;
        Id = id;
        Play = play;
        Input = input;
        TimeoutSeconds = timeoutSeconds;
        NumDigits = numDigits;
        Choices = choices;
        NoInput = noInput;
        Invalid = invalid;
        Notes = notes;
        Location = location;
    }

    public string Id { get; }

    /// <summary>Prompts played inside the Gather, in order; the caller may answer while they play.</summary>
    public IReadOnlyList<PromptReference> Play { get; }

    public MenuInput Input { get; }

    /// <summary>Seconds of silence after the prompts before the menu counts as unanswered.</summary>
    public int TimeoutSeconds { get; }

    /// <summary>Key presses collected before the answer is submitted (Twilio's <c>numDigits</c>).</summary>
    public int NumDigits { get; }

    public IReadOnlyList<MenuChoice> Choices { get; }

    public MenuRetry NoInput { get; }

    public MenuRetry Invalid { get; }

    public string? Notes { get; }

    /// <summary>Whether the menu's prompts stream over a Media Stream (<c>playback: stream</c>), never do (<c>play</c>), or the service decides.</summary>
    public MenuPlayback Playback { get; }

    public SourceLocation Location { get; }

    /// <summary>
    /// The choice a caller's answer selects, or null when it selects none (an invalid answer). Key presses are
    /// matched exactly. Speech matches a choice when one of its phrases for <paramref name="language"/> appears in
    /// what was recognised as whole words, ignoring case, accents and punctuation ("Facturacion, por favor."
    /// matches "facturación"); when several match, the longest phrase wins, then the earliest choice.
    /// </summary>
    public MenuChoice? Match(string? digits, string? speech, string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        if (!string.IsNullOrWhiteSpace(digits))
        {
            if ((Input & MenuInput.Dtmf) == 0)
            {
                return null;
            }

            string pressed = digits.Trim();
            return Choices.FirstOrDefault(choice => string.Equals(choice.Digits, pressed, StringComparison.Ordinal));
        }

        if (string.IsNullOrWhiteSpace(speech) || (Input & MenuInput.Speech) == 0)
        {
            return null;
        }

        string heard = $" {SpeechText.Normalize(speech)} ";
        MenuChoice? best = null;
        int bestLength = 0;
        foreach (MenuChoice choice in Choices)
        {
            foreach (string phrase in choice.SpeechPhrases(language))
            {
                string normalized = SpeechText.Normalize(phrase);
                if (normalized.Length > bestLength && heard.Contains($" {normalized} ", StringComparison.Ordinal))
                {
                    best = choice;
                    bestLength = normalized.Length;
                }
            }
        }

        return best;
    }

    /// <summary>Every phrase of every choice for <paramref name="language"/>, for the speech recogniser's hints.</summary>
    public IReadOnlyList<string> SpeechHints(string language) =>
        Choices.SelectMany(choice => choice.SpeechPhrases(language)).Distinct(StringComparer.Ordinal).ToArray();
}
