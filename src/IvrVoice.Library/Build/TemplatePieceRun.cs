using System.Collections.Concurrent;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Library.Build;

/// <summary>
/// The template part of one build: every planned piece (fixed parts and vocabulary) reused from the cache or rendered and
/// pinned there, never written as export files; and the manifest's record of templates and pieces.
/// </summary>
internal sealed class TemplatePieceRun
{
    private readonly PromptRenderer _renderer;
    private readonly PromptCache _cache;
    private readonly ILogger _logger;
    private readonly LibraryBuildOptions _options;
    private readonly IProgress<TemplateBuildProgress>? _progress;
    private readonly Action<string, decimal?> _addCost;
    private readonly Action _changed;
    private readonly ConcurrentDictionary<(string Language, string Id), ManifestTemplate> _templates = new();
    private readonly ConcurrentDictionary<PromptKey, ManifestPiece> _pieces = new();
    private readonly ConcurrentQueue<PieceFailure> _failures = new();
    private readonly Lock _gate = new();
    private int _total;
    private int _rendered;
    private int _reused;

    public TemplatePieceRun(PromptRenderer renderer, ILogger logger, LibraryBuildOptions options, BuildManifest? previous,
        IProgress<TemplateBuildProgress>? progress, Action<string, decimal?> addCost, Action changed)
    {
        _renderer = renderer;
        _cache = renderer.Cache;
        _logger = logger;
        _options = options;
        _progress = progress;
        _addCost = addCost;
        _changed = changed;
        foreach (ManifestTemplate template in previous?.Templates ?? [])
        {
            _templates[(template.Language, template.Id)] = template;
        }

        foreach (ManifestPiece piece in previous?.Pieces ?? [])
        {
            _pieces[piece.Key] = piece;
        }
    }

    public int Rendered => _rendered;

    public int Reused => _reused;

    public IReadOnlyList<PieceFailure> Failures => [.. _failures.OrderBy(f => f.Piece.Spec.Language, StringComparer.Ordinal).ThenBy(f => f.Piece.Spec.Text, StringComparer.Ordinal)];

    public IReadOnlyList<ManifestTemplate> Templates =>
        [.. _templates.Values.OrderBy(t => t.Language, StringComparer.Ordinal).ThenBy(t => t.Id, StringComparer.Ordinal)];

    public IReadOnlyList<ManifestPiece> Pieces =>
        [.. _pieces.Values.OrderBy(p => p.Language, StringComparer.Ordinal).ThenBy(p => p.Text, StringComparer.Ordinal).ThenBy(p => p.Key.ToString(), StringComparer.Ordinal)];

    public double AudioSeconds => _pieces.Values.Sum(p => p.DurationSeconds);

    public async Task RunAsync(LibraryBuildPlan plan, CancellationToken cancellationToken)
    {
        foreach (PlannedTemplate template in plan.Templates)
        {
            _templates[(template.Language, template.Id)] = EntryFor(template);
        }

        _total = plan.Pieces.Count;
        _progress?.Report(new TemplateBuildProgress(_total, 0, 0, 0, null));
        await Parallel.ForEachAsync(
            plan.Pieces,
            new ParallelOptions { MaxDegreeOfParallelism = _options.Concurrency, CancellationToken = cancellationToken },
            ProcessAsync).ConfigureAwait(false);
    }

    /// <summary>
    /// Templates deleted from the library (or no longer templates) leave the manifest; so do pieces no template of the built
    /// languages plans any more. Their audio stays in the cache, where eviction may reclaim it once unpinned by hand.
    /// </summary>
    public void RemoveWhatIsNoLongerPlanned(PromptLibrary library, LibraryBuildPlan plan)
    {
        foreach ((string language, string id) in _templates.Keys)
        {
            if (!library.TryGetPrompt(language, id, out LibraryPrompt? prompt) || !prompt.IsTemplate)
            {
                _templates.TryRemove((language, id), out _);
                _changed();
            }
        }

        HashSet<string> built = [.. _options.Languages];
        HashSet<PromptKey> planned = [.. plan.Pieces.Select(p => p.Key)];
        foreach ((PromptKey key, ManifestPiece piece) in _pieces)
        {
            if ((built.Count == 0 || built.Contains(piece.Language)) && !planned.Contains(key))
            {
                _pieces.TryRemove(key, out _);
                _changed();
            }
        }
    }

    private async ValueTask ProcessAsync(PlannedPiece piece, CancellationToken cancellationToken)
    {
        bool rendered = false;
        try
        {
            PromptMetadata? stored = await _cache.GetMetadataAsync(piece.Key, cancellationToken).ConfigureAwait(false);
            ManifestPiece entry;
            if (stored is not null)
            {
                if (!stored.Pinned)
                {
                    await _cache.Store.SetPinnedAsync(piece.Key, pinned: true, cancellationToken).ConfigureAwait(false);
                }

                entry = EntryFor(piece, stored, _pieces.TryGetValue(piece.Key, out ManifestPiece? before) ? before.CostUsd : null);
            }
            else
            {
                RenderedPrompt render = await _renderer.RenderAsync(piece.Spec, RenderUrgency.Batch, _options.OnlyProvider, cancellationToken).ConfigureAwait(false);
                await _cache.PutAsync(render.Prompt, pinned: true, cancellationToken).ConfigureAwait(false);
                _addCost(render.Prompt.Metadata.Provider, render.CostUsd);
                entry = EntryFor(piece, render.Prompt.Metadata, render.CostUsd);
                rendered = true;
            }

            _pieces[piece.Key] = entry;
            Interlocked.Increment(ref rendered ? ref _rendered : ref _reused);
            _changed();
        }
        catch (PromptRenderException e)
        {
            _failures.Enqueue(new PieceFailure(piece, e.Failures.Count == 0 ? [e.Message] : [.. e.Failures.Select(f => f.ToString())]));
            BuildLog.PieceFailed(_logger, piece.Spec.Language ?? "", piece.Key.ToString(), e.Failures.Count);
        }

        lock (_gate)
        {
            _progress?.Report(new TemplateBuildProgress(_total, _rendered, _reused, _failures.Count, piece));
        }
    }

    private static ManifestTemplate EntryFor(PlannedTemplate template) => new()
    {
        Id = template.Id,
        Language = template.Language,
        Text = template.BaseSpec.Text,
        Strategy = template.Prompt.Strategy.ToString().ToLowerInvariant(),
        ValueTypes = [.. template.Prompt.Template!.ValueTypes.Select(t => t.ToString().ToLowerInvariant())],
        Voice = template.BaseSpec.Voice,
        Style = template.BaseSpec.Style,
        Model = template.BaseSpec.Model,
        FallbackFrom = template.FallbackFrom,
        RenderOnly = template.Pieces.Count == 0,
        Pieces = template.Pieces.Count,
    };

    private static ManifestPiece EntryFor(PlannedPiece piece, PromptMetadata metadata, decimal? costUsd) => new()
    {
        Key = piece.Key,
        Language = piece.Spec.Language ?? "",
        Text = piece.Spec.Text,
        Voice = piece.Spec.Voice,
        Model = piece.Spec.Model,
        Provider = metadata.Provider,
        DurationSeconds = Math.Round(metadata.DurationSeconds, 3),
        Sha256 = metadata.Sha256,
        RenderedAt = metadata.RenderedAt,
        CostUsd = costUsd,
    };
}
