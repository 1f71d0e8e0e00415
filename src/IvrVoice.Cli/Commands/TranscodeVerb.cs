using System.Diagnostics;
using System.Globalization;
using IvrVoice.Audio;

namespace IvrVoice.Cli.Commands;

/// <summary>A parsed <c>ivrvoice transcode</c> command line (<c>TranscodeCommand</c> gives each option its meaning).</summary>
internal sealed record TranscodeArguments(string[] Paths, string? OutDir, string? To, int? InRate, string? InFormat, int InChannels, bool NoMaster);

/// <summary>
/// What <c>ivrvoice transcode</c> does with its parsed command line: one file, or with an output folder a batch. Shared by
/// the full program (through <c>TranscodeCommand</c>) and the launcher (through its own parser), so both do the same.
/// </summary>
internal static class TranscodeVerb
{
    private static readonly string[] AudioExtensions = [".wav", ".wave", ".mp3"];
    private static readonly string[] RawExtensions = [".pcm", ".raw", ".s16", ".sln", ".ulaw", ".ul", ".alaw", ".al", ".f32"];

    public static int Run(TranscodeArguments args)
    {
        DateTime started = DateTime.UtcNow;
        OutputFormat? requested = null;
        if (args.To is not null)
        {
            if (!OutputFormats.TryParse(args.To, out OutputFormat parsed))
            {
                return Fail(ExitCodes.Usage, $"unknown --to '{args.To}'; use one of {string.Join(", ", OutputFormats.Names)}.");
            }

            requested = parsed;
        }

        if (!TryRawFormat(args, out RawPcmFormat? raw, out string? rawError))
        {
            return Fail(ExitCodes.Usage, rawError);
        }

        MasteringOptions mastering = args.NoMaster ? MasteringOptions.Disabled : MasteringOptions.Default;
        if (args.OutDir is null)
        {
            return Single(args, requested, raw, mastering, started);
        }

        return Batch(args, requested ?? OutputFormat.MuLawWav, raw, mastering);
    }

    private static int Single(TranscodeArguments args, OutputFormat? requested, RawPcmFormat? raw, MasteringOptions mastering, DateTime started)
    {
        if (args.Paths.Length != 2)
        {
            return Fail(ExitCodes.Usage, args.Paths.Length < 2
                ? "give an input and an output (ivrvoice transcode IN OUT), or inputs and --out-dir DIR."
                : "more than one input needs --out-dir DIR (ivrvoice transcode a.wav b.wav --out-dir out/).");
        }

        (string input, string output) = (args.Paths[0], args.Paths[1]);
        // The extension and the format must agree: out.mp3 holding μ-law would fool whatever opens it next.
        if (OutputFiles.Choose(output, requested, out string? formatError) is not { } format)
        {
            return Fail(ExitCodes.Usage, formatError);
        }

        if (OutputFiles.ReadProblem(input) is { } inputProblem)
        {
            return Fail(ExitCodes.InvalidInput, inputProblem);
        }

        if (OutputFiles.WriteProblem(output) is { } outputProblem)
        {
            return Fail(ExitCodes.Usage, outputProblem);
        }

        TranscodeFile.Outcome outcome = TranscodeFile.Run(input, output, format, raw, mastering, started);
        if (!outcome.Ok)
        {
            return Fail(outcome.ExitCode, outcome.Message);
        }

        // The summary goes to stderr when the audio itself goes to stdout.
        SummaryLine.Write(toError: output == "-", outcome.Message);
        return ExitCodes.Success;
    }

    private static int Batch(TranscodeArguments args, OutputFormat format, RawPcmFormat? raw, MasteringOptions mastering)
    {
        Stopwatch clock = Stopwatch.StartNew();
        string folder = args.OutDir!;
        if (Directory.Exists(folder) is false && (File.Exists(folder) || OutputFiles.WriteProblem(Path.Combine(folder, "x.wav")) is not null))
        {
            return Fail(ExitCodes.Usage, $"cannot write into '{folder}': it is a file or cannot be created.");
        }

        Directory.CreateDirectory(folder);
        List<string> failed = [];
        List<string> inputs = [];
        foreach (string path in args.Paths)
        {
            if (Directory.Exists(path))
            {
                string[] extensions = raw is null ? AudioExtensions : [.. AudioExtensions, .. RawExtensions];
                inputs.AddRange(Directory.EnumerateFiles(path)
                    .Where(file => extensions.Contains(Path.GetExtension(file), StringComparer.OrdinalIgnoreCase))
                    .Order(StringComparer.Ordinal));
            }
            else
            {
                inputs.Add(path);
            }
        }

        string extension = OutputFiles.ExtensionOf(format);
        HashSet<string> written = new(StringComparer.Ordinal);
        int done = 0;
        long bytes = 0;
        for (int i = 0; i < inputs.Count; i++)
        {
            string input = inputs[i];
            string output = Path.Combine(folder, Path.GetFileNameWithoutExtension(input) + extension);
            string progress = string.Create(CultureInfo.InvariantCulture, $"[{i + 1}/{inputs.Count}]");
            if (input == "-")
            {
                failed.Add(input);
                Console.Error.WriteLine($"{progress} ivrvoice transcode: '-' (standard input) cannot be used with --out-dir; give files.");
                continue;
            }

            if (!written.Add(Path.GetFullPath(output)))
            {
                failed.Add(input);
                Console.Error.WriteLine($"{progress} ivrvoice transcode: '{input}' would overwrite '{output}', written from another input; rename one of them.");
                continue;
            }

            TranscodeFile.Outcome outcome = TranscodeFile.Run(input, output, format, raw, mastering, DateTime.UtcNow);
            if (outcome.Ok)
            {
                done++;
                bytes += new FileInfo(output).Length;
                Console.Out.WriteLine($"{progress} {outcome.Message}");
            }
            else
            {
                failed.Add(input);
                Console.Error.WriteLine($"{progress} ivrvoice transcode: {outcome.Message}");
            }
        }

        string failures = failed.Count == 0 ? "" : $"; {failed.Count} failed: {string.Join(", ", failed.Select(f => $"'{f}'"))}";
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Transcoded {done} of {inputs.Count} files into {folder} as 8 kHz {format.Name()} ({bytes} bytes){failures}, in {clock.Elapsed.TotalSeconds:0.000} s"));
        return failed.Count == 0 && inputs.Count > 0 ? ExitCodes.Success : ExitCodes.InvalidInput;
    }

    private static bool TryRawFormat(TranscodeArguments args, out RawPcmFormat? raw, out string? error)
    {
        (raw, error) = (null, null);
        if (args.InRate is { } rate)
        {
            if (rate <= 0 || args.InChannels <= 0)
            {
                error = "--in-rate and --in-channels must be positive.";
                return false;
            }

            if (!RawPcmFormat.TryParseEncoding(args.InFormat ?? "s16le", out RawSampleEncoding encoding))
            {
                error = $"unknown --in-format '{args.InFormat}'; use s16le, s16be, f32le, mulaw or alaw.";
                return false;
            }

            raw = new RawPcmFormat(rate, args.InChannels, encoding);
        }
        else if (args.InFormat is not null)
        {
            error = "--in-format needs --in-rate (it describes headerless input).";
            return false;
        }

        return true;
    }

    private static int Fail(int code, string? message)
    {
        Console.Error.WriteLine($"ivrvoice transcode: {message}");
        return code;
    }
}
