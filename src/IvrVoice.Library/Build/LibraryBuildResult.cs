using IvrVoice.Providers;

namespace IvrVoice.Library.Build;

/// <summary>What happened to one prompt in a build.</summary>
public enum PromptOutcome
{
    /// <summary>Rendered by a provider in this build.</summary>
    Rendered,

    /// <summary>Its audio was already built or cached under the same key: nothing was rendered.</summary>
    Reused,

    /// <summary>Every route failed or the audio failed quality checks; nothing was cached for it.</summary>
    Failed,
}

/// <summary>A prompt that could not be built, and why (one reason per route attempt).</summary>
public sealed record PromptFailure(PlannedPrompt Prompt, IReadOnlyList<string> Reasons)
{
    public override string ToString() => $"{Prompt} ({Prompt.Prompt.Location}): {string.Join("; ", Reasons)}";
}

/// <summary>A template piece that could not be rendered, and why (one reason per route attempt).</summary>
public sealed record PieceFailure(PlannedPiece Piece, IReadOnlyList<string> Reasons)
{
    public override string ToString() => $"{Piece}: {string.Join("; ", Reasons)}";
}

/// <summary>Where the template part of a build is, reported after every piece.</summary>
public sealed record TemplateBuildProgress(int Total, int Rendered, int Reused, int Failed, PlannedPiece? Last)
{
    public int Done => Rendered + Reused + Failed;
}

/// <summary>Where a build is, reported after every prompt.</summary>
public sealed record LibraryBuildProgress(int Total, int Rendered, int Reused, int Failed, PlannedPrompt? Last, PromptOutcome? LastOutcome)
{
    public int Done => Rendered + Reused + Failed;
}

/// <summary>The outcome of <see cref="PromptLibraryBuilder.BuildAsync"/>.</summary>
public sealed class LibraryBuildResult
{
    internal LibraryBuildResult(BuildManifest manifest, IReadOnlyList<PromptFailure> failures, int rendered, int reused,
        IReadOnlyDictionary<string, decimal> costByProvider, IReadOnlyList<string> providersWithoutCost, BuildComparison? comparison,
        int piecesRendered = 0, int piecesReused = 0, IReadOnlyList<PieceFailure>? pieceFailures = null)
    {
        PiecesRendered = piecesRendered;
        PiecesReused = piecesReused;
        PieceFailures = pieceFailures ?? [];
        Manifest = manifest;
        Failures = failures;
        Rendered = rendered;
        Reused = reused;
        CostUsdByProvider = costByProvider;
        ProvidersWithoutCost = providersWithoutCost;
        Comparison = comparison;
    }

    public BuildManifest Manifest { get; }

    public int Rendered { get; }

    public int Reused { get; }

    public int Failed => Failures.Count;

    public IReadOnlyList<PromptFailure> Failures { get; }

    /// <summary>Template pieces rendered by this build.</summary>
    public int PiecesRendered { get; }

    /// <summary>Template pieces the cache already held (pinned by this build if they were not).</summary>
    public int PiecesReused { get; }

    public IReadOnlyList<PieceFailure> PieceFailures { get; }

    /// <summary>Seconds of audio in the output's manifest: prompts and template pieces.</summary>
    public double AudioSeconds => Manifest.Prompts.Sum(p => p.DurationSeconds) + Manifest.Pieces.Sum(p => p.DurationSeconds);

    /// <summary>What this build's renders cost, estimated from each route's price list or as the route reported it.</summary>
    public IReadOnlyDictionary<string, decimal> CostUsdByProvider { get; }

    /// <summary>Routes that rendered something whose cost they did not report and could not estimate.</summary>
    public IReadOnlyList<string> ProvidersWithoutCost { get; }

    /// <summary>The comparison with <see cref="LibraryBuildOptions.CompareWith"/>, when one was asked for.</summary>
    public BuildComparison? Comparison { get; }

    public bool Succeeded => Failures.Count == 0 && PieceFailures.Count == 0;
}

/// <summary>A prompt a check found out of date, and why.</summary>
public sealed record StalePrompt(string Language, string Id, string Reason)
{
    public override string ToString() => $"{Language}/{Id}: {Reason}";
}

/// <summary>The outcome of <see cref="PromptLibraryBuilder.CheckAsync"/>: the output is up to date when nothing is stale.</summary>
public sealed record LibraryCheckResult(int Checked, IReadOnlyList<StalePrompt> Stale)
{
    /// <summary>Template prompts checked (their pieces), besides the <see cref="Checked"/> plain prompts.</summary>
    public int TemplatesChecked { get; init; }

    public bool IsUpToDate => Stale.Count == 0;
}

/// <summary>The build cannot start: a setting names something that does not exist, or the output is unusable.</summary>
public sealed class LibraryBuildException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>Name of the offline route (the only one that serves <see cref="ModelCatalog.EspeakNg"/>).</summary>
internal static class OfflineRoute
{
    public const string Name = "espeak";
}
