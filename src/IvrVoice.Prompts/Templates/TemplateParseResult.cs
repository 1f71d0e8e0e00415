namespace IvrVoice.Prompts.Templates;

/// <summary>The outcome of <see cref="PromptTemplate.Parse"/>: a template, or every problem found (never both).</summary>
public sealed class TemplateParseResult
{
    internal TemplateParseResult(PromptTemplate? template, IReadOnlyList<TemplateDiagnostic> diagnostics)
    {
        Template = template;
        Diagnostics = diagnostics;
    }

    /// <summary>The parsed template; null when there are diagnostics.</summary>
    public PromptTemplate? Template { get; }

    /// <summary>Every problem found, in text order; empty on success.</summary>
    public IReadOnlyList<TemplateDiagnostic> Diagnostics { get; }

    public bool Succeeded => Template is not null;
}
