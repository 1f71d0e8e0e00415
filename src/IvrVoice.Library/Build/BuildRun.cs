using System.Collections.Concurrent;
using IvrVoice.Audio;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Library.Build;

/// <summary>
/// The state of one build while it runs: each prompt reused from the output or the cache, or rendered and pinned, its files
/// written, and the manifest rewritten as prompts finish.
/// </summary>
internal sealed class BuildRun
{
    private readonly PromptRenderer _renderer;
    private readonly PromptCache _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ExportWriter _exports;
    private readonly PromptLibrary _library;
    private readonly LibraryBuildOptions _options;
    private readonly string _output;
    private readonly ExportTargets _targets;
    private readonly IProgress<LibraryBuildProgress>? _progress;
    private readonly int _total;
    private readonly DateTimeOffset _startedAt;
    private readonly ConcurrentDictionary<(string Language, string Id), ManifestPrompt> _entries = new();
    private readonly ConcurrentQueue<PromptFailure> _failures = new();
    private readonly Dictionary<string, decimal> _costs = new(StringComparer.Ordinal);
    private readonly HashSet<string> _uncosted = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _saving = new(1, 1);
    private readonly Lock _gate = new();
    private int _rendered;
    private int _reused;
    private long _version;
    private long _savedVersion = -1;

    public BuildRun(PromptRenderer renderer, TimeProvider time, ILogger logger, PromptLibrary library, LibraryBuildOptions options, string output,
        ExportTargets targets, BuildManifest? previous, int total, IProgress<LibraryBuildProgress>? progress,
        IProgress<TemplateBuildProgress>? templateProgress = null)
    {
        Templates = new TemplatePieceRun(renderer, logger, options, previous, templateProgress, AddCost, () => Interlocked.Increment(ref _version));
        _renderer = renderer;
        _cache = renderer.Cache;
        _time = time;
        _logger = logger;
        _exports = new ExportWriter(output, targets, logger);
        _library = library;
        _options = options;
        _output = output;
        _targets = targets;
        _total = total;
        _progress = progress;
        _startedAt = time.GetUtcNow();
        foreach (ManifestPrompt entry in previous?.Prompts ?? [])
        {
            _entries[(entry.Language, entry.Id)] = entry;
        }
    }

    /// <summary>The template pieces of this build.</summary>
    public TemplatePieceRun Templates { get; }

    public int Rendered => _rendered;

    public int Reused => _reused;

    public IReadOnlyList<PromptFailure> Failures => [.. _failures.OrderBy(f => f.Prompt.Language, StringComparer.Ordinal).ThenBy(f => f.Prompt.Id, StringComparer.Ordinal)];

    public IReadOnlyDictionary<string, decimal> Costs
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, decimal>(_costs, StringComparer.Ordinal);
            }
        }
    }

    public IReadOnlyList<string> ProvidersWithoutCost
    {
        get
        {
            lock (_gate)
            {
                return [.. _uncosted.Order(StringComparer.Ordinal)];
            }
        }
    }

    public void ReportStart() => _progress?.Report(new LibraryBuildProgress(_total, 0, 0, 0, null, null));

    public async ValueTask ProcessAsync(PlannedPrompt prompt, CancellationToken cancellationToken)
    {
        PromptOutcome outcome;
        try
        {
            _entries.TryGetValue((prompt.Language, prompt.Id), out ManifestPrompt? previous);
            ManifestPrompt? entry = await TryReuseBuiltAsync(prompt, previous, cancellationToken).ConfigureAwait(false)
                ?? await TryReuseCachedAsync(prompt, previous, cancellationToken).ConfigureAwait(false);
            outcome = entry is null ? PromptOutcome.Rendered : PromptOutcome.Reused;
            entry ??= await RenderAsync(prompt, previous, cancellationToken).ConfigureAwait(false);
            _entries[(prompt.Language, prompt.Id)] = entry;
            Interlocked.Increment(ref _version);
            Interlocked.Increment(ref outcome == PromptOutcome.Rendered ? ref _rendered : ref _reused);
            await SaveAsync().ConfigureAwait(false);
        }
        catch (PromptRenderException e)
        {
            // The previous entry (if any) stays: its files are still whole, and a check reports it as stale.
            _failures.Enqueue(new PromptFailure(prompt, e.Failures.Count == 0 ? [e.Message] : [.. e.Failures.Select(f => f.ToString())]));
            BuildLog.PromptFailed(_logger, prompt.Language, prompt.Id, prompt.Key.ToString(), e.Failures.Count);
            outcome = PromptOutcome.Failed;
        }

        lock (_gate)
        {
            _progress?.Report(new LibraryBuildProgress(_total, _rendered, _reused, _failures.Count, prompt, outcome));
        }
    }

    /// <summary>The output already has this key: keep it, writing only files that are missing or modified.</summary>
    private async Task<ManifestPrompt?> TryReuseBuiltAsync(PlannedPrompt prompt, ManifestPrompt? previous, CancellationToken cancellationToken)
    {
        if (previous is null || previous.Key != prompt.Key)
        {
            return null;
        }

        byte[]? audio = await _exports.ReadIntactAsync(previous, LibraryExports.Twilio, cancellationToken).ConfigureAwait(false)
            ?? await _exports.ReadIntactAsync(previous, LibraryExports.Connect, cancellationToken).ConfigureAwait(false);
        CachedPrompt? cached = null;
        if (audio is null)
        {
            cached = await _cache.TryGetAsync(prompt.Key, CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false);
            audio = cached?.Audio.ToArray();
        }

        if (audio is null || !string.Equals(AtomicFile.Hash(audio), previous.Sha256, StringComparison.Ordinal))
        {
            return null;
        }

        await EnsurePinnedAsync(cached?.Metadata ?? await _cache.GetMetadataAsync(prompt.Key, cancellationToken).ConfigureAwait(false),
            () => CachedPrompt.Create(MetadataOf(previous), audio), cancellationToken).ConfigureAwait(false);
        (IReadOnlyDictionary<string, ManifestFile> files, string source) =
            await _exports.WriteFilesAsync(prompt, audio, master: null, previous, sameAudio: true, cancellationToken).ConfigureAwait(false);
        BuildLog.Reused(_logger, prompt.Language, prompt.Id, prompt.Key.ToString());
        return previous with { Files = files, ExportSource = source };
    }

    /// <summary>The cache has this key (an earlier build of another output, or the service rendered it): write it out.</summary>
    private async Task<ManifestPrompt?> TryReuseCachedAsync(PlannedPrompt prompt, ManifestPrompt? previous, CancellationToken cancellationToken)
    {
        CachedPrompt? cached = await _cache.TryGetAsync(prompt.Key, CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false);
        if (cached is null)
        {
            return null;
        }

        await EnsurePinnedAsync(cached.Metadata, () => cached, cancellationToken).ConfigureAwait(false);
        byte[] audio = cached.Audio.ToArray();
        (IReadOnlyDictionary<string, ManifestFile> files, string source) =
            await _exports.WriteFilesAsync(prompt, audio, master: null, previous, sameAudio: false, cancellationToken).ConfigureAwait(false);
        BuildLog.Reused(_logger, prompt.Language, prompt.Id, prompt.Key.ToString());
        return EntryFor(prompt, cached.Metadata, costUsd: null, files, source);
    }

    private async Task<ManifestPrompt> RenderAsync(PlannedPrompt prompt, ManifestPrompt? previous, CancellationToken cancellationToken)
    {
        RenderedPrompt rendered = await _renderer.RenderAsync(prompt.Spec, RenderUrgency.Batch, _options.OnlyProvider, cancellationToken)
            .ConfigureAwait(false);
        // In the cache first: from here on the prompt is never rendered again, whatever happens to this process.
        await _cache.PutAsync(rendered.Prompt, pinned: true, cancellationToken).ConfigureAwait(false);
        byte[] audio = rendered.Prompt.Audio.ToArray();
        ExportMaster? master = _exports.Master(rendered.Source, prompt.Spec.Mastering, audio);
        (IReadOnlyDictionary<string, ManifestFile> files, string exportSource) =
            await _exports.WriteFilesAsync(prompt, audio, master, previous, sameAudio: false, cancellationToken).ConfigureAwait(false);
        string provider = rendered.Prompt.Metadata.Provider;
        AddCost(provider, rendered.CostUsd);

        BuildLog.Rendered(_logger, prompt.Language, prompt.Id, prompt.Key.ToString(), provider);
        return EntryFor(prompt, rendered.Prompt.Metadata, rendered.CostUsd, files, exportSource);
    }

    private async Task EnsurePinnedAsync(PromptMetadata? stored, Func<CachedPrompt> prompt, CancellationToken cancellationToken)
    {
        if (stored is null)
        {
            await _cache.PutAsync(prompt(), pinned: true, cancellationToken).ConfigureAwait(false);
        }
        else if (!stored.Pinned)
        {
            await _cache.Store.SetPinnedAsync(stored.Key, pinned: true, cancellationToken).ConfigureAwait(false);
        }
    }

    private static ManifestPrompt EntryFor(PlannedPrompt prompt, PromptMetadata metadata, decimal? costUsd, IReadOnlyDictionary<string, ManifestFile> files, string source) => new()
    {
        Id = prompt.Id,
        Language = prompt.Language,
        Text = prompt.Spec.Text,
        Key = prompt.Key,
        Voice = prompt.Spec.Voice,
        Speakers = prompt.Spec.Speakers,
        Style = prompt.Spec.Style,
        Model = prompt.Spec.Model,
        FallbackFrom = prompt.FallbackFrom,
        Provider = metadata.Provider,
        DurationSeconds = Math.Round(metadata.DurationSeconds, 3),
        Sha256 = metadata.Sha256,
        Bytes = metadata.ByteLength,
        RenderedAt = metadata.RenderedAt,
        CostUsd = costUsd,
        ExportSource = source,
        Files = files,
    };

    private static PromptMetadata MetadataOf(ManifestPrompt entry) => new()
    {
        Key = entry.Key,
        Text = entry.Text,
        Voice = entry.Voice,
        Model = entry.Model,
        Language = entry.Language,
        Style = entry.Style,
        Provider = entry.Provider,
        DurationSeconds = entry.DurationSeconds,
        Sha256 = entry.Sha256,
        RenderedAt = entry.RenderedAt,
        Pinned = true,
    };

    /// <summary>Adds a render's cost to its route's total, or notes that the route gave none.</summary>
    public void AddCost(string provider, decimal? costUsd)
    {
        lock (_gate)
        {
            if (costUsd is { } cost)
            {
                _costs[provider] = _costs.GetValueOrDefault(provider) + cost;
            }
            else
            {
                _uncosted.Add(provider);
            }
        }
    }

    /// <summary>Entries of prompts deleted from the library (or now templates) leave the manifest, and their files the output.</summary>
    public void RemovePromptsNoLongerInLibrary()
    {
        foreach (((string language, string id), ManifestPrompt entry) in _entries)
        {
            if (_library.TryGetPrompt(language, id, out LibraryPrompt? prompt) && !prompt.IsTemplate)
            {
                continue;
            }

            foreach (ManifestFile file in entry.Files.Values)
            {
                AtomicFile.TryDelete(Path.Combine(_output, file.Path));
            }

            _entries.TryRemove((language, id), out _);
            Interlocked.Increment(ref _version);
            BuildLog.Removed(_logger, language, id);
        }
    }

    /// <summary>Writes the manifest if anything changed since it was last written; concurrent callers share one write.</summary>
    public async Task SaveAsync(BuildTotals? totals = null, DateTimeOffset? finishedAt = null)
    {
        // Not cancellable: the manifest must catch up with the prompts that finished, even while the build is being cancelled.
        await _saving.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            long version = Interlocked.Read(ref _version);
            if (version == _savedVersion && totals is null)
            {
                return;
            }

            await Snapshot(totals, finishedAt).WriteAsync(_output, CancellationToken.None).ConfigureAwait(false);
            _savedVersion = version;
        }
        finally
        {
            _saving.Release();
        }
    }

    public async Task<BuildManifest> FinishAsync()
    {
        DateTimeOffset finished = _time.GetUtcNow();
        BuildTotals totals = new(_rendered, _reused, _failures.Count, Math.Round(_entries.Values.Sum(e => e.DurationSeconds) + Templates.AudioSeconds, 3), Costs)
        {
            PiecesRendered = Templates.Rendered,
            PiecesReused = Templates.Reused,
            PiecesFailed = Templates.Failures.Count,
        };
        await SaveAsync(totals, finished).ConfigureAwait(false);
        return Snapshot(totals, finished);
    }

    private BuildManifest Snapshot(BuildTotals? totals, DateTimeOffset? finishedAt) => new()
    {
        Build = new BuildInfo
        {
            Tool = PromptLibraryBuilder.ToolName,
            Library = _library.Name,
            LibraryFolder = _options.LibraryFolder,
            Model = _options.Model is null ? null : ModelCatalog.Normalize(_options.Model),
            FallbackModel = _options.Model is null && _options.FallbackModel is not null ? ModelCatalog.Normalize(_options.FallbackModel) : null,
            Provider = _options.OnlyProvider,
            Languages = _options.Languages,
            Exports = ExportTargetNames.Names(_targets),
            StartedAt = _startedAt,
            FinishedAt = finishedAt,
            Totals = totals,
        },
        Prompts = [.. _entries.Values.OrderBy(e => e.Language, StringComparer.Ordinal).ThenBy(e => e.Id, StringComparer.Ordinal)],
        Templates = Templates.Templates,
        Pieces = Templates.Pieces,
    };
}
