using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Prompts.Templates;

namespace IvrVoice.Library.Build;

/// <summary>A library prompt as one build renders it: the spec (with the build's model choices applied) and its key.</summary>
public sealed record PlannedPrompt(LibraryPrompt Prompt, PromptSpec Spec, PromptKey Key)
{
    public string Id => Prompt.Id;

    public string Language => Prompt.Language;

    /// <summary>The prompt's own model when the build replaced it by the fallback model (no route serves it); else null.</summary>
    public string? FallbackFrom { get; init; }

    public override string ToString() => $"{Language}/{Id}";
}

/// <summary>One piece of a template's audio a build pre-renders: a fixed part or a vocabulary piece, with its key.</summary>
public sealed record PlannedPiece(PromptSpec Spec, PromptKey Key)
{
    public override string ToString() => $"{Spec.Language} '{Spec.Text}'";
}

/// <summary>
/// A template prompt as one build prepares it: the base spec its pieces are rendered from (with the build's model choices
/// applied) and the pieces <see cref="TemplateAudioPlan.PrerenderSpecs"/> plans for it. A template with a free <c>text</c>
/// value, or with <c>strategy: render</c>, is always rendered whole in a call and has no pieces.
/// </summary>
public sealed record PlannedTemplate(LibraryPrompt Prompt, PromptSpec BaseSpec, IReadOnlyList<PlannedPiece> Pieces)
{
    public string Id => Prompt.Id;

    public string Language => Prompt.Language;

    /// <summary>The template's own model when the build replaced it by the fallback model; else null.</summary>
    public string? FallbackFrom { get; init; }

    public override string ToString() => $"{Language}/{Id}";
}

/// <summary>Every prompt a build will render, in library order, and the prompts it cannot render as asked.</summary>
public sealed class LibraryBuildPlan
{
    internal LibraryBuildPlan(IReadOnlyList<PlannedPrompt> prompts, IReadOnlyList<LibraryDiagnostic> problems, IReadOnlyList<PlannedTemplate>? templates = null)
    {
        Prompts = prompts;
        Problems = problems;
        Templates = templates ?? [];
        HashSet<PromptKey> seen = [];
        Pieces = [.. Templates.SelectMany(t => t.Pieces).Where(piece => seen.Add(piece.Key))];
    }

    /// <summary>The plain prompts, each rendered and exported as a file of its own.</summary>
    public IReadOnlyList<PlannedPrompt> Prompts { get; }

    /// <summary>The template prompts; they are not exported as files (their sentences depend on values).</summary>
    public IReadOnlyList<PlannedTemplate> Templates { get; }

    /// <summary>Every distinct piece of every template, in plan order: templates of one voice and language share their vocabulary.</summary>
    public IReadOnlyList<PlannedPiece> Pieces { get; }

    /// <summary>Prompts that cannot be rendered with the build's settings (a voice the override model lacks), at their place in the library.</summary>
    public IReadOnlyList<LibraryDiagnostic> Problems { get; }
}

/// <summary>Applies a build's model override or fallback to each prompt's spec.</summary>
internal static class BuildPlanner
{
    /// <param name="isServed">Whether a configured route serves a model; null never falls back (checks against a manifest).</param>
    public static LibraryBuildPlan Create(PromptLibrary library, LibraryBuildOptions options, Func<string, bool>? isServed)
    {
        string? overrideModel = options.Model is null ? null : ModelCatalog.Normalize(options.Model);
        string? fallbackModel = options.FallbackModel is null ? null : ModelCatalog.Normalize(options.FallbackModel);
        HashSet<string> languages = new(options.Languages, StringComparer.Ordinal);
        List<PlannedPrompt> planned = [];
        List<LibraryDiagnostic> problems = [];
        List<PlannedTemplate> templates = [];
        foreach (LibraryPrompt prompt in library.Prompts)
        {
            if (languages.Count > 0 && !languages.Contains(prompt.Language))
            {
                continue;
            }

            if (prompt.IsTemplate)
            {
                if (PlanTemplate(prompt, overrideModel, fallbackModel, isServed, out string? templateProblem) is { } template)
                {
                    templates.Add(template);
                }
                else
                {
                    problems.Add(new LibraryDiagnostic(prompt.Location.File, prompt.Location.Line, prompt.Location.Column, DiagnosticSeverity.Error,
                        $"template '{prompt.Id}' ({prompt.Language}) cannot be rendered with {overrideModel}: {templateProblem}"));
                }

                continue;
            }

            PromptSpec spec = prompt.Spec;
            if (overrideModel is not null)
            {
                if (Migrate(spec, overrideModel, out string? problem) is { } migrated)
                {
                    planned.Add(new PlannedPrompt(prompt, migrated, PromptKeys.For(migrated)));
                }
                else
                {
                    problems.Add(new LibraryDiagnostic(prompt.Location.File, prompt.Location.Line, prompt.Location.Column, DiagnosticSeverity.Error,
                        $"prompt '{prompt.Id}' ({prompt.Language}) cannot be rendered with {overrideModel}: {problem}"));
                }

                continue;
            }

            PlannedPrompt plain = new(prompt, spec, PromptKeys.For(spec));
            planned.Add(fallbackModel is not null && isServed is not null && !isServed(spec.Model) && spec.Model != fallbackModel
                ? WithFallback(plain, fallbackModel)
                : plain);
        }

        return new LibraryBuildPlan(planned, problems, templates);
    }

    /// <summary>The template's base spec with the build's model choices applied, and its pieces; null when the override model cannot speak it.</summary>
    private static PlannedTemplate? PlanTemplate(LibraryPrompt prompt, string? overrideModel, string? fallbackModel, Func<string, bool>? isServed, out string? problem)
    {
        problem = null;
        PromptSpec spec = prompt.Spec;
        string? fallbackFrom = null;
        PromptTemplate template = prompt.Template!;
        if (overrideModel is not null)
        {
            if (Migrate(spec, overrideModel, out problem) is not { } migrated)
            {
                return null;
            }

            // Tags in the fixed text are translated for the new model; the placeholders are untouched.
            template = PromptTemplate.Parse(migrated.Text).Template ?? template;
            spec = migrated;
        }
        else if (fallbackModel is not null && isServed is not null && !isServed(spec.Model) && spec.Model != fallbackModel)
        {
            fallbackFrom = spec.Model;
            spec = spec with { Model = fallbackModel, Temperature = ModelCatalog.AcceptsTemperature(fallbackModel) ? spec.Temperature : null };
        }

        IReadOnlyList<PlannedPiece> pieces = prompt.Strategy == AnnouncementStrategy.Render || template.IsRenderOnly
            ? []
            : [.. TemplateAudioPlan.PrerenderSpecs(template, spec).Select(piece => new PlannedPiece(piece, PromptKeys.For(piece)))];
        return new PlannedTemplate(prompt, spec, pieces) { FallbackFrom = fallbackFrom };
    }

    /// <summary>The template planned against a manifest's record of it: with the fallback model it was last built with.</summary>
    public static PlannedTemplate WithFallback(PlannedTemplate template, string model)
    {
        PromptSpec spec = template.BaseSpec with { Model = model, Temperature = ModelCatalog.AcceptsTemperature(model) ? template.BaseSpec.Temperature : null };
        IReadOnlyList<PlannedPiece> pieces = template.Pieces.Count == 0
            ? []
            : [.. TemplateAudioPlan.PrerenderSpecs(template.Prompt.Template!, spec).Select(piece => new PlannedPiece(piece, PromptKeys.For(piece)))];
        return template with { BaseSpec = spec, Pieces = pieces, FallbackFrom = template.BaseSpec.Model };
    }

    /// <summary>
    /// The prompt rendered with <paramref name="model"/> in place of its own, as the web app renders a flow prompt whose model no
    /// route serves: same text (the offline engine drops tags itself), no temperature the model rejects.
    /// </summary>
    public static PlannedPrompt WithFallback(PlannedPrompt prompt, string model)
    {
        PromptSpec spec = prompt.Spec with
        {
            Model = model,
            Temperature = ModelCatalog.AcceptsTemperature(model) ? prompt.Spec.Temperature : null,
        };
        return prompt with { Spec = spec, Key = PromptKeys.For(spec), FallbackFrom = prompt.Spec.Model };
    }

    /// <summary>The spec moved to <paramref name="model"/>: tags translated, temperature dropped where rejected, voices checked.</summary>
    internal static PromptSpec? Migrate(PromptSpec spec, string model, out string? problem)
    {
        problem = null;
        string? voice = VoiceCatalog.Normalize(model, spec.Voice);
        if (voice is null)
        {
            problem = $"the model has no voice '{spec.Voice}'";
            return null;
        }

        List<TtsSpeaker> speakers = [];
        foreach (TtsSpeaker speaker in spec.Speakers)
        {
            string? speakerVoice = VoiceCatalog.Normalize(model, speaker.Voice);
            if (speakerVoice is null)
            {
                problem = $"the model has no voice '{speaker.Voice}' for speaker '{speaker.Name}'";
                return null;
            }

            speakers.Add(speaker with { Voice = speakerVoice });
        }

        string text = ModelCatalog.TranslateTags(spec.Text, spec.Model, model);
        if (PromptKeys.NormalizeText(text).Length == 0)
        {
            problem = "nothing is left of the text once its audio tags are removed";
            return null;
        }

        return spec with
        {
            Text = text,
            Voice = voice,
            Speakers = speakers,
            Model = model,
            Temperature = ModelCatalog.AcceptsTemperature(model) ? spec.Temperature : null,
        };
    }
}
