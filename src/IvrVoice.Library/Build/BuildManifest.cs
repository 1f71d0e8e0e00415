using System.Text.Json;
using System.Text.Json.Serialization;
using IvrVoice.Caching;
using IvrVoice.Prompts;

namespace IvrVoice.Library.Build;

/// <summary>
/// <c>manifest.json</c> of a build's output: every prompt built, with what it was rendered from and every file written
/// for it, plus how the build was run. Rewritten (to a temporary file, then renamed) as prompts finish, so it is always
/// whole and never names a file that is not there.
/// </summary>
public sealed record BuildManifest
{
    public const string FileName = "manifest.json";

    /// <summary>Bumped when the manifest's layout changes incompatibly.</summary>
    public const int CurrentFormat = 1;

    public int Format { get; init; } = CurrentFormat;

    public required BuildInfo Build { get; init; }

    /// <summary>Ordered by language, then id.</summary>
    public required IReadOnlyList<ManifestPrompt> Prompts { get; init; }

    /// <summary>The template prompts, ordered by language, then id; they have pieces instead of files.</summary>
    public IReadOnlyList<ManifestTemplate> Templates { get; init; } = [];

    /// <summary>Every piece the templates are joined from (fixed parts and vocabulary), once each, in the cache and pinned.</summary>
    public IReadOnlyList<ManifestPiece> Pieces { get; init; } = [];

    public ManifestPrompt? Find(string language, string id) =>
        Prompts.FirstOrDefault(p => p.Language == language && p.Id == id);

    /// <summary>The manifest in <paramref name="outputFolder"/>, or null when there is none.</summary>
    /// <exception cref="ManifestException">The file cannot be read or is not a manifest this version understands.</exception>
    public static BuildManifest? Read(string outputFolder)
    {
        string path = Path.Combine(outputFolder, FileName);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ManifestException(path, $"it cannot be read: {e.Message}", e);
        }

        BuildManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize(bytes, BuildJsonContext.Default.BuildManifest);
        }
        catch (JsonException e)
        {
            throw new ManifestException(path, $"it is not valid manifest JSON ({e.Message})", e);
        }

        if (manifest is null || manifest.Prompts is null || manifest.Build is null || manifest.Templates is null || manifest.Pieces is null)
        {
            throw new ManifestException(path, "it holds no build");
        }

        if (manifest.Format != CurrentFormat)
        {
            throw new ManifestException(path, $"its format is {manifest.Format}; this version reads format {CurrentFormat}");
        }

        foreach (ManifestPrompt prompt in manifest.Prompts)
        {
            if (!LibraryRules.IsValidId(prompt.Id) || !LibraryRules.IsCanonicalLanguage(prompt.Language) || prompt.Files is null
                || prompt.Files.Values.Any(f => f is null || !IsInside(f.Path)))
            {
                // Paths are joined to the output folder and deleted or overwritten, so a tampered manifest must not point outside it.
                throw new ManifestException(path, $"prompt '{prompt.Id}' ({prompt.Language}) has an invalid id, language or file path");
            }
        }

        return manifest;
    }

    internal async Task WriteAsync(string outputFolder, CancellationToken cancellationToken)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(this, BuildJsonContext.Default.BuildManifest);
        await AtomicFile.WriteAsync(Path.Combine(outputFolder, FileName), json, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A relative path with forward slashes that stays inside the output folder.</summary>
    internal static bool IsInside(string? relativePath) =>
        !string.IsNullOrEmpty(relativePath)
        && !Path.IsPathRooted(relativePath)
        && !relativePath.Contains('\\', StringComparison.Ordinal)
        && relativePath.Split('/').All(segment => segment.Length > 0 && segment != "." && segment != "..");
}

/// <summary>How a build was run, and its totals once it finished.</summary>
public sealed record BuildInfo
{
    /// <summary>The program that wrote the manifest, with its version.</summary>
    public required string Tool { get; init; }

    /// <summary>The library's display name, when it has one.</summary>
    public string? Library { get; init; }

    /// <summary>The library folder as given to the build.</summary>
    public string? LibraryFolder { get; init; }

    /// <summary><see cref="PromptKeys.PipelineVersion"/> of the build: keys from another pipeline never match.</summary>
    public int PipelineVersion { get; init; } = PromptKeys.PipelineVersion;

    /// <summary>The model every prompt was moved to (a migration build), or null.</summary>
    public string? Model { get; init; }

    /// <summary>The model used for prompts whose own model no configured route served, or null when off.</summary>
    public string? FallbackModel { get; init; }

    /// <summary>The only route used, or null for the configured failover order.</summary>
    public string? Provider { get; init; }

    /// <summary>The languages built, or empty for every language.</summary>
    public IReadOnlyList<string> Languages { get; init; } = [];

    public required IReadOnlyList<string> Exports { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>Null while the build runs (or when it was interrupted).</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Counts of the last finished build; null while it runs.</summary>
    public BuildTotals? Totals { get; init; }
}

/// <summary>What a finished build did: prompts rendered, reused and failed, and the same for template pieces.</summary>
public sealed record BuildTotals(int Rendered, int Reused, int Failed, double AudioSeconds, IReadOnlyDictionary<string, decimal> CostUsdByProvider)
{
    public int PiecesRendered { get; init; }

    public int PiecesReused { get; init; }

    public int PiecesFailed { get; init; }
}

/// <summary>One built prompt of the manifest.</summary>
public sealed record ManifestPrompt
{
    public required string Id { get; init; }

    public required string Language { get; init; }

    /// <summary>The text as rendered (for a migration, with its tags in the new model's dialect).</summary>
    public required string Text { get; init; }

    /// <summary>The prompt key: the same key the service caches and serves the prompt under.</summary>
    public required PromptKey Key { get; init; }

    public required string Voice { get; init; }

    /// <summary>The two speakers of a dialogue prompt; empty otherwise.</summary>
    public IReadOnlyList<PromptSpeaker> Speakers { get; init; } = [];

    public string? Style { get; init; }

    public required string Model { get; init; }

    /// <summary>The prompt's own model when the build used the fallback model instead; null otherwise.</summary>
    public string? FallbackFrom { get; init; }

    /// <summary>The route that rendered the audio (gemini, openrouter, espeak, ...).</summary>
    public required string Provider { get; init; }

    public double DurationSeconds { get; init; }

    /// <summary>SHA-256 of the 8 kHz μ-law WAV (the cached prompt and the Twilio and Connect files), lowercase hex.</summary>
    public required string Sha256 { get; init; }

    public long Bytes { get; init; }

    public DateTimeOffset RenderedAt { get; init; }

    /// <summary>What the render cost, as the route reported or estimated it; null when unknown.</summary>
    public decimal? CostUsd { get; init; }

    /// <summary>
    /// What the linear and A-law exports were made from: <c>mastered</c> (the mastered 8 kHz signal, before μ-law) or
    /// <c>mulaw</c> (decoded from the μ-law audio, when the prompt came from the cache without its master).
    /// </summary>
    public required string ExportSource { get; init; }

    /// <summary>Every file of the prompt, by export (twilio, asterisk-ulaw, asterisk-alaw, asterisk-sln, freeswitch, connect).</summary>
    public required IReadOnlyDictionary<string, ManifestFile> Files { get; init; }
}

/// <summary>A template prompt of the manifest: what its pieces are rendered from. Templates have no export files.</summary>
public sealed record ManifestTemplate
{
    public required string Id { get; init; }

    public required string Language { get; init; }

    /// <summary>The template text as written, placeholders included.</summary>
    public required string Text { get; init; }

    /// <summary>auto, join or render.</summary>
    public required string Strategy { get; init; }

    /// <summary>The types of its placeholders (number, date, ...).</summary>
    public IReadOnlyList<string> ValueTypes { get; init; } = [];

    public required string Voice { get; init; }

    public string? Style { get; init; }

    public required string Model { get; init; }

    /// <summary>The template's own model when the build used the fallback model instead; null otherwise.</summary>
    public string? FallbackFrom { get; init; }

    /// <summary>True when the template is always rendered whole (a free text value, or <c>strategy: render</c>): it has no pieces.</summary>
    public bool RenderOnly { get; init; }

    /// <summary>How many pieces it is joined from, its fixed parts and its language's vocabulary for its types (shared with other templates).</summary>
    public int Pieces { get; init; }
}

/// <summary>A pre-rendered piece of templates: a fixed part or a vocabulary piece, kept in the cache under its key.</summary>
public sealed record ManifestPiece
{
    public required PromptKey Key { get; init; }

    public required string Language { get; init; }

    /// <summary>Exactly what was rendered (a vocabulary piece's sentence-final variant ends with a full stop).</summary>
    public required string Text { get; init; }

    public required string Voice { get; init; }

    public required string Model { get; init; }

    public required string Provider { get; init; }

    public double DurationSeconds { get; init; }

    /// <summary>SHA-256 of the cached 8 kHz μ-law WAV.</summary>
    public required string Sha256 { get; init; }

    public DateTimeOffset RenderedAt { get; init; }

    /// <summary>What rendering it cost, when this output's build rendered it and the route said; null otherwise.</summary>
    public decimal? CostUsd { get; init; }
}

/// <summary>A file of the output: its path relative to the output folder (forward slashes), SHA-256 and size.</summary>
public sealed record ManifestFile(string Path, string Sha256, long Bytes);

/// <summary>The manifest of an output folder cannot be used.</summary>
public sealed class ManifestException(string path, string reason, Exception? inner = null)
    : Exception($"{path}: {reason}.", inner)
{
    public string Path { get; } = path;
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(BuildManifest))]
[JsonSerializable(typeof(BuildComparison))]
internal sealed partial class BuildJsonContext : JsonSerializerContext;
