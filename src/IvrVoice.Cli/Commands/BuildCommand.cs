using System.CommandLine;
using System.Globalization;
using IvrVoice.Library;
using IvrVoice.Library.Build;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IvrVoice.Cli.Commands;

/// <summary>
/// <c>ivrvoice build prompts/ --out dist/</c>: renders a prompt library incrementally into an output folder with a manifest
/// and exports for Twilio, Asterisk, FreeSWITCH and Amazon Connect; <c>--check</c> only says whether that output is current.
/// </summary>
internal static class BuildCommand
{
    /// <summary>Exit code of a build stopped by Ctrl+C (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    private const string NoFallback = "none";

    public static Command Create()
    {
        Argument<string> library = new("library") { Description = "The prompt library folder.", DefaultValueFactory = _ => "prompts" };
        Option<string> output = new("--out", "-o") { Description = "The output folder: manifest.json and one folder per export.", DefaultValueFactory = _ => "dist" };
        Option<string?> model = new("--model", "-m") { Description = $"Render every prompt with this model instead of its own (a migration): {string.Join(", ", ModelCatalog.All)}." };
        Option<string?> provider = new("--provider", "-p") { Description = "Render only through this route: gemini, aigateway, openrouter, vtrix, pixazo, segmind or espeak." };
        Option<int> concurrency = new("--concurrency", "-j") { Description = $"Prompts rendered at once (1-{LibraryBuildOptions.MaxConcurrency}); each route also keeps its own limit.", DefaultValueFactory = _ => 4 };
        Option<bool> check = new("--check") { Description = "Render nothing: exit 0 when the output is up to date with the library, 5 when it is stale (for CI)." };
        Option<string?> export = new("--export") { Description = $"Export targets, comma-separated: {string.Join(", ", ExportTargetNames.All)} (default: all)." };
        Option<string[]> language = new("--language", "-l") { Description = "Build only these languages (repeat, or separate with commas); others keep what the output holds.", AllowMultipleArgumentsPerToken = true };
        Option<string?> compare = new("--compare") { Description = "An earlier output folder to compare with: writes comparison.md and comparison.json into the output." };
        Option<string> fallback = new("--fallback-model") { Description = $"The model for prompts whose own model no configured route serves, or '{NoFallback}' to let them fail.", DefaultValueFactory = _ => ModelCatalog.EspeakNg };
        Command command = new("build", "Render a prompt library into an output folder, incrementally, with a manifest and telephone exports.")
        {
            library, output, model, provider, concurrency, check, export, language, compare, fallback,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            new Arguments(parse.GetValue(library)!, parse.GetValue(output)!, parse.GetValue(model), parse.GetValue(provider), parse.GetValue(concurrency),
                parse.GetValue(check), parse.GetValue(export), parse.GetValue(language) ?? [], parse.GetValue(compare), parse.GetValue(fallback)!),
            cancellationToken));
        return command;
    }

    private sealed record Arguments(
        string Library, string Output, string? Model, string? Provider, int Concurrency, bool Check, string? Export, string[] Languages, string? Compare, string Fallback);

    private static async Task<int> RunAsync(Arguments args, CancellationToken cancellationToken)
    {
        TextWriter error = Console.Error;
        LibraryBuildOptions? options = CreateOptions(args, out string? usageError);
        if (options is null)
        {
            await error.WriteLineAsync($"ivrvoice build: {usageError}");
            return ExitCodes.Usage;
        }

        LibraryLoadResult loaded = PromptLibraryLoader.Load(args.Library);
        foreach (LibraryDiagnostic diagnostic in loaded.Diagnostics)
        {
            await error.WriteLineAsync(diagnostic.ToString());
        }

        if (loaded.Library is not { } promptLibrary)
        {
            int errors = loaded.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error);
            await error.WriteLineAsync($"ivrvoice build: the library has {errors} error(s); nothing was rendered.");
            return ExitCodes.InvalidInput;
        }

        string[] unknownLanguages = [.. options.Languages.Where(l => !promptLibrary.Languages.Contains(l, StringComparer.Ordinal))];
        if (unknownLanguages.Length > 0)
        {
            await error.WriteLineAsync($"ivrvoice build: the library has no prompts in {string.Join(", ", unknownLanguages)}; its languages are {string.Join(", ", promptLibrary.Languages)}.");
            return ExitCodes.InvalidInput;
        }

        return args.Check
            ? await CheckAsync(promptLibrary, options, cancellationToken)
            : await BuildAsync(promptLibrary, options, cancellationToken);
    }

    private static LibraryBuildOptions? CreateOptions(Arguments args, out string? problem)
    {
        problem = null;
        string? model = null;
        if (args.Model is not null && (model = ModelCatalog.Normalize(args.Model)) is null)
        {
            problem = $"unknown model '{args.Model}'. Known models: {string.Join(", ", ModelCatalog.All)}.";
            return null;
        }

        string? fallback = null;
        if (!string.Equals(args.Fallback, NoFallback, StringComparison.OrdinalIgnoreCase) && (fallback = ModelCatalog.Normalize(args.Fallback)) is null)
        {
            problem = $"unknown fallback model '{args.Fallback}'. Known models: {string.Join(", ", ModelCatalog.All)}, or '{NoFallback}'.";
            return null;
        }

        ExportTargets? exports = null;
        if (args.Export is not null)
        {
            if (!ExportTargetNames.TryParse(args.Export, out ExportTargets parsed, out string? unknown))
            {
                problem = $"unknown export '{unknown}'. Exports: {string.Join(", ", ExportTargetNames.All)} (or all).";
                return null;
            }

            exports = parsed;
        }

        if (args.Concurrency is < 1 or > LibraryBuildOptions.MaxConcurrency)
        {
            problem = $"--concurrency must be 1 to {LibraryBuildOptions.MaxConcurrency}, not {args.Concurrency}.";
            return null;
        }

        string[] languages = [.. args.Languages.SelectMany(l => l.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal)];
        if (languages.FirstOrDefault(l => !LibraryRules.IsCanonicalLanguage(l)) is { } badLanguage)
        {
            problem = $"--language '{badLanguage}' is not a BCP 47 tag in canonical form, such as en-US.";
            return null;
        }

        if (args.Compare is not null && !Directory.Exists(args.Compare))
        {
            problem = $"--compare: the folder {args.Compare} does not exist.";
            return null;
        }

        return new LibraryBuildOptions
        {
            OutputFolder = args.Output,
            Model = model,
            FallbackModel = fallback,
            OnlyProvider = args.Provider is null ? null : args.Provider.Trim().ToLowerInvariant(),
            Concurrency = args.Concurrency,
            Languages = languages,
            Exports = exports,
            CompareWith = args.Compare,
            LibraryFolder = args.Library,
        };
    }

    private static async Task<int> CheckAsync(PromptLibrary library, LibraryBuildOptions options, CancellationToken cancellationToken)
    {
        LibraryCheckResult result;
        try
        {
            result = await PromptLibraryBuilder.CheckAsync(library, options, cancellationToken);
        }
        catch (LibraryBuildException e)
        {
            await Console.Error.WriteLineAsync($"ivrvoice build --check: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        if (result.IsUpToDate)
        {
            string templates = result.TemplatesChecked == 0 ? "" : $" and {result.TemplatesChecked} templates";
            Console.WriteLine($"{options.OutputFolder} is up to date: {result.Checked} prompts{templates} checked.");
            return ExitCodes.Success;
        }

        foreach (StalePrompt stale in result.Stale)
        {
            Console.WriteLine($"stale: {stale}");
        }

        Console.WriteLine($"{options.OutputFolder} is stale: {result.Stale.Count} of {result.Checked + result.TemplatesChecked} prompts{(result.TemplatesChecked == 0 ? "" : " and templates")} need a build (ivrvoice build).");
        return ExitCodes.Stale;
    }

    private static async Task<int> BuildAsync(PromptLibrary library, LibraryBuildOptions options, CancellationToken cancellationToken)
    {
        TextWriter error = Console.Error;
        Dictionary<string, string?> overrides = new(StringComparer.OrdinalIgnoreCase)
        {
            // The journal lives with the output it belongs to, so a resumed build finds the jobs its interrupted run paid for.
            ["Providers:JournalFolder"] = PromptLibraryBuilder.JournalFolderFor(options.OutputFolder),
        };
        await using CliHost host = CliHost.Create(
            configure: (services, configuration) =>
            {
                services.AddPromptRendering(configuration);
                services.AddLibraryBuilds();
            },
            overrides: overrides);

        PromptLibraryBuilder builder;
        LibraryBuildPlan plan;
        try
        {
            builder = host.Services.GetRequiredService<PromptLibraryBuilder>();
            plan = builder.Plan(library, options);
        }
        catch (OptionsValidationException e)
        {
            await error.WriteLineAsync($"ivrvoice build: the settings are invalid:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", e.Failures)}");
            return ExitCodes.InvalidInput;
        }
        catch (LibraryBuildException e)
        {
            await error.WriteLineAsync($"ivrvoice build: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        if (plan.Problems.Count > 0)
        {
            foreach (LibraryDiagnostic problem in plan.Problems)
            {
                await error.WriteLineAsync(problem.ToString());
            }

            await error.WriteLineAsync($"ivrvoice build: {plan.Problems.Count} prompt(s) cannot be rendered with these settings; nothing was rendered.");
            return ExitCodes.InvalidInput;
        }

        await ReportFallbacksAsync(plan, error);
        LibraryBuildResult result;
        using (BuildProgressBar progress = BuildProgressBar.ForStandardError())
        using (BuildProgressBar pieces = BuildProgressBar.ForStandardError("pieces"))
        {
            try
            {
                result = await builder.BuildAsync(library, options, progress, plan.Pieces.Count == 0 ? null : new PiecesAfterPrompts(progress, pieces), cancellationToken);
            }
            catch (LibraryBuildException e)
            {
                progress.Interrupt();
                await error.WriteLineAsync($"ivrvoice build: {e.Message}");
                return ExitCodes.InvalidInput;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                progress.Interrupt();
                await error.WriteLineAsync($"ivrvoice build: interrupted. Every finished prompt is kept in {options.OutputFolder} and the cache; run the same command to go on.");
                return Interrupted;
            }
        }

        foreach (PromptFailure failure in result.Failures)
        {
            await error.WriteLineAsync($"failed: {failure.Prompt} ({failure.Prompt.Prompt.Location})");
            foreach (string reason in failure.Reasons)
            {
                await error.WriteLineAsync($"  {reason}");
            }
        }

        foreach (PieceFailure failure in result.PieceFailures)
        {
            await error.WriteLineAsync($"failed: template piece {failure.Piece}");
            foreach (string reason in failure.Reasons)
            {
                await error.WriteLineAsync($"  {reason}");
            }
        }

        Console.WriteLine(Summary(library, options, result));
        if (result.Comparison is { } comparison)
        {
            Console.WriteLine($"Compared with {comparison.Baseline}: {comparison.AudioChanged} of {comparison.Prompts.Count} prompts sound different; "
                + $"see {Path.Combine(options.OutputFolder, BuildComparison.MarkdownFileName)}.");
        }

        return result.Succeeded ? ExitCodes.Success : ExitCodes.RenderFailed;
    }

    private static async Task ReportFallbacksAsync(LibraryBuildPlan plan, TextWriter error)
    {
        foreach (IGrouping<(string From, string To), PlannedPrompt> group in plan.Prompts.Where(p => p.FallbackFrom is not null).GroupBy(p => (p.FallbackFrom!, p.Spec.Model)))
        {
            string offline = group.Key.To == ModelCatalog.EspeakNg ? " (the offline engine)" : "";
            await error.WriteLineAsync($"ivrvoice build: no configured route serves {group.Key.From}; {group.Count()} prompt(s) use {group.Key.To}{offline}. "
                + "Set a provider key (Providers:Gemini:ApiKey, ...) to render them with their own model.");
        }
    }

    /// <summary>The one-line summary: counts, audio seconds and the estimated cost per provider.</summary>
    internal static string Summary(PromptLibrary library, LibraryBuildOptions options, LibraryBuildResult result)
    {
        CultureInfo invariant = CultureInfo.InvariantCulture;
        string name = library.Name is { } n ? $"{n} " : "";
        string costs = result.CostUsdByProvider.Count == 0
            ? "no renders to pay for"
            : "estimated cost " + string.Join(", ", result.CostUsdByProvider.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => string.Create(invariant, $"{c.Key} ${c.Value:0.0000}")))
                + string.Create(invariant, $" (total ${result.CostUsdByProvider.Values.Sum():0.0000})");
        if (result.ProvidersWithoutCost.Count > 0)
        {
            costs += $"; no price known for {string.Join(", ", result.ProvidersWithoutCost)}";
        }

        int templates = result.Manifest.Templates.Count(t => options.Languages.Count == 0 || options.Languages.Contains(t.Language));
        string pieces = templates == 0 ? "" : string.Create(invariant,
            $" {templates} template(s): {result.PiecesRendered} pieces rendered, {result.PiecesReused} reused, {result.PieceFailures.Count} failed;");
        return string.Create(invariant,
            $"Built {name}into {options.OutputFolder}: {result.Rendered} rendered, {result.Reused} reused, {result.Failed} failed;{pieces} {result.AudioSeconds:0.0} s of audio; {costs}.");
    }

    /// <summary>Ends the prompts' bar before the pieces' bar starts, so the two never share a line.</summary>
    private sealed class PiecesAfterPrompts(BuildProgressBar prompts, BuildProgressBar pieces) : IProgress<TemplateBuildProgress>
    {
        private int _started;

        public void Report(TemplateBuildProgress value)
        {
            if (Interlocked.Exchange(ref _started, 1) == 0)
            {
                prompts.Dispose();
            }

            pieces.Report(value);
        }
    }
}
