namespace IvrVoice.Prompts.Templates;

/// <summary>What a segment of a composed sentence is made of.</summary>
public enum SpeechSegmentKind
{
    /// <summary>The template's literal text between placeholders, pre-rendered as it is.</summary>
    Fixed,

    /// <summary>One vocabulary piece of a value (a number word, a month), pre-rendered once per voice and language.</summary>
    Piece,

    /// <summary>A free <c>text</c> value: the sentence can only be rendered whole.</summary>
    FreeText,
}

/// <summary>How much silence a join leaves before a segment.</summary>
public enum JoinGap
{
    /// <summary>The first segment.</summary>
    None,

    /// <summary>Between words of one phrase (the shorter gap).</summary>
    Word,

    /// <summary>At a phrase boundary: a comma, a digit group, a spelled letter (the longer gap).</summary>
    Phrase,
}

/// <summary>
/// One segment of a composed sentence, in speaking order. <see cref="Text"/> is exactly what is rendered for it
/// (for a piece, the mid-sentence or sentence-final variant); <see cref="PieceId"/> is the stable vocabulary id of a piece.
/// </summary>
public sealed record SpeechSegment(SpeechSegmentKind Kind, string Text, string? PieceId, bool Final, JoinGap GapBefore);
