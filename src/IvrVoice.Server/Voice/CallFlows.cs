using System.Collections.Concurrent;
using IvrVoice.Library;
using IvrVoice.Library.Flows;
using IvrVoice.Prompts;
using IvrVoice.Providers;
using IvrVoice.Server.Hosting;
using Microsoft.Extensions.Options;

namespace IvrVoice.Server.Voice;

/// <summary>The prompt library folder could not be loaded; the message lists its errors with file, line and column.</summary>
public sealed class CallFlowLibraryException(string message) : Exception(message);

/// <summary>
/// The call flows and prompts of the library in <c>Flows:Folder</c>, loaded once at start-up, and the spec each flow prompt
/// is rendered from.
/// </summary>
internal sealed class CallFlows
{
    private const int MaxReportedErrors = 20;

    private readonly string? _fallbackModel;
    private readonly ITtsRouter _router;

    // A library prompt's spec never changes while the process runs; webhooks ask for the same few again and again.
    private readonly ConcurrentDictionary<LibraryPrompt, PromptSpec> _specs = new();

    private readonly ConcurrentDictionary<CallFlow, string[]> _queryNames = new();

    public CallFlows(IOptions<FlowOptions> options, IHostEnvironment environment, ITtsRouter router)
    {
        FlowOptions settings = options.Value;
        Folder = Path.GetFullPath(settings.Folder, environment.ContentRootPath);
        LibraryLoadResult result = PromptLibraryLoader.Load(Folder);
        Warnings = [.. result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Warning)];
        if (result.Library is null)
        {
            LibraryDiagnostic[] errors = [.. result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)];
            string listed = string.Join(Environment.NewLine, errors.Take(MaxReportedErrors).Select(e => "  " + e));
            string more = errors.Length > MaxReportedErrors ? $"{Environment.NewLine}  … and {errors.Length - MaxReportedErrors} more" : "";
            throw new CallFlowLibraryException(
                $"The prompt library in {Folder} (Flows:Folder) has {errors.Length} error(s):{Environment.NewLine}{listed}{more}");
        }

        Library = result.Library;
        _router = router;
        _fallbackModel = string.IsNullOrWhiteSpace(settings.FallbackModel) ? null : ModelCatalog.Normalize(settings.FallbackModel);
    }

    /// <summary>The library folder, as a full path.</summary>
    public string Folder { get; }

    public PromptLibrary Library { get; }

    public IReadOnlyList<LibraryDiagnostic> Warnings { get; }

    /// <summary>
    /// What a flow prompt renders from: its own settings, except that a model no configured route serves is replaced by
    /// <c>Flows:FallbackModel</c> (and the temperature, which only Gemini 3.1 takes, dropped).
    /// </summary>
    public PromptSpec SpecFor(LibraryPrompt prompt) => _specs.GetOrAdd(prompt, CreateSpec);

    /// <summary>The webhook query parameters a flow's templates take values from (<c>query:&lt;name&gt;</c>), distinct, sorted.</summary>
    public IReadOnlyList<string> QueryValueNames(CallFlow flow) => _queryNames.GetOrAdd(flow, static flow =>
    {
        IEnumerable<PromptReference> references = flow.Menus.SelectMany(menu => menu.Play
            .Concat(menu.Choices.SelectMany(choice => choice.Action.Announce))
            .Concat(menu.NoInput.Play).Concat(menu.NoInput.Then.Announce)
            .Concat(menu.Invalid.Play).Concat(menu.Invalid.Then.Announce));
        return [.. references
            .SelectMany(reference => reference.Values?.Values ?? [])
            .Where(source => source.Kind == CallValueKind.Query)
            .Select(source => source.Name!)
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)];
    });

    private PromptSpec CreateSpec(LibraryPrompt prompt)
    {
        PromptSpec spec = prompt.Spec;
        if (_fallbackModel is null || _router.Supports(spec.Model))
        {
            return spec;
        }

        return spec with { Model = _fallbackModel, Temperature = ModelCatalog.AcceptsTemperature(_fallbackModel) ? spec.Temperature : null };
    }
}

/// <summary>Loads the library when the host starts, so a broken library stops the start-up with its errors listed.</summary>
internal sealed partial class CallFlowsStartup(IServiceProvider services, ILogger<CallFlowsStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        CallFlows flows = services.GetRequiredService<CallFlows>();
        foreach (LibraryDiagnostic warning in flows.Warnings)
        {
            Log.LibraryWarning(logger, warning.ToString());
        }

        Log.Loaded(logger, flows.Library.Flows.Count, string.Join(", ", flows.Library.Flows.Select(f => f.Name)), flows.Library.Prompts.Count, flows.Folder);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static partial class Log
    {
        [LoggerMessage(EventId = 5300, Level = LogLevel.Information, Message = "Loaded {FlowCount} call flow(s) ({Flows}) and {PromptCount} prompts from {Folder}")]
        public static partial void Loaded(ILogger logger, int flowCount, string flows, int promptCount, string folder);

        [LoggerMessage(EventId = 5301, Level = LogLevel.Warning, Message = "Prompt library: {Diagnostic}")]
        public static partial void LibraryWarning(ILogger logger, string diagnostic);
    }
}
