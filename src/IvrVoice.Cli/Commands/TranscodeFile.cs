using System.Globalization;
using IvrVoice.Audio;

namespace IvrVoice.Cli.Commands;

/// <summary>
/// One file through <c>ivrvoice transcode</c>. WAV and headerless PCM files larger than one chunk
/// (<see cref="StreamingTranscoder.ChunkBytes"/>) are read a chunk at a time (<see cref="StreamingTranscoder"/>): a prompt's
/// 8 kHz signal is mastered in memory, a long recording's (over about two minutes) through a spool, so
/// memory stays bounded; the input is never held whole, and a prompt-sized process touches fewer fresh pages. Smaller
/// files, MP3, other layouts the chunked reader declines and standard input (which cannot be read twice) are read whole.
/// All give the same bytes.
/// </summary>
internal static class TranscodeFile
{
    // A local tool converts long recordings too: larger caps than a provider response gets.
    public static readonly AudioDecodeLimits Limits = new() { MaxInputBytes = 1024 * 1024 * 1024, MaxDuration = TimeSpan.FromHours(3) };

    public sealed record Outcome(bool Ok, string Message, int ExitCode = 0);

    /// <summary>Transcodes <paramref name="input"/> to <paramref name="output"/>; never throws for bad input or I/O.</summary>
    public static Outcome Run(string input, string output, OutputFormat format, RawPcmFormat? raw, MasteringOptions mastering, DateTime started)
    {
        if (OutputFiles.ReadProblem(input) is { } inputProblem)
        {
            return new Outcome(false, inputProblem, ExitCodes.InvalidInput);
        }

        try
        {
            TranscodeSummary? summary = null;
            if (input != "-" && new FileInfo(input).Length > StreamingTranscoder.ChunkBytes)
            {
                summary = Streamed(input, output, format, raw, mastering);
            }

            summary ??= InMemory(input, output, format, raw, mastering);
            double seconds = (DateTime.UtcNow - started).TotalSeconds;
            // Formatted in a stack buffer: interpolating without one rents from ArrayPool<char>.Shared, whose first
            // return sets up the pool's per-core state (a timing loop over the processor number) for one string.
            return new Outcome(true, string.Create(CultureInfo.InvariantCulture, stackalloc char[512],
                $"Wrote {output}: {summary.InputDuration.TotalSeconds:0.00} s of {summary.InputRate} Hz audio as 8 kHz {format.Name()} ({summary.OutputBytes} bytes), {(mastering.Enabled ? $"mastered to {mastering.TargetLevelDbfs} dBov" : "not mastered")}, in {seconds:0.000} s"));
        }
        catch (AudioFormatException ex)
        {
            return new Outcome(false, $"'{input}' is not audio this tool reads: {ex.Message}", ExitCodes.InvalidInput);
        }
        catch (ArgumentOutOfRangeException ex)
        {
            return new Outcome(false, $"'{input}': {ex.Message.Split(Environment.NewLine)[0]}", ExitCodes.InvalidInput);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new Outcome(false, $"cannot transcode '{input}' to '{output}': {ex.Message}", ExitCodes.InvalidInput);
        }
    }

    private static TranscodeSummary? Streamed(string input, string output, OutputFormat format, RawPcmFormat? raw, MasteringOptions mastering)
    {
        using FileStream source = new(input, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
        return WriteAtomically(output, stream => StreamingTranscoder.TryTranscode(source, stream, format, mastering, raw, Limits));
    }

    private static TranscodeSummary InMemory(string input, string output, OutputFormat format, RawPcmFormat? raw, MasteringOptions mastering)
    {
        byte[] bytes = input == "-" ? ReadStandardInput() : ReadWhole(input);
        byte[] result;
        TimeSpan duration;
        int rate;
        if (!Providers.ProviderAudioDecoder.IsMp3(bytes, raw) && AudioDecoder.TryLocatePcm16Mono(bytes, raw, out Range samples, out rate, Limits))
        {
            // 16-bit mono: resampled straight from the file's bytes.
            result = Transcoder.ToTelephony(bytes, format, mastering, raw, Limits);
            duration = TimeSpan.FromSeconds(samples.GetOffsetAndLength(bytes.Length).Length / 2.0 / rate);
        }
        else
        {
            // MP3 is decoded by the Providers layer (NLayer, gapless); everything else by IvrVoice.Audio.
            PcmAudio audio = Providers.ProviderAudioDecoder.Decode(bytes, raw, Limits);
            result = Transcoder.ToTelephony(audio, format, mastering);
            (duration, rate) = (audio.Duration, audio.SampleRate);
        }

        TranscodeSummary summary = new(rate, duration, result.Length);
        return WriteAtomically(output, stream =>
        {
            stream.Write(result);
            return summary;
        })!;
    }

    // Standard output as it is; a file beside the target, renamed when complete, so a reader never sees half a file.
    private static T? WriteAtomically<T>(string path, Func<Stream, T?> write)
        where T : class
    {
        if (path == "-")
        {
            using Stream stdout = Console.OpenStandardOutput();
            return write(stdout);
        }

        string full = Path.GetFullPath(path);
        string temporary = $"{full}.{Environment.ProcessId}.tmp";
        bool keep = false;
        try
        {
            T? result;
            // Unbuffered: callers write whole files or large pieces, which a buffer would only copy.
            using (FileStream file = new(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 0))
            {
                result = write(file);
            }

            keep = result is not null;   // null: nothing was written, the caller tries another way
            if (keep)
            {
                File.Move(temporary, full, overwrite: true);
            }

            return result;
        }
        finally
        {
            if (!keep)
            {
                File.Delete(temporary);
            }
        }
    }

    // One read into an array that is not zeroed first (the read fills it): a prompt's file costs one system call.
    private static byte[] ReadWhole(string path)
    {
        using Microsoft.Win32.SafeHandles.SafeFileHandle file = File.OpenHandle(path);
        long length = RandomAccess.GetLength(file);
        if (length > Limits.MaxInputBytes)
        {
            return File.ReadAllBytes(path);   // the decoder names the size; as before, reading it whole first
        }

        byte[] bytes = GC.AllocateUninitializedArray<byte>((int)length);
        int read = 0;
        for (int n; read < bytes.Length && (n = RandomAccess.Read(file, bytes.AsSpan(read), read)) > 0;)
        {
            read += n;
        }

        return read == bytes.Length ? bytes : bytes[..read];   // the file shrank while it was read
    }

    private static byte[] ReadStandardInput()
    {
        using Stream stdin = Console.OpenStandardInput();
        using MemoryStream buffer = new();
        stdin.CopyTo(buffer);
        return buffer.ToArray();
    }
}
