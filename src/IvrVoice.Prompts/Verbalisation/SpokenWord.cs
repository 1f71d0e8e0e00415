namespace IvrVoice.Prompts.Verbalisation;

/// <summary>One piece of a spoken value; <see cref="PhraseBefore"/> marks a phrase boundary (a comma in the words, a longer gap in a join).</summary>
internal readonly record struct SpokenWord(VocabularyPiece Piece, bool PhraseBefore);
