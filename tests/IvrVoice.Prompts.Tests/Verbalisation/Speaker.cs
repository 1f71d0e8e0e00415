using System.Text;
using IvrVoice.Prompts.Templates;
using IvrVoice.Prompts.Verbalisation;

namespace IvrVoice.Prompts.Tests.Verbalisation;

/// <summary>
/// Speaks one value through a one-placeholder template, and on the way proves it joinable: every piece is in the
/// language's vocabulary for the type (same id, same text), and the segments' texts say the same words as Spoken.
/// </summary>
internal static class Speaker
{
    public static readonly DateOnly Today = new(2026, 12, 3); // a Thursday

    public static string Say(string language, string type, string options, string value, DateOnly? today = null)
    {
        string template = options.Length == 0 ? $"{{v:{type}}}" : $"{{v:{type}({options})}}";
        PromptTemplate parsed = PromptTemplate.Parse(template).Template ?? throw new InvalidOperationException(template);
        ComposedAnnouncement composed = TemplateComposer.Compose(parsed, new Dictionary<string, string> { ["v"] = value }, language, today ?? Today);
        AssertJoinable(composed, parsed.ValueTypes);
        return composed.Spoken;
    }

    public static void AssertJoinable(ComposedAnnouncement composed, IEnumerable<TemplateValueType> types)
    {
        Dictionary<string, VocabularyPiece> vocabulary = TemplateVocabulary.For(composed.Language, types).ToDictionary(p => p.Id);
        foreach (SpeechSegment segment in composed.Segments.Where(s => s.Kind == SpeechSegmentKind.Piece))
        {
            Assert.True(vocabulary.TryGetValue(segment.PieceId!, out VocabularyPiece? piece), $"piece {segment.PieceId} is not in the vocabulary");
            Assert.Equal(piece.TextFor(segment.Final), segment.Text);
        }
        Assert.Equal(Words(composed.Spoken), Words(string.Join(' ', composed.Segments.Select(s => s.Text))));
    }

    /// <summary>Lower-case words without punctuation: what a listener hears.</summary>
    public static string Words(string text)
    {
        StringBuilder words = new();
        foreach (char c in text.ToLowerInvariant())
        {
            words.Append(char.IsLetterOrDigit(c) ? c : ' ');
        }
        return string.Join(' ', words.ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
