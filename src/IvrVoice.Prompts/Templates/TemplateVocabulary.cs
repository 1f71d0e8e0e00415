using IvrVoice.Prompts.Verbalisation;

namespace IvrVoice.Prompts.Templates;

/// <summary>The finite set of value pieces a language needs to speak every value of the given types.</summary>
public static class TemplateVocabulary
{
    /// <summary>
    /// Every piece, deduplicated by id, in a fixed order (the same call always returns the same list). Free
    /// <c>text</c> has no pieces.
    /// </summary>
    /// <exception cref="PromptRequestException">The language cannot speak templates.</exception>
    public static IReadOnlyList<VocabularyPiece> For(string language, IEnumerable<TemplateValueType> types)
    {
        ArgumentNullException.ThrowIfNull(types);
        LanguageVerbaliser verbaliser = VerbaliserRegistry.Get(language);
        HashSet<string> seen = new(StringComparer.Ordinal);
        List<VocabularyPiece> pieces = [];
        foreach (TemplateValueType type in types.Distinct().Order())
        {
            foreach (VocabularyPiece piece in verbaliser.Vocabulary(type))
            {
                if (seen.Add(piece.Id))
                {
                    pieces.Add(piece);
                }
            }
        }
        return pieces;
    }
}
