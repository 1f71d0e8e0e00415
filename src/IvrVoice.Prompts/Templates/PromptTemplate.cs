namespace IvrVoice.Prompts.Templates;

/// <summary>
/// A prompt text with typed placeholders: <c>{name}</c>, <c>{name:type}</c> or <c>{name:type(option=value, ...)}</c>;
/// <c>{{</c> and <c>}}</c> are literal braces. Immutable; build one with <see cref="Parse"/>.
/// </summary>
public sealed class PromptTemplate
{
    internal PromptTemplate(string source, IReadOnlyList<TemplatePart> parts)
    {
        Source = source;
        Parts = parts;
        Placeholders = parts.OfType<TemplatePlaceholder>().ToArray();
        ValueTypes = Placeholders.Select(p => p.Type).Distinct().Order().ToArray();
    }

    /// <summary>The template text as written.</summary>
    public string Source { get; }

    /// <summary>Literals and placeholders in text order; adjacent literals are merged.</summary>
    public IReadOnlyList<TemplatePart> Parts { get; }

    /// <summary>The placeholders in text order; names are unique.</summary>
    public IReadOnlyList<TemplatePlaceholder> Placeholders { get; }

    /// <summary>The distinct placeholder types used, in enum order.</summary>
    public IReadOnlyList<TemplateValueType> ValueTypes { get; }

    /// <summary>True when a free <c>text</c> value makes every sentence a whole render (never joined).</summary>
    public bool IsRenderOnly => ValueTypes.Contains(TemplateValueType.Text);

    /// <summary>Parses a template; on failure the result lists every problem with its offset.</summary>
    public static TemplateParseResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TemplateParser.Parse(text);
    }

    /// <summary>True when the text holds at least one placeholder brace (not counting <c>{{</c>/<c>}}</c>), i.e. it is meant as a template.</summary>
    public static bool LooksLikeTemplate(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] is '{' or '}')
            {
                if (i + 1 < text.Length && text[i + 1] == text[i])
                {
                    i++;
                    continue;
                }
                return true;
            }
        }
        return false;
    }
}
