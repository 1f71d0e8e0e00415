using System.CommandLine;
using IvrVoice.Audio;

namespace IvrVoice.Cli.Commands;

/// <summary>
/// <c>ivrvoice transcode IN OUT [--to FORMAT] [--in-rate HZ --in-format s16le] [--no-master]</c>: any supported audio
/// to an 8 kHz telephone file, mastered unless told otherwise. With <c>--out-dir DIR</c> every argument is an input (a
/// file, or a folder whose audio files are taken), so a whole library pays the start-up once.
/// </summary>
/// <remarks>The command line is parsed here; the work is <see cref="TranscodeVerb"/>'s, which the launcher runs from its own parser.</remarks>
internal static class TranscodeCommand
{
    public static Command Create()
    {
        Argument<string[]> paths = new("paths")
        {
            Description = "IN OUT: the audio to convert (WAV of any common layout, MP3, or headerless PCM with --in-rate; '-' reads standard input) and the file to write ('-' writes standard output). With --out-dir: any number of audio files and folders.",
            Arity = ArgumentArity.OneOrMore,
        };
        Option<string?> outDir = new("--out-dir") { Description = "Convert every input (files, and the audio files in folders) into this folder, named after each input." };
        Option<string?> to = new("--to")
        {
            Description = $"Output format: {string.Join(", ", OutputFormats.Names)}. Default: from the output's extension (.wav μ-law WAV, .ulaw, .alaw, .sln); an extension that does not fit is refused. With --out-dir the extension follows the format.",
        };
        Option<int?> inRate = new("--in-rate") { Description = "Sample rate of headerless input, in Hz (the input is then read as raw PCM)." };
        Option<string?> inFormat = new("--in-format") { Description = "Sample format of headerless input: s16le (default), s16be, f32le, mulaw, alaw." };
        Option<int> inChannels = new("--in-channels") { Description = "Interleaved channels of headerless input (mixed to mono).", DefaultValueFactory = _ => 1 };
        Option<bool> noMaster = new("--no-master") { Description = "Skip telephony mastering (silence trim, level normalisation, peak limiting)." };
        Command command = new("transcode", "Convert audio to 8 kHz telephone audio: μ-law or A-law WAV, 16-bit WAV, or Asterisk's raw .ulaw/.alaw/.sln.")
        {
            paths, outDir, to, inRate, inFormat, inChannels, noMaster,
        };
        command.SetAction(parse => TranscodeVerb.Run(new TranscodeArguments(
            parse.GetValue(paths)!, parse.GetValue(outDir), parse.GetValue(to), parse.GetValue(inRate), parse.GetValue(inFormat),
            parse.GetValue(inChannels), parse.GetValue(noMaster))));
        return command;
    }
}
