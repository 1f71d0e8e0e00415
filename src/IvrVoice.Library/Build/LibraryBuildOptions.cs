using IvrVoice.Providers;

namespace IvrVoice.Library.Build;

/// <summary>What one library build renders, where it writes, and how.</summary>
public sealed record LibraryBuildOptions
{
    /// <summary>Most prompts one build renders at once (each route also has its own limit).</summary>
    public const int MaxConcurrency = 64;

    /// <summary>The output folder (<c>dist/</c>): manifest, exports and the build's job journal.</summary>
    public required string OutputFolder { get; init; }

    /// <summary>
    /// Render every prompt with this model instead of its own (a migration): audio tags are translated to the model's
    /// dialect and a temperature it rejects is dropped. Null keeps each prompt's model.
    /// </summary>
    public string? Model { get; init; }

    /// <summary>
    /// The model a prompt is rendered with when no configured route serves its own (a library written for Gemini on a
    /// machine without keys), as the web app does for its call flows. Null turns the fallback off. Not applied with <see cref="Model"/>.
    /// </summary>
    public string? FallbackModel { get; init; } = ModelCatalog.EspeakNg;

    /// <summary>Render only through this route (for example <c>espeak</c>); null uses the configured failover order.</summary>
    public string? OnlyProvider { get; init; }

    /// <summary>Prompts rendered at once, 1 to <see cref="MaxConcurrency"/>.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>Build only these languages (others keep what the output already holds); empty builds every language.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];

    /// <summary>The export targets to write (and, for a check, to require); null means every target for a build and the targets of the last build for a check.</summary>
    public ExportTargets? Exports { get; init; }

    /// <summary>An earlier build's output folder to compare this build with (comparison.md and comparison.json).</summary>
    public string? CompareWith { get; init; }

    /// <summary>The library folder, as it should be named in the manifest.</summary>
    public string? LibraryFolder { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(OutputFolder))
        {
            throw new ArgumentException("The output folder is required.", nameof(OutputFolder));
        }

        if (Concurrency is < 1 or > MaxConcurrency)
        {
            throw new ArgumentException($"Concurrency must be 1 to {MaxConcurrency}, not {Concurrency}.", nameof(Concurrency));
        }

        if (Model is not null && ModelCatalog.Normalize(Model) is null)
        {
            throw new ArgumentException($"Unknown model '{Model}'. Known models: {string.Join(", ", ModelCatalog.All)}.", nameof(Model));
        }

        if (FallbackModel is not null && ModelCatalog.Normalize(FallbackModel) is null)
        {
            throw new ArgumentException($"Unknown fallback model '{FallbackModel}'. Known models: {string.Join(", ", ModelCatalog.All)}.", nameof(FallbackModel));
        }

        if (Exports is { } exports && ((exports & ExportTargets.All) == ExportTargets.None || (exports & ~ExportTargets.All) != 0))
        {
            throw new ArgumentException("Choose at least one export target.", nameof(Exports));
        }

        foreach (string language in Languages)
        {
            if (!LibraryRules.IsCanonicalLanguage(language))
            {
                throw new ArgumentException($"'{language}' is not a canonical BCP 47 tag such as en-US.", nameof(Languages));
            }
        }
    }
}
