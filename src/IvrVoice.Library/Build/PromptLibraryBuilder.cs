using System.Collections.Concurrent;
using System.Reflection;
using IvrVoice.Audio;
using IvrVoice.Caching;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using Microsoft.Extensions.Logging;

namespace IvrVoice.Library.Build;

/// <summary>
/// Builds a prompt library into an output folder: every prompt rendered once through the provider routes, pinned in the
/// prompt cache, written for each export target, and listed in <c>manifest.json</c>.
/// </summary>
/// <remarks>
/// Incremental: a prompt whose key is unchanged and whose audio is in the output or the cache is reused, never rendered.
/// Resumable: each prompt is stored in the cache before its files are written, every file and the manifest are written
/// whole (temporary file, then rename), and the manifest is rewritten as prompts finish; a build killed at any moment
/// and run again renders only what had not finished. Asynchronous routes record accepted jobs in the job journal, so
/// the second run polls the job the first one paid for instead of submitting it again.
/// </remarks>
public sealed partial class PromptLibraryBuilder
{
    /// <summary>The folder inside the output where builds keep their lock and job journal.</summary>
    public const string StateFolderName = ".ivrvoice";

    private readonly PromptRenderer _renderer;
    private readonly PromptCache _cache;
    private readonly ITtsRouter _router;
    private readonly TimeProvider _time;
    private readonly ILogger<PromptLibraryBuilder> _logger;

    public PromptLibraryBuilder(PromptRenderer renderer, ITtsRouter router, TimeProvider time, ILogger<PromptLibraryBuilder> logger)
    {
        ArgumentNullException.ThrowIfNull(renderer);
        ArgumentNullException.ThrowIfNull(router);
        _renderer = renderer;
        _cache = renderer.Cache;
        _router = router;
        _time = time;
        _logger = logger;
    }

    /// <summary>The program name and version written into manifests.</summary>
    public static string ToolName { get; } =
        "ivrvoice " + (typeof(PromptLibraryBuilder).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "dev");

    /// <summary>The job journal folder of builds writing to <paramref name="outputFolder"/>.</summary>
    public static string JournalFolderFor(string outputFolder) => Path.Combine(Path.GetFullPath(outputFolder), StateFolderName, "jobs");

    /// <summary>
    /// What a build with <paramref name="options"/> would render: each prompt's spec and key, with the model override or the
    /// fallback model applied, and the prompts that cannot be rendered that way.
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="LibraryBuildException">The provider named by <see cref="LibraryBuildOptions.OnlyProvider"/> is not configured.</exception>
    public LibraryBuildPlan Plan(PromptLibrary library, LibraryBuildOptions options)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.OnlyProvider is { } only && !_router.Routes.Contains(only, StringComparer.Ordinal))
        {
            throw new LibraryBuildException(
                $"The provider '{only}' is not configured; configured routes in order: {string.Join(", ", _router.Routes)}. A route is enabled by its key (Providers:<Name>:ApiKey).");
        }

        return BuildPlanner.Create(library, options, model => IsServed(model, options.OnlyProvider));
    }

    /// <summary>Builds <paramref name="library"/> into <see cref="LibraryBuildOptions.OutputFolder"/>; see the class remarks.</summary>
    /// <exception cref="LibraryBuildException">The plan has problems, another build is writing the same output, or the comparison baseline has no manifest.</exception>
    /// <exception cref="OperationCanceledException">The build was cancelled; the manifest lists every prompt finished until then.</exception>
    public async Task<LibraryBuildResult> BuildAsync(
        PromptLibrary library, LibraryBuildOptions options, IProgress<LibraryBuildProgress>? progress, CancellationToken cancellationToken)
    {
        LibraryBuildPlan plan = Plan(library, options);
        if (plan.Problems.Count > 0)
        {
            throw new LibraryBuildException(
                $"{plan.Problems.Count} prompt(s) cannot be rendered with these settings:{Environment.NewLine}{string.Join(Environment.NewLine, plan.Problems)}");
        }

        string output = Path.GetFullPath(options.OutputFolder);
        Directory.CreateDirectory(output);
        using FileStream buildLock = AcquireLock(output);
        AtomicFile.DeleteLeftovers(output);

        BuildManifest? baseline = options.CompareWith is { } compare
            ? ReadBaseline(compare)
            : null;
        BuildManifest? previous = ReadPrevious(output);
        ExportTargets targets = options.Exports ?? ExportTargets.All;
        BuildRun run = new(this, library, options, output, targets, previous, plan.Prompts.Count, progress);
        await _cache.Store.InitializeAsync(cancellationToken).ConfigureAwait(false);

        run.ReportStart();
        try
        {
            await Parallel.ForEachAsync(
                plan.Prompts,
                new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
                run.ProcessAsync).ConfigureAwait(false);
        }
        finally
        {
            // Whatever happened, the manifest lists every prompt that finished.
            await run.SaveAsync().ConfigureAwait(false);
        }

        run.RemovePromptsNoLongerInLibrary();
        BuildManifest manifest = await run.FinishAsync().ConfigureAwait(false);
        BuildComparison? comparison = null;
        if (baseline is not null)
        {
            comparison = BuildComparison.Create(baseline, manifest, options.CompareWith!, options.OutputFolder);
            await comparison.WriteAsync(output, CancellationToken.None).ConfigureAwait(false);
        }

        return new LibraryBuildResult(manifest, run.Failures, run.Rendered, run.Reused, run.Costs, run.ProvidersWithoutCost, comparison);
    }

    /// <summary>
    /// Compares the library with the manifest and files of <see cref="LibraryBuildOptions.OutputFolder"/> without rendering
    /// anything: a prompt is stale when it is not built, its key changed, or a file is missing or modified.
    /// A prompt the last build rendered with the fallback model is checked against that model, so a check on a machine
    /// without provider keys agrees with a build made with them.
    /// </summary>
    public static async Task<LibraryCheckResult> CheckAsync(PromptLibrary library, LibraryBuildOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(library);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        LibraryBuildPlan plan = BuildPlanner.Create(library, options, isServed: null);
        if (plan.Problems.Count > 0)
        {
            throw new LibraryBuildException(
                $"{plan.Problems.Count} prompt(s) cannot be rendered with these settings:{Environment.NewLine}{string.Join(Environment.NewLine, plan.Problems)}");
        }

        string output = Path.GetFullPath(options.OutputFolder);
        BuildManifest? manifest;
        try
        {
            manifest = BuildManifest.Read(output);
        }
        catch (ManifestException e)
        {
            return new LibraryCheckResult(plan.Prompts.Count, [new StalePrompt("*", "*", e.Message)]);
        }

        if (manifest is null)
        {
            return new LibraryCheckResult(plan.Prompts.Count, [.. plan.Prompts.Select(p => new StalePrompt(p.Language, p.Id, $"not built ({output} has no {BuildManifest.FileName})"))]);
        }

        ExportTargets required = options.Exports ?? ParseTargets(manifest.Build.Exports);
        List<StalePrompt> stale = [];
        foreach (PlannedPrompt planned in plan.Prompts)
        {
            ManifestPrompt? entry = manifest.Find(planned.Language, planned.Id);
            if (entry is null)
            {
                stale.Add(new StalePrompt(planned.Language, planned.Id, "not built"));
                continue;
            }

            PlannedPrompt expected = options.Model is null && entry.FallbackFrom is { } from && from == planned.Spec.Model
                ? BuildPlanner.WithFallback(planned, entry.Model)
                : planned;
            if (entry.Key != expected.Key)
            {
                stale.Add(new StalePrompt(planned.Language, planned.Id, DescribeChange(entry, expected.Spec)));
                continue;
            }

            if (await FindFileProblemAsync(output, entry, required, cancellationToken).ConfigureAwait(false) is { } problem)
            {
                stale.Add(new StalePrompt(planned.Language, planned.Id, problem));
            }
        }

        HashSet<string> languages = [.. options.Languages];
        foreach (ManifestPrompt entry in manifest.Prompts)
        {
            if ((languages.Count == 0 || languages.Contains(entry.Language)) && !library.TryGetPrompt(entry.Language, entry.Id, out _))
            {
                stale.Add(new StalePrompt(entry.Language, entry.Id, "no longer in the library"));
            }
        }

        return new LibraryCheckResult(plan.Prompts.Count, stale);
    }

    /// <summary>
    /// Whether the build can render <paramref name="model"/>: the router's own answer, as the web app asks it for its call flows
    /// (so both compute the same keys). Restricted to one route, the offline route serves only espeak-ng and every other route
    /// the Gemini models.
    /// </summary>
    private bool IsServed(string model, string? onlyProvider) => onlyProvider is null
        ? _router.Supports(model)
        : onlyProvider == OfflineRoute.Name ? ModelCatalog.Normalize(model) == ModelCatalog.EspeakNg : ModelCatalog.IsGemini(model);

    private static FileStream AcquireLock(string output)
    {
        string state = Path.Combine(output, StateFolderName);
        Directory.CreateDirectory(state);
        try
        {
            // Released by the operating system when the process ends, however it ends.
            return new FileStream(Path.Combine(state, "build.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException e)
        {
            throw new LibraryBuildException($"Another build is writing to {output}; wait for it to finish.", e);
        }
    }

    private static BuildManifest ReadBaseline(string folder)
    {
        try
        {
            return BuildManifest.Read(folder)
                ?? throw new LibraryBuildException($"The build to compare with, {folder}, has no {BuildManifest.FileName}.");
        }
        catch (ManifestException e)
        {
            throw new LibraryBuildException($"The build to compare with cannot be read: {e.Message}", e);
        }
    }

    private BuildManifest? ReadPrevious(string output)
    {
        try
        {
            return BuildManifest.Read(output);
        }
        catch (ManifestException e)
        {
            // Everything it listed is also in the cache, so the build can go on; the file is kept for whoever wants to look.
            string kept = Path.Combine(output, $"{BuildManifest.FileName}.unreadable-{_time.GetUtcNow():yyyyMMddHHmmss}");
            File.Move(e.Path, kept, overwrite: true);
            Log.ManifestSetAside(_logger, e.Message, kept);
            return null;
        }
    }

    private static ExportTargets ParseTargets(IReadOnlyList<string> names) =>
        ExportTargetNames.TryParse(string.Join(',', names), out ExportTargets targets, out _) ? targets : ExportTargets.All;

    private static string DescribeChange(ManifestPrompt entry, PromptSpec spec)
    {
        if (!string.Equals(entry.Text, spec.Text, StringComparison.Ordinal))
        {
            return "text changed";
        }

        if (!string.Equals(entry.Voice, spec.Voice, StringComparison.Ordinal))
        {
            return $"voice changed ({entry.Voice} → {spec.Voice})";
        }

        if (!string.Equals(entry.Model, spec.Model, StringComparison.Ordinal))
        {
            return $"model changed ({entry.Model} → {spec.Model})";
        }

        return "settings changed (style, temperature, speakers, mastering or render pipeline)";
    }

    private static async Task<string?> FindFileProblemAsync(string output, ManifestPrompt entry, ExportTargets required, CancellationToken cancellationToken)
    {
        foreach (string fileKey in LibraryExports.FileKeys(required))
        {
            if (!entry.Files.ContainsKey(fileKey))
            {
                return $"no {fileKey} file";
            }
        }

        foreach ((string fileKey, ManifestFile file) in entry.Files)
        {
            string? hash = await AtomicFile.HashAsync(Path.Combine(output, file.Path), cancellationToken).ConfigureAwait(false);
            if (hash is null)
            {
                return $"{file.Path} is missing";
            }

            if (!string.Equals(hash, file.Sha256, StringComparison.Ordinal))
            {
                return $"{file.Path} was modified ({fileKey})";
            }
        }

        return null;
    }

    /// <summary>The state of one build while it runs.</summary>
    private sealed class BuildRun
    {
        private readonly PromptLibraryBuilder _builder;
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

        public BuildRun(PromptLibraryBuilder builder, PromptLibrary library, LibraryBuildOptions options, string output, ExportTargets targets,
            BuildManifest? previous, int total, IProgress<LibraryBuildProgress>? progress)
        {
            _builder = builder;
            _library = library;
            _options = options;
            _output = output;
            _targets = targets;
            _total = total;
            _progress = progress;
            _startedAt = builder._time.GetUtcNow();
            foreach (ManifestPrompt entry in previous?.Prompts ?? [])
            {
                _entries[(entry.Language, entry.Id)] = entry;
            }
        }

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

        private ILogger Logger => _builder._logger;

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
                Log.PromptFailed(Logger, prompt.Language, prompt.Id, prompt.Key.ToString(), e.Failures.Count);
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

            byte[]? audio = await ReadIntactAsync(previous, LibraryExports.Twilio, cancellationToken).ConfigureAwait(false)
                ?? await ReadIntactAsync(previous, LibraryExports.Connect, cancellationToken).ConfigureAwait(false);
            CachedPrompt? cached = null;
            if (audio is null)
            {
                cached = await _builder._cache.TryGetAsync(prompt.Key, CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false);
                audio = cached?.Audio.ToArray();
            }

            if (audio is null || !string.Equals(AtomicFile.Hash(audio), previous.Sha256, StringComparison.Ordinal))
            {
                return null;
            }

            await EnsurePinnedAsync(cached?.Metadata ?? await _builder._cache.GetMetadataAsync(prompt.Key, cancellationToken).ConfigureAwait(false),
                () => CachedPrompt.Create(MetadataOf(previous), audio), cancellationToken).ConfigureAwait(false);
            (IReadOnlyDictionary<string, ManifestFile> files, string source) =
                await WriteFilesAsync(prompt, audio, master: null, previous, sameAudio: true, cancellationToken).ConfigureAwait(false);
            Log.Reused(Logger, prompt.Language, prompt.Id, prompt.Key.ToString());
            return previous with { Files = files, ExportSource = source };
        }

        /// <summary>The cache has this key (an earlier build of another output, or the service rendered it): write it out.</summary>
        private async Task<ManifestPrompt?> TryReuseCachedAsync(PlannedPrompt prompt, ManifestPrompt? previous, CancellationToken cancellationToken)
        {
            CachedPrompt? cached = await _builder._cache.TryGetAsync(prompt.Key, CacheMode.ReadWrite, cancellationToken).ConfigureAwait(false);
            if (cached is null)
            {
                return null;
            }

            await EnsurePinnedAsync(cached.Metadata, () => cached, cancellationToken).ConfigureAwait(false);
            byte[] audio = cached.Audio.ToArray();
            (IReadOnlyDictionary<string, ManifestFile> files, string source) =
                await WriteFilesAsync(prompt, audio, master: null, previous, sameAudio: false, cancellationToken).ConfigureAwait(false);
            Log.Reused(Logger, prompt.Language, prompt.Id, prompt.Key.ToString());
            return EntryFor(prompt, cached.Metadata, costUsd: null, files, source);
        }

        private async Task<ManifestPrompt> RenderAsync(PlannedPrompt prompt, ManifestPrompt? previous, CancellationToken cancellationToken)
        {
            RenderedPrompt rendered = await _builder._renderer.RenderAsync(prompt.Spec, RenderUrgency.Batch, _options.OnlyProvider, cancellationToken)
                .ConfigureAwait(false);
            // In the cache first: from here on the prompt is never rendered again, whatever happens to this process.
            await _builder._cache.PutAsync(rendered.Prompt, pinned: true, cancellationToken).ConfigureAwait(false);
            byte[] audio = rendered.Prompt.Audio.ToArray();
            ExportMaster? master = Master(rendered.Source, prompt.Spec.Mastering, audio);
            (IReadOnlyDictionary<string, ManifestFile> files, string exportSource) =
                await WriteFilesAsync(prompt, audio, master, previous, sameAudio: false, cancellationToken).ConfigureAwait(false);
            string provider = rendered.Prompt.Metadata.Provider;
            lock (_gate)
            {
                if (rendered.CostUsd is { } cost)
                {
                    _costs[provider] = _costs.GetValueOrDefault(provider) + cost;
                }
                else
                {
                    _uncosted.Add(provider);
                }
            }

            Log.Rendered(Logger, prompt.Language, prompt.Id, prompt.Key.ToString(), provider);
            return EntryFor(prompt, rendered.Prompt.Metadata, rendered.CostUsd, files, exportSource);
        }

        /// <summary>The render mastered again into 16-bit PCM: the same resampler and mastering as its μ-law, without μ-law's quantisation.</summary>
        private ExportMaster? Master(PcmAudio source, MasteringOptions mastering, byte[] muLawWav)
        {
            byte[] sln = Transcoder.ToTelephony(source, OutputFormat.RawSln, mastering);
            if (sln.Length / 2 != LibraryExports.WavData(muLawWav).Length)
            {
                // Never expected: the two encodings of one signal must have one length. The μ-law is then the only trusted source.
                Log.MasterMismatch(Logger, sln.Length / 2, LibraryExports.WavData(muLawWav).Length);
                return null;
            }

            return ExportMaster.FromPcm16(sln, LibraryExports.MasteredSource);
        }

        private async Task EnsurePinnedAsync(PromptMetadata? stored, Func<CachedPrompt> prompt, CancellationToken cancellationToken)
        {
            if (stored is null)
            {
                await _builder._cache.PutAsync(prompt(), pinned: true, cancellationToken).ConfigureAwait(false);
            }
            else if (!stored.Pinned)
            {
                await _builder._cache.Store.SetPinnedAsync(stored.Key, pinned: true, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Writes every requested export file that is not already on disk with the right content. With
        /// <paramref name="sameAudio"/> the previous entry's files are this audio's, so intact ones stay and so do files of
        /// targets not asked for this time; otherwise every previous file holds old audio and is replaced or removed.
        /// </summary>
        private async Task<(IReadOnlyDictionary<string, ManifestFile> Files, string Source)> WriteFilesAsync(
            PlannedPrompt prompt, byte[] muLawWav, ExportMaster? master, ManifestPrompt? previous, bool sameAudio, CancellationToken cancellationToken)
        {
            IReadOnlyDictionary<string, ManifestFile> before = previous?.Files ?? new Dictionary<string, ManifestFile>();
            Dictionary<string, ManifestFile> files = new(StringComparer.Ordinal);
            string? source = master?.Source;
            foreach (string fileKey in LibraryExports.FileKeys(_targets))
            {
                string path = LibraryExports.PathOf(fileKey, prompt.Language, prompt.Id);
                if (sameAudio && before.TryGetValue(fileKey, out ManifestFile? kept) && kept.Path == path
                    && await IsIntactAsync(kept, cancellationToken).ConfigureAwait(false))
                {
                    files[fileKey] = kept;
                    continue;
                }

                if (LibraryExports.UsesMaster(fileKey) && master is null)
                {
                    master = sameAudio ? await LoadMasterAsync(previous!, cancellationToken).ConfigureAwait(false) : null;
                    master ??= ExportMaster.FromMuLaw(muLawWav);
                    source = master.Source;
                }

                byte[] bytes = LibraryExports.Produce(fileKey, muLawWav, master!);
                await AtomicFile.WriteAsync(Path.Combine(_output, path), bytes, cancellationToken).ConfigureAwait(false);
                files[fileKey] = new ManifestFile(path, AtomicFile.Hash(bytes), bytes.Length);
            }

            foreach ((string fileKey, ManifestFile file) in before)
            {
                if (files.ContainsKey(fileKey))
                {
                    continue;
                }

                if (sameAudio && await IsIntactAsync(file, cancellationToken).ConfigureAwait(false))
                {
                    files[fileKey] = file;
                }
                else
                {
                    AtomicFile.TryDelete(Path.Combine(_output, file.Path));
                }
            }

            return (files, source ?? previous?.ExportSource ?? (master?.Source ?? LibraryExports.MasteredSource));
        }

        /// <summary>The master an earlier build wrote as .sln or FreeSWITCH WAV, when one of them is intact.</summary>
        private async Task<ExportMaster?> LoadMasterAsync(ManifestPrompt previous, CancellationToken cancellationToken)
        {
            if (await ReadIntactAsync(previous, LibraryExports.AsteriskSln, cancellationToken).ConfigureAwait(false) is { } sln)
            {
                return ExportMaster.FromPcm16(sln, previous.ExportSource);
            }

            if (await ReadIntactAsync(previous, LibraryExports.FreeSwitch, cancellationToken).ConfigureAwait(false) is { } wav)
            {
                return ExportMaster.FromPcm16(LibraryExports.WavData(wav), previous.ExportSource);
            }

            return null;
        }

        private async Task<byte[]?> ReadIntactAsync(ManifestPrompt entry, string fileKey, CancellationToken cancellationToken)
        {
            if (!entry.Files.TryGetValue(fileKey, out ManifestFile? file))
            {
                return null;
            }

            byte[] bytes;
            try
            {
                bytes = await File.ReadAllBytesAsync(Path.Combine(_output, file.Path), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }

            return string.Equals(AtomicFile.Hash(bytes), file.Sha256, StringComparison.Ordinal) ? bytes : null;
        }

        private async Task<bool> IsIntactAsync(ManifestFile file, CancellationToken cancellationToken) =>
            string.Equals(await AtomicFile.HashAsync(Path.Combine(_output, file.Path), cancellationToken).ConfigureAwait(false), file.Sha256, StringComparison.Ordinal);

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

        /// <summary>Entries of prompts deleted from the library leave the manifest, and their files the output.</summary>
        public void RemovePromptsNoLongerInLibrary()
        {
            foreach (((string language, string id), ManifestPrompt entry) in _entries)
            {
                if (_library.TryGetPrompt(language, id, out _))
                {
                    continue;
                }

                foreach (ManifestFile file in entry.Files.Values)
                {
                    AtomicFile.TryDelete(Path.Combine(_output, file.Path));
                }

                _entries.TryRemove((language, id), out _);
                Interlocked.Increment(ref _version);
                Log.Removed(Logger, language, id);
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
            DateTimeOffset finished = _builder._time.GetUtcNow();
            BuildTotals totals = new(_rendered, _reused, _failures.Count, Math.Round(_entries.Values.Sum(e => e.DurationSeconds), 3), Costs);
            await SaveAsync(totals, finished).ConfigureAwait(false);
            return Snapshot(totals, finished);
        }

        private BuildManifest Snapshot(BuildTotals? totals, DateTimeOffset? finishedAt) => new()
        {
            Build = new BuildInfo
            {
                Tool = ToolName,
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
        };
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Rendered {Language}/{PromptId} ({PromptKey}) via {Provider}")]
        public static partial void Rendered(ILogger logger, string language, string promptId, string promptKey, string provider);

        [LoggerMessage(EventId = 701, Level = LogLevel.Debug, Message = "Reused {Language}/{PromptId} ({PromptKey})")]
        public static partial void Reused(ILogger logger, string language, string promptId, string promptKey);

        [LoggerMessage(EventId = 702, Level = LogLevel.Warning, Message = "Prompt {Language}/{PromptId} ({PromptKey}) failed after {FailureCount} failed attempt(s)")]
        public static partial void PromptFailed(ILogger logger, string language, string promptId, string promptKey, int failureCount);

        [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "The build's manifest cannot be read ({Reason}); it was moved to {KeptAs} and the build starts from the cache")]
        public static partial void ManifestSetAside(ILogger logger, string reason, string keptAs);

        [LoggerMessage(EventId = 704, Level = LogLevel.Information, Message = "Removed {Language}/{PromptId} from the output: it is no longer in the library")]
        public static partial void Removed(ILogger logger, string language, string promptId);

        [LoggerMessage(EventId = 705, Level = LogLevel.Warning, Message = "The 16-bit master has {MasterSamples} samples and the μ-law audio {MuLawSamples}; exports use the μ-law audio")]
        public static partial void MasterMismatch(ILogger logger, int masterSamples, int muLawSamples);
    }
}
