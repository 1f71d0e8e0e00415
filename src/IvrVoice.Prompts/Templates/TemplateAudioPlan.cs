using IvrVoice.Prompts.Verbalisation;

namespace IvrVoice.Prompts.Templates;

/// <summary>One audio piece of a join, in order, with the gap the joiner leaves before it.</summary>
public sealed record JoinStep(PromptSpec Spec, JoinGap GapBefore);

/// <summary>
/// The one function build and runtime share to decide which prompts a template is made of, so that the pieces a
/// build renders are exactly the ones a call looks up. Every spec is the base spec (voice, language, model, style,
/// temperature, mastering) with only <see cref="PromptSpec.Text"/> changed; its cache key is <see cref="PromptKeys.For"/>.
/// </summary>
public static class TemplateAudioPlan
{
    /// <summary>
    /// What to render before any call: each fixed part of the template, and both variants (mid-sentence and
    /// sentence-final) of every vocabulary piece of the template's language for the types it uses. Distinct texts
    /// only, in a fixed order. Empty for a template with a free <c>text</c> value, which is always rendered whole.
    /// </summary>
    /// <exception cref="PromptRequestException">The base spec's language cannot speak templates.</exception>
    public static IReadOnlyList<PromptSpec> PrerenderSpecs(PromptTemplate template, PromptSpec baseSpec)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(baseSpec);
        LanguageVerbaliser verbaliser = VerbaliserRegistry.Get(baseSpec.Language);
        if (template.IsRenderOnly)
        {
            return [];
        }
        List<string> texts = [];
        foreach (TemplatePart part in template.Parts)
        {
            if (part is TemplateLiteral literal && FixedText(literal.Text) is { } text)
            {
                texts.Add(text);
            }
        }
        foreach (VocabularyPiece piece in TemplateVocabulary.For(verbaliser.Language, template.ValueTypes))
        {
            texts.Add(piece.Text);
            texts.Add(piece.FinalText);
        }
        HashSet<string> seen = new(StringComparer.Ordinal);
        return texts.Where(t => seen.Add(PromptKeys.NormalizeText(t))).Select(t => baseSpec with { Text = t }).ToArray();
    }

    /// <summary>The specs to join, in order, for a composed sentence.</summary>
    /// <exception cref="InvalidOperationException">The sentence holds free text and can only be rendered whole.</exception>
    public static IReadOnlyList<JoinStep> JoinSteps(ComposedAnnouncement composed, PromptSpec baseSpec)
    {
        ArgumentNullException.ThrowIfNull(composed);
        ArgumentNullException.ThrowIfNull(baseSpec);
        if (composed.RenderOnly)
        {
            throw new InvalidOperationException("A sentence with a free text value is rendered whole, never joined.");
        }
        return composed.Segments.Select(s => new JoinStep(baseSpec with { Text = s.Text }, s.GapBefore)).ToArray();
    }

    /// <summary>The spec of the whole sentence rendered in one piece (the key a background render of <c>auto</c> stores under).</summary>
    public static PromptSpec WholeRenderSpec(ComposedAnnouncement composed, PromptSpec baseSpec)
    {
        ArgumentNullException.ThrowIfNull(composed);
        ArgumentNullException.ThrowIfNull(baseSpec);
        return baseSpec with { Text = composed.Spoken };
    }

    // The same trimming the composer applies to a literal; null when it holds nothing to say.
    internal static string? FixedText(string literal)
    {
        string content = literal.Trim().TrimStart(',', ';', ':', '.', '!', '?', '-', '—', '–', ' ');
        return content.Any(char.IsLetterOrDigit) ? content : null;
    }
}
