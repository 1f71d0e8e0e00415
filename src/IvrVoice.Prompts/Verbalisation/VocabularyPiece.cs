namespace IvrVoice.Prompts.Verbalisation;

/// <summary>
/// One recorded-once piece of a language's value vocabulary (a number word, a month, a letter, "p.m."), like one of
/// Asterisk's digits/ or letters/ files. <see cref="Id"/> is stable across releases (language/category/key);
/// <see cref="Text"/> is what is rendered for it in mid-sentence and <see cref="FinalText"/> what is rendered for it
/// at the end of a sentence, where the voice falls.
/// </summary>
public sealed record VocabularyPiece(string Id, string Text)
{
    /// <summary>The sentence-final variant's text: the piece followed by a full stop (unless it already ends one, as "p.m." does).</summary>
    public string FinalText => Text.EndsWith('.') || Text.EndsWith('!') || Text.EndsWith('?') ? Text : Text + ".";

    /// <summary>The text for the given variant.</summary>
    public string TextFor(bool final) => final ? FinalText : Text;
}
