using IvrVoice.Audio;

namespace IvrVoice.Cli.Commands;

/// <summary>
/// The checks every command that writes audio makes before any work: the output's extension and format agree (a file named
/// <c>.mp3</c> never holds μ-law), its folder exists, and it is not a folder; an input is a file, not a folder.
/// </summary>
internal static class OutputFiles
{
    /// <summary>The format an extension stands for, or null for one this tool does not write.</summary>
    public static OutputFormat? FormatOf(string extension) => extension.ToLowerInvariant() switch
    {
        ".wav" or ".wave" => OutputFormat.MuLawWav,
        ".ulaw" or ".ul" or ".mulaw" => OutputFormat.RawMuLaw,
        ".alaw" or ".al" => OutputFormat.RawALaw,
        ".sln" or ".raw" => OutputFormat.RawSln,
        _ => null,
    };

    /// <summary>The extension a batch gives a file of <paramref name="format"/>: .ulaw, .alaw or .sln for the raw formats, .wav for the WAV ones.</summary>
    public static string ExtensionOf(OutputFormat format) => format switch
    {
        OutputFormat.RawMuLaw => ".ulaw",
        OutputFormat.RawALaw => ".alaw",
        OutputFormat.RawSln => ".sln",
        _ => ".wav",
    };

    /// <summary>
    /// Chooses the format for <paramref name="path"/>: <paramref name="requested"/> when given and the extension agrees (a WAV
    /// format for .wav, that raw format for a raw extension), else the extension's. Null with <paramref name="error"/> otherwise.
    /// </summary>
    public static OutputFormat? Choose(string path, OutputFormat? requested, out string? error)
    {
        error = null;
        if (path == "-")
        {
            return requested ?? OutputFormat.MuLawWav;
        }

        string extension = Path.GetExtension(path);
        OutputFormat? implied = FormatOf(extension);
        if (implied is null)
        {
            error = extension.Length == 0
                ? $"'{path}' has no extension; name it .wav, .ulaw, .alaw or .sln so the format is clear, or write to '-'."
                : $"'{path}': this tool writes 8 kHz telephone audio, not {extension} files; name the output .wav, .ulaw, .alaw or .sln.";
            return null;
        }

        if (requested is not { } chosen)
        {
            return implied;
        }

        bool wavExtension = implied == OutputFormat.MuLawWav;
        bool wavFormat = chosen is OutputFormat.MuLawWav or OutputFormat.ALawWav or OutputFormat.Pcm16Wav;
        // .raw names headerless audio of any encoding; .ulaw, .alaw and .sln name one each.
        bool anyRaw = extension.Equals(".raw", StringComparison.OrdinalIgnoreCase);
        if (wavExtension == wavFormat && (wavFormat || anyRaw || chosen == implied))
        {
            return chosen;
        }

        error = $"'{path}' does not fit --to {chosen.Name()}: a {extension} file holds {implied.Value.Name()}; change the extension or --to.";
        return null;
    }

    /// <summary>
    /// Null when <paramref name="path"/> can be written, else why not. A missing folder is created (by every command alike);
    /// a path that is itself a folder, or whose folder cannot be made, is refused naming the path given, never a temporary file.
    /// </summary>
    public static string? WriteProblem(string path)
    {
        if (path == "-")
        {
            return null;
        }

        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
        {
            return $"'{path}' is a folder; give a file name to write.";
        }

        string? folder = Path.GetDirectoryName(full);
        if (folder is null || Directory.Exists(folder))
        {
            return null;
        }

        try
        {
            Directory.CreateDirectory(folder);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"cannot create the folder of '{path}': {(exception is UnauthorizedAccessException ? "permission denied" : "a file is in the way or the disk refused")}.";
        }
    }

    /// <summary>Null when <paramref name="path"/> is a readable file (or '-'), else why not.</summary>
    public static string? ReadProblem(string path)
    {
        if (path == "-")
        {
            return null;
        }

        if (Directory.Exists(path))
        {
            return $"'{path}' is a folder; give an audio file.";
        }

        return File.Exists(path) ? null : $"cannot read '{path}': it does not exist.";
    }
}
