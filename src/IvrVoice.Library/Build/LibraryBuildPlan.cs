using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Providers;

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

/// <summary>Every prompt a build will render, in library order, and the prompts it cannot render as asked.</summary>
public sealed class LibraryBuildPlan
{
    internal LibraryBuildPlan(IReadOnlyList<PlannedPrompt> prompts, IReadOnlyList<LibraryDiagnostic> problems)
    {
        Prompts = prompts;
        Problems = problems;
    }

    public IReadOnlyList<PlannedPrompt> Prompts { get; }

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
        foreach (LibraryPrompt prompt in library.Prompts)
        {
            if (languages.Count > 0 && !languages.Contains(prompt.Language))
            {
                continue;
            }

            PromptSpec spec = prompt.ToSpec();
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

        return new LibraryBuildPlan(planned, problems);
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

        List<PromptSpeaker> speakers = [];
        foreach (PromptSpeaker speaker in spec.Speakers)
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
