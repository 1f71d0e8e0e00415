using IvrVoice.Caching;
using IvrVoice.Library;
using IvrVoice.Prompts.Announcements;
using IvrVoice.Prompts;
using IvrVoice.Prompts.Templates;
using IvrVoice.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IvrVoice.Cli.Commands;

/// <summary>
/// <c>ivrvoice say --library prompts/ --prompt appointment-reminder --value day=2026-12-03 --out reminder.wav</c>: a prompt of a
/// library, or a template spoken with values, written as 8 kHz μ-law WAV with the words spoken printed. A template whose
/// pieces the build rendered is joined from them by the announcement runtime (no provider call); otherwise the whole sentence
/// is rendered and cached under the key the service would use.
/// </summary>
internal static class LibrarySay
{
    public sealed record Arguments(string Library, string PromptId, string? Language, IReadOnlyList<string> Values, string? Provider, FileInfo Output);

    public static async Task<int> RunAsync(Arguments args, TimeProvider time, CancellationToken cancellationToken)
    {
        TextWriter error = Console.Error;
        Dictionary<string, string> values = new(StringComparer.Ordinal);
        foreach (string value in args.Values)
        {
            int equals = value.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                await error.WriteLineAsync($"ivrvoice say: --value must be name=value, as in --value day=2026-12-03; got '{Clip(value)}'.");
                return ExitCodes.Usage;
            }

            string name = value[..equals].Trim();
            if (!values.TryAdd(name, value[(equals + 1)..]))
            {
                await error.WriteLineAsync($"ivrvoice say: value '{Clip(name)}' is given twice.");
                return ExitCodes.Usage;
            }
        }

        LibraryLoadResult loaded = PromptLibraryLoader.Load(args.Library);
        foreach (LibraryDiagnostic diagnostic in loaded.Diagnostics)
        {
            await error.WriteLineAsync(diagnostic.ToString());
        }

        if (loaded.Library is not { } library)
        {
            await error.WriteLineAsync($"ivrvoice say: the library has {loaded.Diagnostics.Count(d => d.Severity == DiagnosticSeverity.Error)} error(s).");
            return ExitCodes.InvalidInput;
        }

        string[] languages = [.. library.Languages.Where(l => library.TryGetPrompt(l, args.PromptId, out _))];
        string? language = args.Language ?? languages.FirstOrDefault();
        if (language is null || !library.TryGetPrompt(language, args.PromptId, out LibraryPrompt? prompt))
        {
            await error.WriteLineAsync(languages.Length == 0
                ? $"ivrvoice say: the library has no prompt '{Clip(args.PromptId)}'."
                : $"ivrvoice say: prompt '{args.PromptId}' is not in {Clip(language!)}; it is in {string.Join(", ", languages)}.");
            return ExitCodes.InvalidInput;
        }

        DateOnly today = DateOnly.FromDateTime(time.GetLocalNow().DateTime);
        ComposedAnnouncement? composed = null;
        if (prompt.Template is { } template)
        {
            try
            {
                composed = TemplateComposer.Compose(template, values, language, today);
            }
            catch (TemplateValueException e)
            {
                await error.WriteLineAsync($"ivrvoice say: {e.Message}");
                return ExitCodes.InvalidInput;
            }
        }
        else if (values.Count > 0)
        {
            await error.WriteLineAsync($"ivrvoice say: prompt '{prompt.Id}' has no placeholders, so it takes no --value.");
            return ExitCodes.Usage;
        }

        await using CliHost host = CliHost.Create(configure: (services, configuration) => services.AddPromptRendering(configuration));
        PromptRenderer renderer;
        ITtsRouter router;
        try
        {
            renderer = host.Services.GetRequiredService<PromptRenderer>();
            router = host.Services.GetRequiredService<ITtsRouter>();
        }
        catch (OptionsValidationException e)
        {
            await error.WriteLineAsync($"ivrvoice say: the settings are invalid:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", e.Failures)}");
            return ExitCodes.InvalidInput;
        }

        // The spec the service plays this prompt with: its own, or the offline engine's when no configured route serves its model.
        PromptSpec spec = prompt.Spec;
        if (!router.Supports(spec.Model) && args.Provider is null)
        {
            spec = spec with { Model = ModelCatalog.EspeakNg, Temperature = null };
        }

        byte[] wav;
        string how;
        try
        {
            (wav, how) = composed is null
                ? await RenderAsync(renderer, spec, args.Provider, cancellationToken)
                : await SpeakAsync(host.Services.GetRequiredService<AnnouncementRenderer>(), prompt, values, spec, today, cancellationToken);
        }
        catch (PromptRenderException e)
        {
            await error.WriteLineAsync($"ivrvoice say: no audio; every route failed:");
            foreach (string failure in e.Failures.Count == 0 ? [e.Message] : e.Failures.Select(f => f.ToString()))
            {
                await error.WriteLineAsync($"  {failure}");
            }

            return ExitCodes.RenderFailed;
        }
        catch (TimeoutException e)
        {
            await error.WriteLineAsync($"ivrvoice say: no audio: {e.Message}");
            return ExitCodes.RenderFailed;
        }
        catch (PromptRequestException e)
        {
            await error.WriteLineAsync($"ivrvoice say: {e.Message}");
            return ExitCodes.InvalidInput;
        }

        string path = args.Output.FullName;
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        await File.WriteAllBytesAsync(temporary, wav, cancellationToken);
        File.Move(temporary, path, overwrite: true);

        Console.WriteLine($"Spoken: {composed?.Spoken ?? prompt.Text}");
        Console.WriteLine($"Wrote {path}: {how}, {spec.Model}, voice {spec.Voice}, 8 kHz μ-law WAV, {wav.Length} bytes");
        return ExitCodes.Success;
    }

    private static async Task<(byte[] Wav, string How)> SpeakAsync(
        AnnouncementRenderer announcements, LibraryPrompt prompt, IReadOnlyDictionary<string, string> values, PromptSpec baseSpec, DateOnly today,
        CancellationToken cancellationToken)
    {
        // Auto's background render of the whole sentence is for the next caller of a service; a one-off command joins (or renders) now.
        AnnouncementResult result = await announcements.SpeakAsync(new AnnouncementRequest
        {
            Template = prompt.Template!,
            Values = values,
            BaseSpec = baseSpec,
            Strategy = prompt.Strategy == AnnouncementStrategy.Render ? AnnouncementStrategy.Render : AnnouncementStrategy.Join,
            Today = today,
            Urgency = RenderUrgency.Batch,
        }, cancellationToken);
        string how = result.Outcome switch
        {
            AnnouncementOutcome.Joined => "joined from pre-rendered pieces",
            AnnouncementOutcome.WholeFromCache => "the whole sentence, from the cache",
            _ => $"the whole sentence rendered by {result.Prompt.Metadata.Provider}"
                + (result.FallbackReason is { } reason ? $" ({reason})" : " (strategy render)"),
        };
        return (result.Prompt.Audio.ToArray(), how);
    }

    private static async Task<(byte[] Wav, string How)> RenderAsync(PromptRenderer renderer, PromptSpec spec, string? provider, CancellationToken cancellationToken)
    {
        CachedPrompt? cached = await renderer.TryGetAsync(spec, CacheMode.ReadWrite, cancellationToken);
        if (cached is not null)
        {
            return (cached.Audio.ToArray(), "from the cache");
        }

        CachedPrompt rendered = await renderer.GetOrRenderAsync(spec, RenderUrgency.Batch, CacheMode.ReadWrite, cancellationToken, provider);
        return (rendered.Audio.ToArray(), $"rendered by {rendered.Metadata.Provider}");
    }

    private static string Clip(string text) => text.Length > 40 ? text[..40] + "…" : text;
}
