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
    public Task<LibraryBuildResult> BuildAsync(
        PromptLibrary library, LibraryBuildOptions options, IProgress<LibraryBuildProgress>? progress, CancellationToken cancellationToken) =>
        BuildAsync(library, options, progress, templateProgress: null, cancellationToken);

    /// <summary>
    /// Builds <paramref name="library"/> as <see cref="BuildAsync(PromptLibrary, LibraryBuildOptions, IProgress{LibraryBuildProgress}?, CancellationToken)"/>
    /// does, reporting the template pieces' progress to <paramref name="templateProgress"/>. Prompts are built first, then every
    /// piece of every template (its fixed parts and its language's vocabulary), reused from the cache or rendered and pinned.
    /// </summary>
    /// <exception cref="LibraryBuildException">The plan has problems, another build is writing the same output, or the comparison baseline has no manifest.</exception>
    /// <exception cref="OperationCanceledException">The build was cancelled; the manifest lists every prompt and piece finished until then.</exception>
    public async Task<LibraryBuildResult> BuildAsync(PromptLibrary library, LibraryBuildOptions options, IProgress<LibraryBuildProgress>? progress,
        IProgress<TemplateBuildProgress>? templateProgress, CancellationToken cancellationToken)
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
        BuildRun run = new(_renderer, _time, _logger, library, options, output, targets, previous, plan.Prompts.Count, progress, templateProgress);
        await _cache.Store.InitializeAsync(cancellationToken).ConfigureAwait(false);

        run.ReportStart();
        try
        {
            await Parallel.ForEachAsync(
                plan.Prompts,
                new ParallelOptions { MaxDegreeOfParallelism = options.Concurrency, CancellationToken = cancellationToken },
                run.ProcessAsync).ConfigureAwait(false);
            await run.Templates.RunAsync(plan, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // Whatever happened, the manifest lists every prompt that finished.
            await run.SaveAsync().ConfigureAwait(false);
        }

        run.RemovePromptsNoLongerInLibrary();
        run.Templates.RemoveWhatIsNoLongerPlanned(library, plan);
        BuildManifest manifest = await run.FinishAsync().ConfigureAwait(false);
        BuildComparison? comparison = null;
        if (baseline is not null)
        {
            comparison = BuildComparison.Create(baseline, manifest, options.CompareWith!, options.OutputFolder);
            await comparison.WriteAsync(output, CancellationToken.None).ConfigureAwait(false);
        }

        return new LibraryBuildResult(manifest, run.Failures, run.Rendered, run.Reused, run.Costs, run.ProvidersWithoutCost, comparison,
            run.Templates.Rendered, run.Templates.Reused, run.Templates.Failures);
    }

    /// <summary>
    /// Compares the library with the manifest and files of <see cref="LibraryBuildOptions.OutputFolder"/> without rendering
    /// anything: a prompt is stale when it is not built, its key changed, or a file is missing or modified.
    /// A prompt the last build rendered with the fallback model is checked against that model, so a check on a machine
    /// without provider keys agrees with a build made with them.
    /// </summary>
    public static Task<LibraryCheckResult> CheckAsync(PromptLibrary library, LibraryBuildOptions options, CancellationToken cancellationToken) =>
        LibraryChecker.RunAsync(library, options, cancellationToken);

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
            BuildLog.ManifestSetAside(_logger, e.Message, kept);
            return null;
        }
    }
}
