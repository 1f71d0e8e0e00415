namespace IvrVoice.Library.Flows;

/// <summary>One answer a menu understands: key presses, spoken phrases, or both, and the action it leads to.</summary>
public sealed class MenuChoice
{
    private readonly IReadOnlyList<string> _phrasesForEveryLanguage;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<string>> _phrasesByLanguage;

    internal MenuChoice(
        string? digits,
        IReadOnlyList<string> phrasesForEveryLanguage,
        IReadOnlyDictionary<string, IReadOnlyList<string>> phrasesByLanguage,
        FlowAction action,
        SourceLocation location)
    {
        Digits = digits;
        _phrasesForEveryLanguage = phrasesForEveryLanguage;
        _phrasesByLanguage = phrasesByLanguage;
        Action = action;
        Location = location;
    }

    /// <summary>The keys that select this choice (digits and '*'), or null when it is reached by speech only.</summary>
    public string? Digits { get; }

    public FlowAction Action { get; }

    public SourceLocation Location { get; }

    /// <summary>The phrases that select this choice when the call is in <paramref name="language"/>, as written.</summary>
    public IReadOnlyList<string> SpeechPhrases(string language)
    {
        ArgumentNullException.ThrowIfNull(language);
        return _phrasesByLanguage.TryGetValue(language, out IReadOnlyList<string>? phrases) ? phrases : _phrasesForEveryLanguage;
    }
}
