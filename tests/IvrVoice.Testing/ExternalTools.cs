using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace IvrVoice.Testing;

/// <summary>What an external tool did: exit code and its output, as text and as bytes.</summary>
public sealed record ToolResult(string Tool, IReadOnlyList<string> Arguments, int ExitCode, byte[] StandardOutputBytes, string StandardError)
{
    public string StandardOutput => Encoding.UTF8.GetString(StandardOutputBytes);

    public bool Succeeded => ExitCode == 0;

    /// <summary>This result, or an exception that shows the command line and stderr when the tool failed.</summary>
    public ToolResult EnsureSuccess() => Succeeded
        ? this
        : throw new InvalidOperationException($"{Tool} {string.Join(' ', Arguments)} exited with {ExitCode}: {StandardError}");
}

/// <summary>
/// Runs the real audio tools the tests use as independent readers and writers: sox, ffprobe, ffmpeg, espeak-ng.
/// Arguments go through <see cref="ProcessStartInfo.ArgumentList"/>, so nothing is shell-parsed.
/// </summary>
public static class ExternalTools
{
    public const string Sox = "sox";
    public const string Ffprobe = "ffprobe";
    public const string Ffmpeg = "ffmpeg";
    public const string EspeakNg = "espeak-ng";

    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);
    private static readonly Dictionary<string, bool> Availability = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="tool"/> is on the PATH (checked once per tool).</summary>
    public static bool IsAvailable(string tool)
    {
        lock (Availability)
        {
            if (!Availability.TryGetValue(tool, out bool found))
            {
                string[] folders = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
                found = folders.Any(folder => File.Exists(Path.Combine(folder, tool)));
                Availability[tool] = found;
            }

            return found;
        }
    }

    /// <summary>Runs <paramref name="tool"/>, feeding <paramref name="standardInput"/> if given, and waits for it to exit.</summary>
    public static ToolResult Run(string tool, IEnumerable<string> arguments, byte[]? standardInput = null, TimeSpan? timeout = null)
    {
        List<string> args = [.. arguments];
        ProcessStartInfo start = new(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = standardInput is not null,
            UseShellExecute = false,
        };
        foreach (string argument in args)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {tool}.");
        Task<byte[]> stdout = ReadAllAsync(process.StandardOutput.BaseStream);
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (standardInput is not null)
        {
            try
            {
                process.StandardInput.BaseStream.Write(standardInput);
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The tool exited without reading all of its input; its exit code tells the test why.
            }
        }

        if (!process.WaitForExit(timeout ?? DefaultTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} {string.Join(' ', args)} did not finish in {(timeout ?? DefaultTimeout).TotalSeconds} s.");
        }

        return new ToolResult(tool, args, process.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult());
    }

    /// <summary>Runs sox with the given arguments.</summary>
    public static ToolResult RunSox(params string[] arguments) => Run(Sox, arguments);

    /// <summary>Runs ffmpeg quietly (<c>-v error -y</c> prepended).</summary>
    public static ToolResult RunFfmpeg(params string[] arguments) => Run(Ffmpeg, ["-v", "error", "-nostdin", "-y", .. arguments]);

    /// <summary>Runs espeak-ng with the given arguments.</summary>
    public static ToolResult RunEspeakNg(params string[] arguments) => Run(EspeakNg, arguments);

    /// <summary>
    /// The first audio stream as ffprobe reports it (<c>-show_streams</c>): codec_name, sample_rate, channels, ...
    /// <paramref name="inputArguments"/> go before <c>-i</c>, e.g. <c>-f mulaw -ar 8000</c> for raw files.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProbeStream(string path, params string[] inputArguments)
    {
        ToolResult result = Run(Ffprobe, ["-v", "error", .. inputArguments, "-show_streams", "-select_streams", "a:0", "-of", "default=noprint_wrappers=1", path])
            .EnsureSuccess();
        return ParseKeyValues(result.StandardOutput, '=');
    }

    /// <summary>
    /// What <c>sox --i</c> says about a file with a header: keys such as "Channels", "Sample Rate", "Precision",
    /// "Sample Encoding", "Duration". (sox --i takes no type options; read raw files with <see cref="SoxStat"/>.)
    /// </summary>
    public static IReadOnlyDictionary<string, string> SoxInfo(string path)
    {
        ToolResult result = Run(Sox, ["--i", path]).EnsureSuccess();
        return ParseKeyValues(result.StandardOutput, ':');
    }

    /// <summary>
    /// <c>sox FILE -n stat</c> figures ("Samples read", "Maximum amplitude", "RMS amplitude", ...), read from stderr.
    /// <paramref name="typeArguments"/> describe a raw file and go before it, e.g. <c>-t ul -r 8000 -c 1</c>.
    /// </summary>
    public static IReadOnlyDictionary<string, double> SoxStat(string path, params string[] typeArguments)
    {
        ToolResult result = Run(Sox, [.. typeArguments, path, "-n", "stat"]).EnsureSuccess();
        Dictionary<string, double> stats = new(StringComparer.Ordinal);
        foreach ((string key, string value) in ParseKeyValues(result.StandardError, ':'))
        {
            if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number))
            {
                stats[key] = number;
            }
        }

        return stats;
    }

    private static Dictionary<string, string> ParseKeyValues(string text, char separator)
    {
        Dictionary<string, string> values = new(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            int at = line.IndexOf(separator, StringComparison.Ordinal);
            if (at > 0)
            {
                values.TryAdd(line[..at].Trim(), line[(at + 1)..].Trim());
            }
        }

        return values;
    }

    private static async Task<byte[]> ReadAllAsync(Stream stream)
    {
        using MemoryStream buffer = new();
        await stream.CopyToAsync(buffer).ConfigureAwait(false);
        return buffer.ToArray();
    }
}
