using System.Text;
using IvrVoice.Prompts.Verbalisation;

namespace IvrVoice.Prompts.Templates;

/// <summary>Speaks a template with values in a language: the words and the segments to join.</summary>
public static class TemplateComposer
{
    /// <summary>The languages templates can be spoken in (BCP 47, e.g. en-US, es-US).</summary>
    public static IReadOnlyCollection<string> SupportedLanguages => VerbaliserRegistry.Languages;

    /// <summary>True when <paramref name="language"/> (or another region of it) can speak templates.</summary>
    public static bool Supports(string? language) => VerbaliserRegistry.Find(language) is not null;

    /// <summary>
    /// Composes the sentence. <paramref name="today"/> is the caller's local date (it decides whether a date's year and
    /// weekday are said); take it from a TimeProvider. Value names are matched exactly.
    /// </summary>
    /// <exception cref="TemplateValueException">A value is missing, unknown, malformed, out of range or holds control characters or markup.</exception>
    /// <exception cref="PromptRequestException">The language cannot speak templates.</exception>
    public static ComposedAnnouncement Compose(PromptTemplate template, IReadOnlyDictionary<string, string> values, string language, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(values);
        LanguageVerbaliser verbaliser = VerbaliserRegistry.Get(language);

        foreach (string name in values.Keys.Order(StringComparer.Ordinal))
        {
            if (!template.Placeholders.Any(p => p.Name == name))
            {
                throw new TemplateValueException(name, "is not a value of this template" +
                    (template.Placeholders.Count == 0 ? " (it takes none)" : $" (it takes {string.Join(", ", template.Placeholders.Select(p => p.Name))})"));
            }
        }

        StringBuilder spoken = new();
        List<SpeechSegment> segments = [];
        bool pendingPhrase = false;
        IReadOnlyList<TemplatePart> parts = template.Parts;
        for (int i = 0; i < parts.Count; i++)
        {
            switch (parts[i])
            {
                case TemplateLiteral literal:
                    string text = literal.Text;
                    if (spoken.Length > 0 && spoken[^1] == '.' && text.StartsWith('.'))
                    {
                        text = text[1..]; // "p.m." then the template's own full stop: say one.
                    }
                    spoken.Append(text);
                    string trimmed = text.Trim();
                    string? content = TemplateAudioPlan.FixedText(text);
                    if (trimmed.Length > 0 && trimmed[0] is ',' or ';' or ':' or '.' or '!' or '?' or '-' or '—' or '–' && segments.Count > 0)
                    {
                        pendingPhrase = true;
                    }
                    if (content is not null)
                    {
                        segments.Add(new SpeechSegment(SpeechSegmentKind.Fixed, content, null, false, Gap(segments, pendingPhrase)));
                        pendingPhrase = content[^1] is ',' or ';' or ':' or '.' or '!' or '?' or '—' or '–';
                    }
                    break;
                case TemplatePlaceholder placeholder:
                    if (!values.TryGetValue(placeholder.Name, out string? raw) || raw is null)
                    {
                        throw new TemplateValueException(placeholder.Name, $"is missing (type {placeholder.Type.ToString().ToLowerInvariant()})");
                    }
                    bool final = EndsSentence(parts, i);
                    if (placeholder.Type == TemplateValueType.Text)
                    {
                        string free = Wrap(placeholder, () =>
                        {
                            TemplateValues.CheckCommon(raw, TemplateValueType.Text);
                            return TemplateValues.Text(raw);
                        });
                        AppendSpaced(spoken, free);
                        segments.Add(new SpeechSegment(SpeechSegmentKind.FreeText, free, null, final, Gap(segments, pendingPhrase)));
                        pendingPhrase = false;
                        break;
                    }
                    IReadOnlyList<SpokenWord> words = Wrap(placeholder, () => verbaliser.Speak(placeholder, raw, today));
                    for (int w = 0; w < words.Count; w++)
                    {
                        SpokenWord word = words[w];
                        bool last = final && w == words.Count - 1;
                        if (w > 0)
                        {
                            spoken.Append(word.PhraseBefore ? ", " : " ");
                        }
                        else
                        {
                            AppendSpaced(spoken, "");
                        }
                        spoken.Append(word.Piece.Text);
                        segments.Add(new SpeechSegment(SpeechSegmentKind.Piece, word.Piece.TextFor(last), word.Piece.Id, last,
                            Gap(segments, pendingPhrase || word.PhraseBefore)));
                        pendingPhrase = false;
                    }
                    break;
            }
        }
        return new ComposedAnnouncement(verbaliser.Language, Tidy(spoken.ToString()), segments);
    }

    private static JoinGap Gap(List<SpeechSegment> segments, bool phrase) =>
        segments.Count == 0 ? JoinGap.None : phrase ? JoinGap.Phrase : JoinGap.Word;

    // A value ends its sentence when nothing but closing punctuation and spaces follows it up to a full stop, a
    // question or exclamation mark, or the end of the template.
    private static bool EndsSentence(IReadOnlyList<TemplatePart> parts, int index)
    {
        if (index + 1 >= parts.Count)
        {
            return true;
        }
        if (parts[index + 1] is not TemplateLiteral next)
        {
            return false;
        }
        string after = next.Text.TrimStart(' ', '"', '\'', ')', '”', '’');
        return after.Length == 0 ? index + 2 >= parts.Count : after[0] is '.' or '!' or '?' or '\n';
    }

    // Values sit where the template put them; a space is added only if the template's text runs straight into them.
    private static void AppendSpaced(StringBuilder spoken, string text)
    {
        if (spoken.Length > 0 && !char.IsWhiteSpace(spoken[^1]) && spoken[^1] is not ('(' or '"' or '\'' or '¿' or '¡'))
        {
            spoken.Append(' ');
        }
        spoken.Append(text);
    }

    private static string Tidy(string text) => PromptKeys.NormalizeText(text);

    private static T Wrap<T>(TemplatePlaceholder placeholder, Func<T> speak)
    {
        try
        {
            return speak();
        }
        catch (VerbalisationException e)
        {
            throw new TemplateValueException(placeholder.Name, e.Message);
        }
    }
}
