using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using IvrVoice.Audio;

namespace IvrVoice.Cli.Commands;

/// <summary>
/// <c>ivrvoice transcode IN OUT [--to FORMAT] [--in-rate HZ --in-format s16le] [--no-master]</c>: any supported audio
/// to an 8 kHz telephone file, mastered unless told otherwise.
/// </summary>
internal static class TranscodeCommand
{
    // A local tool converts long recordings too: larger caps than a provider response gets.
    private static readonly AudioDecodeLimits Limits = new() { MaxInputBytes = 1024 * 1024 * 1024, MaxDuration = TimeSpan.FromHours(3) };

    public static Command Create()
    {
        Argument<string> input = new("input")
        {
            Description = "Audio to convert: WAV (PCM 8/16/24/32-bit, float, μ-law, A-law, extensible, any channels), MP3, or headerless PCM with --in-rate. '-' reads standard input.",
        };
        Argument<string> output = new("output") { Description = "The file to write. '-' writes standard output." };
        Option<string?> to = new("--to")
        {
            Description = $"Output format: {string.Join(", ", OutputFormats.Names)}. Default: from the output's extension (.wav μ-law WAV, .ulaw, .alaw, .sln); an extension that does not fit is refused.",
        };
        Option<int?> inRate = new("--in-rate") { Description = "Sample rate of headerless input, in Hz (the input is then read as raw PCM)." };
        Option<string?> inFormat = new("--in-format") { Description = "Sample format of headerless input: s16le (default), s16be, f32le, mulaw, alaw." };
        Option<int> inChannels = new("--in-channels") { Description = "Interleaved channels of headerless input (mixed to mono).", DefaultValueFactory = _ => 1 };
        Option<bool> noMaster = new("--no-master") { Description = "Skip telephony mastering (silence trim, level normalisation, peak limiting)." };
        Command command = new("transcode", "Convert audio to 8 kHz telephone audio: μ-law or A-law WAV, 16-bit WAV, or Asterisk's raw .ulaw/.alaw/.sln.")
        {
            input, output, to, inRate, inFormat, inChannels, noMaster,
        };
        command.SetAction(parse => Run(new Arguments(
            parse.GetValue(input)!, parse.GetValue(output)!, parse.GetValue(to), parse.GetValue(inRate), parse.GetValue(inFormat),
            parse.GetValue(inChannels), parse.GetValue(noMaster))));
        return command;
    }

    private sealed record Arguments(string Input, string Output, string? To, int? InRate, string? InFormat, int InChannels, bool NoMaster);

    private static int Run(Arguments args)
    {
        Stopwatch clock = Stopwatch.StartNew();
        if (!TryChooseFormat(args, out OutputFormat format, out string? formatError))
        {
            return Fail(ExitCodes.Usage, formatError);
        }

        if (OutputFiles.ReadProblem(args.Input) is { } inputProblem)
        {
            return Fail(ExitCodes.InvalidInput, inputProblem);
        }

        if (OutputFiles.WriteProblem(args.Output) is { } outputProblem)
        {
            return Fail(ExitCodes.Usage, outputProblem);
        }

        RawPcmFormat? raw = null;
        if (args.InRate is { } rate)
        {
            if (rate <= 0 || args.InChannels <= 0)
            {
                return Fail(ExitCodes.Usage, "--in-rate and --in-channels must be positive.");
            }

            if (!RawPcmFormat.TryParseEncoding(args.InFormat ?? "s16le", out RawSampleEncoding encoding))
            {
                return Fail(ExitCodes.Usage, $"unknown --in-format '{args.InFormat}'; use s16le, s16be, f32le, mulaw or alaw.");
            }

            raw = new RawPcmFormat(rate, args.InChannels, encoding);
        }
        else if (args.InFormat is not null)
        {
            return Fail(ExitCodes.Usage, "--in-format needs --in-rate (it describes headerless input).");
        }

        byte[] bytes;
        try
        {
            bytes = args.Input == "-" ? ReadStandardInput() : File.ReadAllBytes(args.Input);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(ExitCodes.InvalidInput, $"cannot read '{args.Input}': {ex.Message}");
        }

        MasteringOptions mastering = args.NoMaster ? MasteringOptions.Disabled : MasteringOptions.Default;
        byte[] result;
        TimeSpan inputDuration;
        int inputRate;
        try
        {
            if (!Providers.ProviderAudioDecoder.IsMp3(bytes, raw) && AudioDecoder.TryLocatePcm16Mono(bytes, raw, out Range samples, out inputRate, Limits))
            {
                // 16-bit mono: resampled straight from the file's bytes.
                result = Transcoder.ToTelephony(bytes, format, mastering, raw, Limits);
                inputDuration = TimeSpan.FromSeconds(samples.GetOffsetAndLength(bytes.Length).Length / 2.0 / inputRate);
            }
            else
            {
                // MP3 is decoded by the Providers layer (NLayer, gapless); everything else by IvrVoice.Audio.
                PcmAudio audio = Providers.ProviderAudioDecoder.Decode(bytes, raw, Limits);
                result = Transcoder.ToTelephony(audio, format, mastering);
                (inputDuration, inputRate) = (audio.Duration, audio.SampleRate);
            }
        }
        catch (AudioFormatException ex)
        {
            return Fail(ExitCodes.InvalidInput, $"'{args.Input}' is not audio this tool reads: {ex.Message}");
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return Fail(ExitCodes.InvalidInput, $"'{args.Input}': {ex.Message.Split(Environment.NewLine)[0]}");
        }

        try
        {
            Write(args.Output, result);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(ExitCodes.InvalidInput, $"cannot write '{args.Output}': {ex.Message}");
        }

        // The summary goes to stderr when the audio itself goes to stdout.
        TextWriter summary = args.Output == "-" ? Console.Error : Console.Out;
        summary.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {args.Output}: {inputDuration.TotalSeconds:0.00} s of {inputRate} Hz audio as 8 kHz {format.Name()} ({result.Length} bytes), {(args.NoMaster ? "not mastered" : $"mastered to {mastering.TargetLevelDbfs} dBov")}, in {clock.Elapsed.TotalSeconds:0.000} s"));
        return ExitCodes.Success;
    }

    private static bool TryChooseFormat(Arguments args, out OutputFormat format, out string? error)
    {
        error = null;
        format = default;
        OutputFormat? requested = null;
        if (args.To is not null)
        {
            if (!OutputFormats.TryParse(args.To, out OutputFormat parsed))
            {
                error = $"unknown --to '{args.To}'; use one of {string.Join(", ", OutputFormats.Names)}.";
                return false;
            }

            requested = parsed;
        }

        // The extension and the format must agree: out.mp3 holding μ-law would fool whatever opens it next.
        if (OutputFiles.Choose(args.Output, requested, out error) is not { } chosen)
        {
            return false;
        }

        format = chosen;
        return true;
    }

    private static byte[] ReadStandardInput()
    {
        using Stream stdin = Console.OpenStandardInput();
        using MemoryStream buffer = new();
        stdin.CopyTo(buffer);
        return buffer.ToArray();
    }

    private static void Write(string path, byte[] contents)
    {
        if (path == "-")
        {
            using Stream stdout = Console.OpenStandardOutput();
            stdout.Write(contents);
            return;
        }

        // Write beside the target and rename, so a reader never sees half a file.
        string full = Path.GetFullPath(path);
        string temporary = $"{full}.{Environment.ProcessId}.tmp";
        File.WriteAllBytes(temporary, contents);
        File.Move(temporary, full, overwrite: true);
    }

    private static int Fail(int code, string? message)
    {
        Console.Error.WriteLine($"ivrvoice transcode: {message}");
        return code;
    }
}
