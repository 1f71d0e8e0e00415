using System.CommandLine;
using IvrVoice.Audio;
using IvrVoice.Providers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IvrVoice.Cli.Commands;

/// <summary>
/// <c>ivrvoice say "text" --voice Kore --out hello.wav</c>: one prompt through the provider chain, as 8 kHz μ-law WAV; or, with
/// <c>--library prompts/ --prompt id --value name=value</c>, a library prompt or template (see <see cref="LibrarySay"/>).
/// </summary>
internal static class SayCommand
{
    public static Command Create()
    {
        Argument<string?> text = new("text") { Description = "What to say. Inline audio tags ([short pause]) follow the model's dialect. Leave it out with --library.", Arity = ArgumentArity.ZeroOrOne };
        Option<string> voice = new("--voice", "-v") { Description = "Voice name: a Gemini voice (Kore, Puck, ...) or an espeak-ng voice.", DefaultValueFactory = _ => "Kore" };
        Option<string?> provider = new("--provider", "-p") { Description = "Use only this route: gemini, aigateway, openrouter, vtrix, pixazo, segmind or espeak." };
        Option<string?> style = new("--style") { Description = "Style instruction, for example \"calm, warm\"." };
        Option<string?> language = new("--language", "-l") { Description = "BCP-47 language code, for example en-US." };
        Option<string?> model = new("--model", "-m") { Description = $"Model id ({string.Join(", ", ModelCatalog.All)}); defaults to Providers:DefaultModel." };
        Option<FileInfo> output = new("--out", "-o") { Description = "The WAV file to write (8 kHz G.711 μ-law).", Required = true };
        Option<string?> library = new("--library") { Description = "A prompt library folder: say one of its prompts or templates (with --prompt)." };
        Option<string?> prompt = new("--prompt") { Description = "With --library: the id of the prompt or template to say." };
        Option<string[]> value = new("--value") { Description = "With --library: a template value, name=value (repeat for each), e.g. --value day=2026-12-03." };
        Command command = new("say", "Render one sentence (or a library prompt or template with values) and write an 8 kHz μ-law WAV.")
        {
            text, voice, provider, style, language, model, output, library, prompt, value,
        };
        command.SetAction((parse, cancellationToken) =>
        {
            string? libraryFolder = parse.GetValue(library);
            string? promptId = parse.GetValue(prompt);
            string[] values = parse.GetValue(value) ?? [];
            string? sentence = parse.GetValue(text);
            if (libraryFolder is not null || promptId is not null)
            {
                if (libraryFolder is null || promptId is null || sentence is not null)
                {
                    return Usage("--library and --prompt go together, without a text to say.");
                }

                return LibrarySay.RunAsync(
                    new LibrarySay.Arguments(libraryFolder, promptId, parse.GetValue(language), values, parse.GetValue(provider), parse.GetValue(output)!),
                    TimeProvider.System, cancellationToken);
            }

            if (sentence is null || values.Length > 0)
            {
                return Usage(sentence is null ? "give the text to say, or --library and --prompt." : "--value goes with --library and --prompt.");
            }

            return RunAsync(
                new Arguments(sentence, parse.GetValue(voice)!, parse.GetValue(provider), parse.GetValue(style), parse.GetValue(language),
                    parse.GetValue(model), parse.GetValue(output)!),
                cancellationToken);
        });
        return command;
    }

    private static async Task<int> Usage(string message)
    {
        await Console.Error.WriteLineAsync($"ivrvoice say: {message}");
        return ExitCodes.Usage;
    }

    private sealed record Arguments(string Text, string Voice, string? Provider, string? Style, string? Language, string? Model, FileInfo Output);

    private static async Task<int> RunAsync(Arguments args, CancellationToken cancellationToken)
    {
        // Checked before anything is rendered (and paid for): say writes μ-law WAV, into a folder that exists.
        string outputPath = args.Output.ToString();
        if ((OutputFiles.Choose(outputPath, OutputFormat.MuLawWav, out string? formatProblem) is null ? formatProblem : OutputFiles.WriteProblem(outputPath)) is { } problem)
        {
            await Console.Error.WriteLineAsync($"ivrvoice say: {problem}");
            return ExitCodes.Usage;
        }

        await using CliHost host = CliHost.Create();
        ITtsRouter router;
        try
        {
            router = host.Services.GetRequiredService<ITtsRouter>();
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync($"ivrvoice say: the provider settings are invalid:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", ex.Failures)}");
            return ExitCodes.InvalidInput;
        }

        if (args.Model is not null && ModelCatalog.Normalize(args.Model) is null)
        {
            await Console.Error.WriteLineAsync($"ivrvoice say: unknown model '{args.Model}'. Known models: {string.Join(", ", ModelCatalog.All)}.");
            return ExitCodes.Usage;
        }

        TtsRequest request = new()
        {
            Text = args.Text,
            Voice = args.Voice,
            Style = args.Style,
            Language = args.Language,
            Model = args.Model ?? router.DefaultModel,
        };
        RoutedTts result = await router.SynthesizeAsync(request, RenderUrgency.Batch, args.Provider, cancellationToken);
        if (!result.Succeeded)
        {
            return await ReportFailureAsync(router, result);
        }

        TtsAudio audio = result.Audio!;
        byte[] wav = Transcoder.ToTelephony(audio.Pcm, OutputFormat.MuLawWav);
        string path = args.Output.FullName;
        string temporary = $"{path}.{Environment.ProcessId}.tmp";
        await File.WriteAllBytesAsync(temporary, wav, cancellationToken);
        File.Move(temporary, path, overwrite: true);

        string retries = result.Failures.Count == 0 ? "" : $" after {result.Failures.Count} failed attempt(s): {string.Join("; ", result.Failures)}";
        Console.WriteLine($"Served by {audio.Provider} ({request.Model}, voice {request.Voice}) in {audio.Latency.TotalMilliseconds:0} ms{retries}");
        Console.WriteLine($"Wrote {path}: {audio.Pcm.Duration.TotalSeconds:0.00} s, 8 kHz μ-law WAV, {wav.Length} bytes"
            + (audio.CostUsd is { } cost ? $", cost ${cost:0.######}" : ""));
        return ExitCodes.Success;
    }

    private static async Task<int> ReportFailureAsync(ITtsRouter router, RoutedTts result)
    {
        TextWriter error = Console.Error;
        bool badInput = result.Failures.Count > 0 && result.Failures.All(f => f.Kind == TtsFailureKind.InvalidRequest && f.Provider == "router");
        await error.WriteLineAsync(badInput
            ? "ivrvoice say: the request is invalid:"
            : $"ivrvoice say: no audio; every route failed (routes in order: {string.Join(", ", router.Routes)}):");
        foreach (TtsFailure failure in result.Failures)
        {
            string wait = failure.RetryAfter is { } after ? $" (asked to wait {after.TotalSeconds:0.#} s)" : "";
            await error.WriteLineAsync($"  {failure.Provider}: {failure.Kind}: {failure.Message}{wait}");
        }

        return badInput ? ExitCodes.InvalidInput : ExitCodes.RenderFailed;
    }
}
